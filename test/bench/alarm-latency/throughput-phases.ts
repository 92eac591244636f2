import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { RuleQueueSink } from '../../../gateway/handoff/rule-queues.ts';
import type { Reading } from '../../../gateway/ingest/reading.ts';
import { type DeviceGroup, LOAD_POINTS } from '../ingest/bench-config.ts';
import type { LoadProcess } from '../ingest/load-process.ts';
import { preciseNow } from '../ingest/load-protocol.ts';
import { CpuMeter, type CpuSplit } from '../ingest/process-cpu.ts';
import { SAMPLE_SITE } from './alarm-config.ts';
import { ReadingQueues } from './reading-queues.ts';
import { forwarded, StewardRole } from './steward-roles.ts';

const BURST_TS_LEAD_MS = 60_000;

export interface GatewayRate {
  readonly shape: 'points' | 'readings';
  readonly messagesAcked: number;
  readonly readings: number;
  /** Counted in VictoriaMetrics. */
  readonly stored: number;
  /** Readings the gateway's rules forwarder handed to the rule queues during the burst. */
  readonly handedOff: number;
  /** stored ÷ (first publish → last reading queryable), as the ingest bench counts. */
  readonly perS: number;
  /** handedOff ÷ (first publish → the forwarder's count reached it; polled every ~50 ms, an upper bound). */
  readonly handoffPerS: number;
  readonly exact: boolean;
  readonly cpu: CpuSplit;
}

export interface GatewayRateContext {
  readonly brokerUrl: string;
  readonly victoriaUrl: string;
  readonly victoriaPid: number | undefined;
  readonly gateway: StewardRole;
  readonly workers: StewardRole;
  readonly load: LoadProcess;
  readonly queues: ReadingQueues;
}

/**
 * The gateway's full ingest rate, in this run, on this machine: the load child publishes as fast
 * as its window allows (unpaced), one or ten readings per message, on meters of their own. The
 * bench site's rule queues are paused meanwhile, so the workers take no CPU from the gateway; the
 * jobs wait and are drained afterwards (checked: none failed).
 */
export async function gatewayRate(
  context: GatewayRateContext,
  shape: 'points' | 'readings',
  group: DeviceGroup,
  messages: number,
): Promise<GatewayRate & { failedJobs: number }> {
  const perMessage = shape === 'points' ? 1 : LOAD_POINTS.length;
  await context.queues.pause();
  const before = await forwarded(context.gateway);
  await context.load.prepare({
    brokerUrl: context.brokerUrl,
    logins: group.devices,
    shape,
    points: LOAD_POINTS,
    messages,
    maxSeconds: 120,
    window: 500,
    // A burst stamps up to a few seconds of timestamps per series (1 ms apart), faster than the
    // clock runs: starting a minute back keeps them all in the past, so VictoriaMetrics counts each
    // reading as soon as it is stored (a future sample is only counted once the clock reaches it),
    // and well inside the five minutes after which `meter-offline` would call a meter silent.
    tsBase: Date.now() - BURST_TS_LEAD_MS,
    store: {
      url: context.victoriaUrl,
      selector: group.selector,
      readingsPerMessage: perMessage,
      idleTimeoutMs: 20_000,
      pollMs: 50,
    },
  });
  const polls: { at: number; rules: number }[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const at = preciseNow();
      polls.push({ at, rules: (await forwarded(context.gateway)).rules });
      await sleep(50);
    }
  })();
  const meter = new CpuMeter({
    gateway: context.gateway.pid,
    workers: context.workers.pid,
    load: context.load.pid,
    victoria: context.victoriaPid,
  });
  meter.start();
  let result: Awaited<ReturnType<LoadProcess['run']>>;
  try {
    result = await context.load.run();
    const target = before.rules + result.acked * perMessage;
    const deadline = performance.now() + 30_000;
    while ((polls.at(-1)?.rules ?? 0) < target && performance.now() < deadline) await sleep(20);
  } finally {
    polling = false;
    await poller;
  }
  const cpu = meter.stop();
  const readings = result.acked * perMessage;
  const handoffDone = polls.find((poll) => poll.rules - before.rules >= readings);
  const handedOff = (polls.at(-1)?.rules ?? Number.NaN) - before.rules;
  const stored = result.store?.count ?? 0;
  await context.queues.resume();
  const drained = await context.queues.waitDrained(60_000);
  return {
    shape,
    messagesAcked: result.acked,
    readings,
    stored,
    handedOff,
    perS: stored / (((result.store?.at ?? Number.NaN) - result.firstPublishAt) / 1_000),
    handoffPerS: handedOff / (((handoffDone?.at ?? Number.NaN) - result.firstPublishAt) / 1_000),
    exact: result.failed === 0 && stored === readings && handedOff === readings,
    cpu,
    failedJobs: drained.failed,
  };
}

export interface EvalDrain {
  readonly batchSize: number;
  readonly readings: number;
  /** Jobs the gateway's hand-off made of them (one per shard a batch touches). */
  readonly jobs: number;
  /** readings ÷ (resume → the last job finished, by the jobs' own `finishedOn`). */
  readonly perS: number;
  readonly seconds: number;
  readonly failedJobs: number;
  /** Incidents the drain recorded (the simulated building without faults: normally none). */
  readonly incidents: number;
  /** Readings the worker evaluated (its `steward_rule_readings_total`: those some rule reads). */
  readonly evaluated: number;
  /** Readings a condition set aside, by reason (`steward_rule_discarded_total`): none expected. */
  readonly discarded: Readonly<Record<string, number>>;
  readonly cpu: CpuSplit;
}

export interface EvalContext {
  readonly redis: Redis;
  readonly pool: pg.Pool;
  /** Environment of a `steward workers` process (config, database, store), without site and prefix. */
  readonly env: Record<string, string>;
  readonly shards: number;
  readonly log: (line: string) => void;
  /** Takes the workers process in, so an interrupt stops it too. */
  readonly adopt: (role: StewardRole) => void;
}

/**
 * The rule workers' rate with the sample site's rules: a fresh `steward workers` process for the
 * sample site (its own key prefix, so no state from another drain), its reading queues paused,
 * filled through the gateway's own hand-off (`RuleQueueSink`: shards, job ids, job options) in
 * batches of `batchSize` readings as the rules forwarder reads them from the spool, then resumed
 * and timed until the last job finished.
 */
export async function evalDrain(
  context: EvalContext,
  prefix: string,
  readings: readonly Reading[],
  batchSize: number,
): Promise<EvalDrain> {
  const workers = await StewardRole.start('workers', {
    ...context.env,
    STEWARD_SITE: SAMPLE_SITE,
    STEWARD_REDIS_PREFIX: prefix,
  });
  context.adopt(workers);
  const target = { connection: context.redis, prefix, site: SAMPLE_SITE, shards: context.shards };
  const queues = new ReadingQueues(target);
  const sink = new RuleQueueSink(target);
  try {
    await queues.pause();
    for (let i = 0; i < readings.length; i += batchSize) await sink.write(readings.slice(i, i + batchSize));
    const { pending: jobs } = await queues.counts();
    const incidents = async () =>
      Number((await context.pool.query<{ n: string }>('select count(*) as n from incidents')).rows[0]?.n);
    const incidentsBefore = await incidents();
    context.log(`alarm bench: ${readings.length} readings in ${jobs} jobs of ≤ ${batchSize}; draining …`);
    const meter = new CpuMeter({ workers: workers.pid });
    meter.start();
    const resumedAt = Date.now();
    await queues.resume();
    const drain = await queues.waitDrained(30_000);
    const cpu = meter.stop();
    const seconds = (drain.lastFinishedAt - resumedAt) / 1_000;
    const evaluated = (await workers.counter('steward_rule_readings_total', ''))[''] ?? 0;
    const discarded = await workers.counter('steward_rule_discarded_total', 'reason');
    return {
      batchSize,
      readings: readings.length,
      jobs,
      perS: readings.length / seconds,
      seconds,
      failedJobs: drain.failed,
      incidents: (await incidents()) - incidentsBefore,
      evaluated,
      discarded: Object.fromEntries(Object.entries(discarded).filter(([, count]) => count > 0)),
      cpu,
    };
  } finally {
    await Promise.all([sink.close(), queues.close()]);
    const code = await workers.stop();
    if (code !== 0) context.log(`alarm bench: workers (${prefix}) exited with ${code}`);
  }
}
