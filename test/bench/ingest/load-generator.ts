/**
 * The load generator, run as a child process of the bench (see load-process.ts): MQTT.js
 * publishers that keep a bounded window of QoS 1 messages in flight each, or a plain QoS 1
 * subscriber for the broker ceiling. The same code loads every peer, so the figures differ
 * only by what sits behind the broker port.
 *
 * After the last PUBACK it polls VictoriaMetrics (force_flush, then count) until every
 * acknowledged reading is queryable: the stored count is the server's, not a client counter.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';
import {
  type DeviceLogin,
  type LoadCommand,
  type LoadReply,
  type MarkerPlan,
  type MarkerTiming,
  type PublishJob,
  type PublishResult,
  preciseNow,
  type StoreOutcome,
  type StoreWatch,
  type SubscriberTally,
} from './load-protocol.ts';
import { StoreProxy } from './store-proxy.ts';
import { countSamples, forceFlush, rangeSamples, writeLine } from './victoria-queries.ts';

/** How long in-flight messages may take to be acknowledged once sending has stopped. */
const DRAIN_TIMEOUT_MS = 60_000;
const PACE_TICK_MS = 2;

function reply(message: LoadReply): void {
  process.send?.(message);
}

function connect(brokerUrl: string, login: DeviceLogin): Promise<mqtt.MqttClient> {
  return mqtt.connectAsync(brokerUrl, {
    clientId: `${login.device}-${randomBytes(3).toString('hex')}`,
    username: login.device,
    password: login.password,
    protocolVersion: 4,
    clean: true,
    keepalive: 60,
    reconnectPeriod: 0,
    connectTimeout: 15_000,
  });
}

interface Lane {
  readonly client: mqtt.MqttClient;
  readonly topics: readonly string[];
  readonly quota: number;
  sent: number;
  inflight: number;
}

/** One publish job: prepared (clients connected) first, started on command. */
class PublishRun {
  readonly #job: PublishJob;
  readonly #lanes: Lane[] = [];
  #firstPublishAt = 0;
  #lastPublishAt = 0;
  #lastAckAt = 0;
  #acked = 0;
  #failed = 0;
  #stopped = false;
  #markers: {
    publishedAt: number;
    ackedAt: number | undefined;
    seenAt: number | undefined;
    directWrittenAt: number | undefined;
    directSeenAt: number | undefined;
  }[] = [];
  #settle: (() => void) | undefined;

  readonly #proxy: StoreProxy | undefined;

  constructor(job: PublishJob, proxy: StoreProxy | undefined) {
    this.#job = job;
    this.#proxy = proxy;
  }

  async prepare(): Promise<void> {
    const { logins, messages, shape, points } = this.#job;
    const clients = await Promise.all(logins.map((login) => connect(this.#job.brokerUrl, login)));
    clients.forEach((client, i) => {
      client.on('error', () => undefined);
      const device = logins[i]?.device ?? '';
      const quota = Math.floor(messages / clients.length) + (i < messages % clients.length ? 1 : 0);
      const topics =
        shape === 'points'
          ? points.map((point) => `devices/${device}/points/${point.key}`)
          : [`devices/${device}/readings`];
      this.#lanes.push({ client, topics, quota, sent: 0, inflight: 0 });
    });
  }

  async run(): Promise<PublishResult> {
    const job = this.#job;
    const done = new Promise<void>((resolve) => {
      this.#settle = resolve;
    });
    const stopTimer = setTimeout(() => {
      this.#stopped = true;
      this.#checkDone();
    }, job.maxSeconds * 1_000);
    this.#firstPublishAt = preciseNow();
    let paceTimer: NodeJS.Timeout | undefined;
    if (job.ratePerS === undefined) {
      for (const lane of this.#lanes) this.#pump(lane);
    } else {
      paceTimer = setInterval(() => this.#pace(), PACE_TICK_MS);
      this.#pace();
    }
    const markerPoll = job.markers ? this.#pollMarkers(job.markers) : undefined;
    // Sending has stopped but acknowledgements never came: what is still in flight counts as failed.
    const drainLimit = new AbortController();
    const signal = drainLimit.signal;
    const drained = (async () => {
      while (!this.#allSent()) await sleep(100, undefined, { signal });
      await sleep(DRAIN_TIMEOUT_MS, undefined, { signal });
    })().catch(() => undefined);
    await Promise.race([done, drained]);
    drainLimit.abort();
    clearTimeout(stopTimer);
    clearInterval(paceTimer);
    this.#stopped = true;
    for (const lane of this.#lanes) this.#failed += lane.inflight;
    const markerPollMs = await markerPoll;
    const store = job.store ? await this.#watchStore(job.store) : undefined;
    await Promise.all(this.#lanes.map((lane) => lane.client.endAsync(true).catch(() => undefined)));
    return {
      firstPublishAt: this.#firstPublishAt,
      lastPublishAt: this.#lastPublishAt,
      lastAckAt: this.#lastAckAt,
      sent: this.#lanes.reduce((sum, lane) => sum + lane.sent, 0) + this.#markers.length,
      acked: this.#acked,
      failed: this.#failed,
      store,
      markers: job.markers
        ? this.#markers.map((m, i): MarkerTiming => ({ ...m, storeAckAt: this.#proxy?.acknowledgedAt(i) }))
        : undefined,
      markerPollMs,
    };
  }

  #allSent(): boolean {
    return this.#stopped || this.#lanes.every((lane) => lane.sent >= lane.quota);
  }

  #checkDone(): void {
    const idle = this.#lanes.every((lane) => lane.inflight === 0);
    const markersDone = this.#markerCountDone() && this.#markers.every((m) => m.ackedAt !== undefined);
    if (idle && this.#allSent() && markersDone) this.#settle?.();
  }

  #markerCountDone(): boolean {
    const plan = this.#job.markers;
    return plan === undefined || this.#stopped || this.#markers.length >= plan.count;
  }

  /** As fast as the window allows. */
  #pump(lane: Lane): void {
    const window = this.#job.window;
    while (!this.#stopped && lane.inflight < window && lane.sent < lane.quota) this.#publish(lane);
  }

  /** Paced: each lane catches up with rate × elapsed, within its window. */
  #pace(): void {
    const job = this.#job;
    if (this.#stopped || job.ratePerS === undefined) return;
    const elapsedS = (preciseNow() - this.#firstPublishAt) / 1_000;
    const perLane = job.ratePerS / this.#lanes.length;
    for (const lane of this.#lanes) {
      const due = Math.min(lane.quota, Math.floor(perLane * elapsedS) + 1);
      while (lane.sent < due && lane.inflight < job.window) this.#publish(lane);
    }
    const plan = job.markers;
    const first = this.#lanes[0];
    if (plan && first && !this.#markerCountDone()) {
      const dueMarkers = Math.min(plan.count, Math.floor((elapsedS * 1_000) / plan.everyMs) + 1);
      while (this.#markers.length < dueMarkers) this.#publishMarker(first, plan);
    }
    if (this.#allSent()) this.#checkDone();
  }

  #publish(lane: Lane): void {
    const job = this.#job;
    const i = lane.sent;
    lane.sent += 1;
    lane.inflight += 1;
    let topic: string;
    let payload: string;
    if (job.shape === 'points') {
      const k = i % job.points.length;
      const round = Math.floor(i / job.points.length);
      const point = job.points[k] as (typeof job.points)[number];
      topic = lane.topics[k] as string;
      payload = `{"ts":${job.tsBase + round},"value":${loadValue(point.base, point.step, round)}}`;
    } else {
      topic = lane.topics[0] as string;
      let readings = '';
      for (const point of job.points) {
        readings += `${readings === '' ? '' : ','}"${point.key}":${loadValue(point.base, point.step, i)}`;
      }
      payload = `{"ts":${job.tsBase + i},"readings":{${readings}}}`;
    }
    this.#lastPublishAt = preciseNow();
    lane.client.publish(topic, payload, { qos: 1 }, (error) => {
      lane.inflight -= 1;
      if (error) this.#failed += 1;
      else this.#acked += 1;
      this.#lastAckAt = preciseNow();
      if (this.#job.ratePerS === undefined) this.#pump(lane);
      this.#checkDone();
    });
  }

  #publishMarker(lane: Lane, plan: MarkerPlan): void {
    const index = this.#markers.length;
    const publishedAt = preciseNow();
    const marker = {
      publishedAt,
      ackedAt: undefined as number | undefined,
      seenAt: undefined,
      directWrittenAt: undefined as number | undefined,
      directSeenAt: undefined,
    };
    this.#markers.push(marker);
    const ts = Math.round(publishedAt);
    const store = this.#job.store;
    if (plan.directPoint && store) {
      marker.directWrittenAt = preciseNow();
      writeLine(store.url, `reading,point=${plan.directPoint} value=${index} ${ts}`).catch(() => {
        marker.directWrittenAt = undefined;
      });
    }
    const key = plan.key;
    const device = (lane.topics[0] ?? '').split('/')[1];
    const payload = `{"ts":${ts},"value":${index}}`;
    lane.client.publish(`devices/${device}/points/${key}`, payload, { qos: 1 }, (error) => {
      if (error) this.#failed += 1;
      else this.#acked += 1;
      marker.ackedAt = preciseNow();
      this.#checkDone();
    });
  }

  /**
   * force_flush + query of the marker series (and the store-alone peer's) in a loop, from the
   * first publish until every marker was seen; returns the mean poll period.
   */
  async #pollMarkers(plan: MarkerPlan): Promise<number | undefined> {
    const url = this.#job.store?.url;
    if (!url) return undefined;
    const selectors = [
      plan.selector,
      ...(plan.directPoint ? [`reading_value{point="${plan.directPoint}"}`] : []),
    ];
    let polls = 0;
    const began = preciseNow();
    let lastNewAt = preciseNow();
    const allSeen = () =>
      this.#markers.every(
        (m) => m.seenAt !== undefined && (m.directWrittenAt === undefined || m.directSeenAt !== undefined),
      );
    for (;;) {
      const at = preciseNow();
      await forceFlush(url);
      const series = (await Promise.all(selectors.map((selector) => rangeSamples(url, selector)))).flat();
      polls += 1;
      for (const samples of series) {
        const direct = plan.directPoint !== undefined && samples.metric.point === plan.directPoint;
        for (const value of samples.values) {
          const marker = this.#markers[value];
          if (!marker) continue;
          if (direct && marker.directSeenAt === undefined) marker.directSeenAt = at;
          else if (!direct && marker.seenAt === undefined) marker.seenAt = at;
          else continue;
          lastNewAt = at;
        }
      }
      const allPublished = this.#markerCountDone();
      if (allPublished && allSeen()) break;
      if (allPublished && preciseNow() - lastNewAt > 15_000) break;
      await sleep(plan.pollMs);
    }
    return polls > 0 ? (preciseNow() - began) / polls : undefined;
  }

  async #watchStore(watch: StoreWatch): Promise<StoreOutcome> {
    const expected = this.#acked * watch.readingsPerMessage;
    let count = -1;
    let at: number | undefined;
    let changedAt = preciseNow();
    let polls = 0;
    for (;;) {
      const pollAt = preciseNow();
      await forceFlush(watch.url);
      const now = await countSamples(watch.url, watch.selector);
      polls += 1;
      if (now !== count) {
        count = now;
        at = pollAt;
        changedAt = preciseNow();
      }
      if (count >= expected || preciseNow() - changedAt > watch.idleTimeoutMs) break;
      await sleep(watch.pollMs);
    }
    return { count, at, complete: count >= expected, polls };
  }
}

function loadValue(base: number, step: number, round: number): number {
  return Math.round((base + step * (round % 100)) * 1_000) / 1_000;
}

/** The broker ceiling's reader: a plain QoS 1 subscription, counting what arrives. */
class Subscriber {
  #client: mqtt.MqttClient | undefined;
  #count = 0;
  #firstAt: number | undefined;
  #lastAt: number | undefined;

  async subscribe(brokerUrl: string, topic: string, clientId: string): Promise<void> {
    const client = await mqtt.connectAsync(brokerUrl, {
      clientId,
      protocolVersion: 4,
      clean: true,
      keepalive: 60,
      reconnectPeriod: 0,
    });
    client.on('error', () => undefined);
    client.on('message', () => {
      const now = preciseNow();
      this.#count += 1;
      this.#firstAt ??= now;
      this.#lastAt = now;
    });
    await client.subscribeAsync(topic, { qos: 1 });
    this.#client = client;
  }

  async expect(count: number, idleTimeoutMs: number): Promise<SubscriberTally> {
    let seen = this.#count;
    let changedAt = preciseNow();
    while (this.#count < count) {
      await sleep(10);
      if (this.#count !== seen) {
        seen = this.#count;
        changedAt = preciseNow();
      } else if (preciseNow() - changedAt > idleTimeoutMs) break;
    }
    return { count: this.#count, firstAt: this.#firstAt, lastAt: this.#lastAt };
  }

  reset(): void {
    this.#count = 0;
    this.#firstAt = undefined;
    this.#lastAt = undefined;
  }

  async close(): Promise<void> {
    await this.#client?.endAsync(true);
  }
}

let run: PublishRun | undefined;
let proxy: StoreProxy | undefined;
const subscriber = new Subscriber();

async function handle(command: LoadCommand): Promise<void> {
  switch (command.type) {
    case 'prepare':
      run = new PublishRun(command.job, proxy);
      await run.prepare();
      reply({ type: 'prepared' });
      return;
    case 'start': {
      if (!run) throw new Error('start before prepare');
      const result = await run.run();
      run = undefined;
      reply({ type: 'result', result });
      return;
    }
    case 'subscribe':
      await subscriber.subscribe(command.brokerUrl, command.topic, command.clientId);
      reply({ type: 'subscribed' });
      return;
    case 'expect':
      reply({ type: 'tally', tally: await subscriber.expect(command.count, command.idleTimeoutMs) });
      return;
    case 'reset':
      subscriber.reset();
      reply({ type: 'reset' });
      return;
    case 'proxy':
      await proxy?.stop();
      proxy = new StoreProxy(command.target, command.probePointId);
      reply({ type: 'proxy', url: await proxy.start() });
      return;
  }
}

process.on('message', (command: LoadCommand) => {
  handle(command).catch((error: unknown) => {
    reply({
      type: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  });
});
// The bench closes the channel when it is done with this process (or dies): leave with it.
process.on('disconnect', () => {
  Promise.all([subscriber.close(), proxy?.stop()]).then(
    () => process.exit(0),
    () => process.exit(0),
  );
});
