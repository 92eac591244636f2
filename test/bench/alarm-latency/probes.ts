import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import mqtt from 'mqtt';
import { equipmentOf, shardOf } from '../../../gateway/handoff/shards.ts';
import { type IncidentMessage, incidentsChannel } from '../../../services/incidents/publisher.ts';
import { preciseNow } from '../ingest/load-protocol.ts';
import { PROBE_POINT, type ProbeLift } from './alarm-config.ts';
import type { ReadingQueues } from './reading-queues.ts';

/** One violating reading and what became of it (epoch ms, sub-millisecond; one process, one clock). */
export interface ProbeTiming {
  readonly equipment: string;
  /** Taken just before `publish()`. */
  publishedAt: number;
  /** PUBACK: the reading is in the gateway's spool. */
  ackedAt: number | undefined;
  /** The incident event for this lift arrived on the Redis channel (published after the commit). */
  arrivedAt: number | undefined;
  kind: string | undefined;
  /** The BullMQ job that carried the reading, by its own timestamps (epoch ms, 1 ms resolution). */
  job: { addedAt: number; processedAt: number; finishedAt: number } | undefined;
}

/** One message through the broker and back: the floor under any alarm that travels over MQTT. */
export interface FloorTiming {
  readonly publishedAt: number;
  receivedAt: number | undefined;
}

const connectOptions = (lift: ProbeLift) => ({
  clientId: `${lift.device}-${randomBytes(3).toString('hex')}`,
  username: lift.device,
  password: lift.password,
  protocolVersion: 4 as const,
  clean: true,
  keepalive: 60,
  reconnectPeriod: 0,
  connectTimeout: 30_000,
});

/**
 * The probe lifts' MQTT connections, held open for the whole run so that connecting (an scrypt
 * check in the gateway per device) never falls into a measured window. A probe publishes
 * `{"ts": now, "value": 1}` on `devices/<lift>/points/trapped_passenger` at QoS 1.
 */
export class ProbeFleet {
  readonly #clients = new Map<string, mqtt.MqttClient>();

  static async connect(brokerUrl: string, lifts: readonly ProbeLift[], parallel = 16): Promise<ProbeFleet> {
    const fleet = new ProbeFleet();
    try {
      for (let i = 0; i < lifts.length; i += parallel) {
        await Promise.all(
          lifts.slice(i, i + parallel).map(async (lift) => {
            const client = await mqtt.connectAsync(brokerUrl, connectOptions(lift));
            client.on('error', () => undefined);
            fleet.#clients.set(lift.equipment, client);
          }),
        );
      }
    } catch (error) {
      await fleet.close();
      throw error;
    }
    return fleet;
  }

  /** Publishes the lift's violating reading; `listener` learns of it first, so no event can be early. */
  fire(equipment: string, listener: IncidentListener): ProbeTiming {
    const client = this.#clients.get(equipment);
    if (!client) throw new Error(`no probe connection for ${equipment}`);
    const device = client.options.username ?? '';
    const timing: ProbeTiming = {
      equipment,
      publishedAt: Number.NaN,
      ackedAt: undefined,
      arrivedAt: undefined,
      kind: undefined,
      job: undefined,
    };
    listener.expect(timing);
    const publishedAt = preciseNow();
    timing.publishedAt = publishedAt;
    client.publish(
      `devices/${device}/points/${PROBE_POINT}`,
      `{"ts":${Math.round(publishedAt)},"value":1}`,
      { qos: 1 },
      (error) => {
        if (!error) timing.ackedAt = preciseNow();
      },
    );
    return timing;
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.#clients.values()].map((client) => client.endAsync(true).catch(() => undefined)),
    );
    this.#clients.clear();
  }
}

/**
 * The latency floor: one message through plain aedes (test/bench/ingest/raw-broker.ts, no
 * authentication, no hooks) and back, publisher and subscriber being two connections of this
 * process, at QoS 1, while the background load runs through the gateway on the same two cores.
 * The gateway's broker refuses a device publishing to its own `cmd/` topics, so the round trip
 * cannot be taken there.
 */
export class FloorProbe {
  readonly #publisher: mqtt.MqttClient;
  readonly #subscriber: mqtt.MqttClient;
  readonly #topic: string;
  readonly #timings: FloorTiming[] = [];

  private constructor(publisher: mqtt.MqttClient, subscriber: mqtt.MqttClient, topic: string) {
    this.#publisher = publisher;
    this.#subscriber = subscriber;
    this.#topic = topic;
    subscriber.on('message', (_topic, payload) => {
      const at = preciseNow();
      const timing = this.#timings[Number(payload.toString())];
      if (timing && timing.receivedAt === undefined) timing.receivedAt = at;
    });
  }

  static async connect(brokerUrl: string, lift: ProbeLift): Promise<FloorProbe> {
    const topic = `bench/${lift.device}/echo`;
    const [publisher, subscriber] = await Promise.all([
      mqtt.connectAsync(brokerUrl, connectOptions(lift)),
      mqtt.connectAsync(brokerUrl, connectOptions(lift)),
    ]);
    for (const client of [publisher, subscriber]) client.on('error', () => undefined);
    const granted = await subscriber.subscribeAsync(topic, { qos: 1 });
    if (granted[0]?.qos !== 1) throw new Error(`the raw broker refused the floor subscription to ${topic}`);
    return new FloorProbe(publisher, subscriber, topic);
  }

  get sent(): number {
    return this.#timings.length;
  }

  fire(): FloorTiming {
    const index = this.#timings.length;
    const timing: FloorTiming = { publishedAt: preciseNow(), receivedAt: undefined };
    this.#timings.push(timing);
    this.#publisher.publish(this.#topic, String(index), { qos: 1 });
    return timing;
  }

  async close(): Promise<void> {
    await Promise.all(
      [this.#publisher.endAsync(true), this.#subscriber.endAsync(true)].map((p) => p.catch(() => undefined)),
    );
  }
}

/**
 * Listens on `<prefix>:incidents` (the channel the incident store publishes on right after each
 * commit) and hands each message to the probe waiting for that lift. Messages about anything else
 * are counted: a clean run has none.
 */
export class IncidentListener {
  readonly #redis: Redis;
  readonly #channel: string;
  readonly #waiting = new Map<string, ProbeTiming>();
  readonly #unexpected: string[] = [];
  readonly #onArrival: ((timing: ProbeTiming) => void) | undefined;
  messages = 0;

  constructor(redisUrl: string, prefix: string, onArrival?: (timing: ProbeTiming) => void) {
    this.#onArrival = onArrival;
    this.#redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    this.#redis.on('error', () => undefined);
    this.#channel = incidentsChannel(prefix);
    this.#redis.on('message', (_channel: string, text: string) => {
      const at = preciseNow();
      this.messages += 1;
      let message: IncidentMessage;
      try {
        message = JSON.parse(text) as IncidentMessage;
      } catch {
        this.#unexpected.push(`unparsable message ${text.slice(0, 80)}`);
        return;
      }
      const equipment = String(message.incident.equipmentId);
      const timing = this.#waiting.get(equipment);
      if (timing && timing.arrivedAt === undefined) {
        timing.arrivedAt = at;
        timing.kind = message.kind;
        this.#waiting.delete(equipment);
        this.#onArrival?.(timing);
      } else this.#unexpected.push(`${message.kind} ${message.incident.ruleId} ${equipment}`);
    });
  }

  async start(): Promise<void> {
    await this.#redis.connect();
    await this.#redis.subscribe(this.#channel);
  }

  /** Registers a probe before it is published (ProbeFleet.fire does). */
  expect(timing: ProbeTiming): void {
    this.#waiting.set(timing.equipment, timing);
  }

  /** Events that answered no probe: `kind rule equipment`. */
  get unexpected(): readonly string[] {
    return this.#unexpected;
  }

  /** Resolves once every expected event has arrived, or after `timeoutMs` without a new one. */
  async settle(timeoutMs: number): Promise<void> {
    let left = this.#waiting.size;
    let changedAt = performance.now();
    while (this.#waiting.size > 0) {
      await sleep(10);
      if (this.#waiting.size !== left) {
        left = this.#waiting.size;
        changedAt = performance.now();
      } else if (performance.now() - changedAt > timeoutMs) return;
    }
  }

  async stop(): Promise<void> {
    if (this.#redis.status === 'ready') await this.#redis.quit();
    else this.#redis.disconnect();
  }
}

/**
 * Finds the BullMQ job that carried each probe's reading, shortly after its incident arrived (the
 * job completes once the worker's checkpoint is written), and notes the job's own timestamps:
 * added by the gateway, taken by the worker, finished. That splits the span into the gateway's
 * share, the wait in the queue and the worker's share. It reads a few dozen recent jobs of one
 * shard per probe: a little Redis traffic, about ten requests a second.
 */
export class JobTracer {
  readonly #queues: ReadingQueues;
  readonly #shards: number;
  readonly #pending = new Set<Promise<void>>();
  misses = 0;

  constructor(queues: ReadingQueues, shards: number) {
    this.#queues = queues;
    this.#shards = shards;
  }

  trace(timing: ProbeTiming): void {
    const lookup = this.#lookup(timing).catch(() => {
      this.misses += 1;
    });
    this.#pending.add(lookup);
    void lookup.finally(() => this.#pending.delete(lookup));
  }

  async settle(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  async #lookup(timing: ProbeTiming): Promise<void> {
    const pointId = `${timing.equipment}.${PROBE_POINT}`;
    const shard = shardOf(equipmentOf(pointId), this.#shards);
    for (const delayMs of [250, 500, 1_000]) {
      await sleep(delayMs);
      const jobs = await this.#queues.recentJobs(shard, 40);
      const job = jobs.find((candidate) => candidate.data.readings.some((reading) => reading.p === pointId));
      if (job?.finishedOn !== undefined && job.processedOn !== undefined) {
        timing.job = { addedAt: job.timestamp, processedAt: job.processedOn, finishedAt: job.finishedOn };
        return;
      }
    }
    this.misses += 1;
  }
}
