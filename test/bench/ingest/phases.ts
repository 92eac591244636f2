import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { type DeviceGroup, LOAD_POINTS, PROBE_KEY, probeSelector } from './bench-config.ts';
import { BenchGateway } from './bench-gateway.ts';
import { LoadProcess } from './load-process.ts';
import type { MarkerTiming, PublishJob, PublishResult, StoreWatch } from './load-protocol.ts';
import { NODE_RED_CLIENT_ID, NodeRedPeer, peerFlows } from './node-red-peer.ts';
import { CpuMeter, type CpuSplit } from './process-cpu.ts';
import { RawBroker } from './raw-broker.ts';

/** What every phase needs: the run's store, configuration, device groups and load settings. */
export interface PhaseContext {
  readonly runId: string;
  readonly workDir: string;
  readonly configDir: string;
  readonly tsdbUrl: string;
  readonly victoriaPid: number | undefined;
  readonly group: (name: string) => DeviceGroup;
  /** QoS 1 messages in flight per publisher. */
  readonly window: number;
  readonly warmupMessages: number;
  readonly log: (line: string) => void;
  /** With --cpu-prof: where the measured windows' CPU profiles go (see profile-summary.ts). */
  readonly profileDir: string | undefined;
}

/** `--cpu-prof` flags for a child process when profiling, else none. */
function childExecArgv(context: PhaseContext, name: string): string[] {
  return context.profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${context.profileDir}`, `--cpu-prof-name=${name}.cpuprofile`]
    : [];
}

/** Profiles this process (the broker or gateway under test) around `run` when profiling. */
async function profiled<T>(context: PhaseContext, name: string, run: () => Promise<T>): Promise<T> {
  if (!context.profileDir) return run();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(path.join(context.profileDir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

export interface ThroughputResult {
  readonly messagesAcked: number;
  readonly readingsExpected: number;
  /** Counted in VictoriaMetrics (for the broker ceiling: received by the subscriber). */
  readonly stored: number;
  readonly complete: boolean;
  /** First publish → last reading queryable (ceiling: last message received). */
  readonly seconds: number;
  readonly perS: number;
  readonly cpu: CpuSplit;
  readonly rejections?: Readonly<Record<string, number>>;
}

export interface LatencyResult {
  readonly targetRatePerS: number;
  readonly achievedRatePerS: number;
  readonly markersPublished: number;
  readonly markersSeen: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Publish → PUBACK of the markers: the reading is in the spool. */
  readonly ackP50Ms: number;
  readonly ackP99Ms: number;
  /** Publish → the store's 204 to the gateway's write holding the marker: the gateway's whole share. */
  readonly storeAckP50Ms: number;
  readonly storeAckP99Ms: number;
  readonly storeAckMaxMs: number;
  readonly storeAckSeen: number;
  /** The store alone: a direct write of the marker → queryable (VictoriaMetrics' own visibility delay). */
  readonly directP50Ms: number;
  readonly directP99Ms: number;
  readonly directSeen: number;
  /** Mean period of the force_flush + query polls: the resolution of the figures above. */
  readonly pollMs: number;
  readonly stored: number;
  readonly readingsExpected: number;
  readonly complete: boolean;
  readonly cpu: CpuSplit;
  readonly rejections: Readonly<Record<string, number>>;
}

const STORE_POLL_MS = 50;
const STORE_IDLE_TIMEOUT_MS = 20_000;
/** Timestamps start this far in the past and advance 1 ms per round of a series. */
const TS_LEAD_MS = 10 * 60_000;

function job(
  context: PhaseContext,
  brokerUrl: string,
  group: DeviceGroup,
  messages: number,
  options: {
    shape?: PublishJob['shape'];
    store?: boolean;
    maxSeconds?: number;
    ratePerS?: number;
    markers?: PublishJob['markers'];
  } = {},
): PublishJob {
  const shape = options.shape ?? 'points';
  const store: StoreWatch | undefined = options.store
    ? {
        url: context.tsdbUrl,
        selector: group.selector,
        readingsPerMessage: shape === 'points' ? 1 : LOAD_POINTS.length,
        idleTimeoutMs: STORE_IDLE_TIMEOUT_MS,
        pollMs: STORE_POLL_MS,
      }
    : undefined;
  return {
    brokerUrl,
    logins: group.devices,
    shape,
    points: LOAD_POINTS,
    messages,
    maxSeconds: options.maxSeconds ?? 60,
    window: context.window,
    tsBase: Date.now() - TS_LEAD_MS,
    ...(options.ratePerS === undefined ? {} : { ratePerS: options.ratePerS }),
    ...(options.markers ? { markers: options.markers } : {}),
    ...(store ? { store } : {}),
  };
}

/** Runs a prepared job with the CPU meter around it. */
async function measured(
  context: PhaseContext,
  name: string,
  load: LoadProcess,
  publishJob: PublishJob,
  pids: Record<string, number | undefined>,
): Promise<{ result: PublishResult; cpu: CpuSplit }> {
  await load.prepare(publishJob);
  const meter = new CpuMeter(pids);
  meter.start();
  const result = await profiled(context, name, () => load.run());
  return { result, cpu: meter.stop() };
}

/** A warm-up burst on its own devices, fully stored before the measured run starts (JIT, connections). */
async function warmUp(
  context: PhaseContext,
  load: LoadProcess,
  brokerUrl: string,
  group: string,
  store: boolean,
) {
  if (context.warmupMessages <= 0) return undefined;
  await load.prepare(job(context, brokerUrl, context.group(group), context.warmupMessages, { store }));
  const result = await load.run();
  if (store && !result.store?.complete)
    throw new Error(`warm-up ${group}: ${result.store?.count} of ${result.acked} readings stored`);
  return result;
}

function throughputOf(result: PublishResult, readingsPerMessage: number, cpu: CpuSplit): ThroughputResult {
  const store = result.store;
  const stored = store?.count ?? 0;
  const seconds = ((store?.at ?? Number.NaN) - result.firstPublishAt) / 1_000;
  return {
    messagesAcked: result.acked,
    readingsExpected: result.acked * readingsPerMessage,
    stored,
    complete: store?.complete === true && result.failed === 0,
    seconds,
    perS: stored / seconds,
    cpu,
  };
}

/** Raw aedes, four publishers → one plain QoS 1 subscriber (another process): messages received/s. */
export async function brokerCeiling(
  context: PhaseContext,
  round: number,
  messages: number,
): Promise<ThroughputResult> {
  const broker = await RawBroker.start();
  const subscriber = LoadProcess.start(childExecArgv(context, `ceiling-${round}-subscriber`));
  const load = LoadProcess.start(childExecArgv(context, `ceiling-${round}-load`));
  try {
    await subscriber.subscribe(broker.url, 'devices/#', `ceiling-subscriber-${context.runId}`);
    const warm = await warmUp(context, load, broker.url, `CW${round}`, false);
    if (warm) await subscriber.expect(warm.acked, 10_000);
    await subscriber.reset();
    const publishJob = job(context, broker.url, context.group(`C${round}`), messages);
    await load.prepare(publishJob);
    const meter = new CpuMeter({ load: load.pid, subscriber: subscriber.pid, victoria: context.victoriaPid });
    meter.start();
    const { result, tally } = await profiled(context, `ceiling-${round}-broker`, async () => {
      const result = await load.run();
      return { result, tally: await subscriber.expect(result.acked, 10_000) };
    });
    const cpu = meter.stop();
    const seconds = ((tally.lastAt ?? Number.NaN) - result.firstPublishAt) / 1_000;
    return {
      messagesAcked: result.acked,
      readingsExpected: result.acked,
      stored: tally.count,
      complete: tally.count === result.acked && result.failed === 0,
      seconds,
      perS: tally.count / seconds,
      cpu,
    };
  } finally {
    await Promise.allSettled([load.close(), subscriber.close()]);
    await broker.stop();
  }
}

/**
 * Raw aedes with nobody subscribed: four publishers, messages acknowledged per second (first
 * publish → last PUBACK). Not a target; it shows what the broker alone costs per message, the
 * floor under every MQTT-fed pipeline here, while the ceiling above also pays for delivery.
 */
export async function brokerPublishOnly(
  context: PhaseContext,
  round: number,
  messages: number,
): Promise<ThroughputResult> {
  const broker = await RawBroker.start();
  const load = LoadProcess.start(childExecArgv(context, `puback-${round}-load`));
  try {
    await warmUp(context, load, broker.url, `AW${round}`, false);
    const { result, cpu } = await measured(
      context,
      `puback-${round}-broker`,
      load,
      job(context, broker.url, context.group(`A${round}`), messages),
      { load: load.pid, victoria: context.victoriaPid },
    );
    const seconds = (result.lastAckAt - result.firstPublishAt) / 1_000;
    return {
      messagesAcked: result.acked,
      readingsExpected: result.sent,
      stored: result.acked,
      complete: result.failed === 0,
      seconds,
      perS: result.acked / seconds,
      cpu,
    };
  } finally {
    await load.close();
    await broker.stop();
  }
}

/** The real gateway, one reading per message (`points`) or ten per message (`readings`). */
export async function gatewayThroughput(
  context: PhaseContext,
  round: number,
  shape: 'points' | 'readings',
  messages: number,
): Promise<ThroughputResult> {
  const name = shape === 'points' ? 'G' : 'P';
  const [group, warmGroup] = [`${name}${round}`, `${name}W${round}`];
  const gateway = new BenchGateway({
    configDir: context.configDir,
    workDir: context.workDir,
    tsdbUrl: context.tsdbUrl,
    redisPrefix: `bench_${context.runId}_${group}`.toLowerCase(),
  });
  const label = `${shape === 'points' ? 'gateway' : 'packed'}-${round}`;
  const load = LoadProcess.start(childExecArgv(context, `${label}-load`));
  try {
    await gateway.start();
    const url = `mqtt://127.0.0.1:${gateway.port}`;
    await warmUp(context, load, url, warmGroup, true);
    const before = await gateway.rejections();
    const { result, cpu } = await measured(
      context,
      `${label}-gateway`,
      load,
      job(context, url, context.group(group), messages, { shape, store: true }),
      { load: load.pid, victoria: context.victoriaPid },
    );
    const rejections = difference(await gateway.rejections(), before);
    return { ...throughputOf(result, shape === 'points' ? 1 : LOAD_POINTS.length, cpu), rejections };
  } finally {
    await gateway.stop();
    await load.close();
  }
}

/** Node-RED 5 (mqtt in → function → join → influxdb batch) on the raw aedes broker. */
export async function nodeRedThroughput(
  context: PhaseContext,
  round: number,
  messages: number,
): Promise<ThroughputResult> {
  const broker = await RawBroker.start();
  const load = LoadProcess.start(childExecArgv(context, `nodered-${round}-load`));
  let peer: NodeRedPeer | undefined;
  try {
    const flows = peerFlows({
      brokerPort: broker.port,
      tsdbUrl: context.tsdbUrl,
      devices: [...context.group(`NR${round}`).devices, ...context.group(`NRW${round}`).devices],
    });
    const subscribed = broker.subscribed(NODE_RED_CLIENT_ID);
    peer = await NodeRedPeer.start(
      path.join(context.workDir, `node-red-${round}`),
      flows,
      childExecArgv(context, `nodered-${round}-node-red`),
    );
    await subscribed;
    await warmUp(context, load, broker.url, `NRW${round}`, true);
    const group = context.group(`NR${round}`);
    const { result, cpu } = await measured(
      context,
      `nodered-${round}-broker`,
      load,
      job(context, broker.url, group, messages, { store: true }),
      {
        load: load.pid,
        victoria: context.victoriaPid,
        nodeRed: peer.pid,
      },
    );
    return throughputOf(result, 1, cpu);
  } finally {
    await load.close();
    await peer?.stop();
    await broker.stop();
  }
}

/**
 * Publish → queryable at a paced rate through the gateway. Client 0 publishes `markers` distinct
 * values on a dedicated point, spread over the run; the load generator polls VictoriaMetrics
 * (force_flush, then an instant query of that point's raw samples) every few tens of
 * milliseconds and records the start of the first poll that returned each marker. Latency =
 * that moment − the marker's publish: an upper bound, at most one poll period late.
 *
 * Two more timings per marker split that figure: publish → PUBACK (in the spool) and publish →
 * the store's 204 to the write that carried it (the gateway's whole share; a pass-through proxy
 * in the load process sees it). The store-alone peer writes the same marker straight to
 * VictoriaMetrics at publish time and times how soon it is queryable the same way.
 */
export async function publishToStoreLatency(
  context: PhaseContext,
  ratePerS: number,
  seconds: number,
  markers: number,
): Promise<LatencyResult> {
  const group = context.group('L');
  const probe = group.devices[0];
  if (!probe) throw new Error('the latency group has no device');
  const load = LoadProcess.start(childExecArgv(context, 'latency-load'));
  let gateway: BenchGateway | undefined;
  try {
    const proxyUrl = await load.proxy(context.tsdbUrl, `${probe.equipment}.${PROBE_KEY}`);
    gateway = new BenchGateway({
      configDir: context.configDir,
      workDir: context.workDir,
      tsdbUrl: proxyUrl,
      redisPrefix: `bench_${context.runId}_l`.toLowerCase(),
    });
    await gateway.start();
    const url = `mqtt://127.0.0.1:${gateway.port}`;
    await warmUp(context, load, url, 'LW', true);
    const before = await gateway.rejections();
    const { result, cpu } = await measured(
      context,
      'latency-gateway',
      load,
      job(context, url, group, Math.round(ratePerS * seconds), {
        store: true,
        ratePerS,
        maxSeconds: seconds * 3,
        markers: {
          key: PROBE_KEY,
          everyMs: (seconds * 1_000) / markers,
          count: markers,
          selector: probeSelector(probe),
          pollMs: 20,
          directPoint: `direct-${context.runId}`,
        },
      }),
      { load: load.pid, victoria: context.victoriaPid },
    );
    const timings = result.markers ?? [];
    const since = (
      pick: (m: MarkerTiming) => number | undefined,
      from: (m: MarkerTiming) => number | undefined,
    ) =>
      sorted(
        timings.flatMap((m) => {
          const end = pick(m);
          const begin = from(m);
          return end === undefined || begin === undefined ? [] : [end - begin];
        }),
      );
    const latencies = since(
      (m) => m.seenAt,
      (m) => m.publishedAt,
    );
    const acks = since(
      (m) => m.ackedAt,
      (m) => m.publishedAt,
    );
    const storeAcks = since(
      (m) => m.storeAckAt,
      (m) => m.publishedAt,
    );
    const direct = since(
      (m) => m.directSeenAt,
      (m) => m.directWrittenAt,
    );
    const publishSeconds = (result.lastPublishAt - result.firstPublishAt) / 1_000;
    return {
      targetRatePerS: ratePerS,
      achievedRatePerS: (result.sent - timings.length) / publishSeconds,
      markersPublished: timings.length,
      markersSeen: latencies.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.at(-1) ?? Number.NaN,
      ackP50Ms: percentile(acks, 50),
      ackP99Ms: percentile(acks, 99),
      storeAckP50Ms: percentile(storeAcks, 50),
      storeAckP99Ms: percentile(storeAcks, 99),
      storeAckMaxMs: storeAcks.at(-1) ?? Number.NaN,
      storeAckSeen: storeAcks.length,
      directP50Ms: percentile(direct, 50),
      directP99Ms: percentile(direct, 99),
      directSeen: direct.length,
      pollMs: result.markerPollMs ?? Number.NaN,
      stored: result.store?.count ?? 0,
      readingsExpected: result.acked,
      complete: result.store?.complete === true && result.failed === 0,
      cpu,
      rejections: difference(await gateway.rejections(), before),
    };
  } finally {
    await gateway?.stop();
    await load.close();
  }
}

const sorted = (values: number[]): number[] => values.sort((a, b) => a - b);

/** Nearest-rank percentile of sorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  return (
    values[Math.min(values.length - 1, Math.max(0, Math.ceil((p / 100) * values.length) - 1))] ?? Number.NaN
  );
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([code, value]) => [code, value - (before[code] ?? 0)] as const)
      .filter(([, value]) => value !== 0),
  );
}
