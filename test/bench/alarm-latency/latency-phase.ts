import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { DeviceGroup } from '../ingest/bench-config.ts';
import { LOAD_POINTS } from '../ingest/bench-config.ts';
import type { LoadProcess } from '../ingest/load-process.ts';
import type { PublishJob, PublishResult } from '../ingest/load-protocol.ts';
import { percentile } from '../ingest/phases.ts';
import { CpuMeter, type CpuSplit } from '../ingest/process-cpu.ts';
import { PROBE_RULE, type ProbeLift } from './alarm-config.ts';
import type {
  FloorProbe,
  FloorTiming,
  IncidentListener,
  JobTracer,
  ProbeFleet,
  ProbeTiming,
} from './probes.ts';
import type { ReadingQueues } from './reading-queues.ts';
import type { StewardRole } from './steward-roles.ts';

/** What the latency phase works with: the running roles, the load child, the probes and the store. */
export interface LatencyContext {
  readonly brokerUrl: string;
  readonly victoriaUrl: string;
  readonly victoriaPid: number | undefined;
  readonly gateway: StewardRole;
  readonly workers: StewardRole;
  readonly load: LoadProcess;
  readonly fleet: ProbeFleet;
  readonly floor: FloorProbe;
  readonly listener: IncidentListener;
  readonly tracer: JobTracer;
  /** The bench site's reading queues. */
  readonly queues: ReadingQueues;
  readonly pool: pg.Pool;
  readonly log: (line: string) => void;
}

export interface LatencyPlan {
  readonly ratePerS: number;
  readonly background: DeviceGroup;
  readonly warmupBackground: DeviceGroup;
  readonly warmupMessages: number;
  readonly warmupLifts: readonly ProbeLift[];
  readonly lifts: readonly ProbeLift[];
  /** Mean gap between probes; each gap is drawn from ±25 % of it so probes do not lock onto the forwarders' cycles. */
  readonly spacingMs: number;
  /** Background before the first probe and after the last. */
  readonly leadMs: number;
  readonly tailMs: number;
}

/** Nearest-rank percentiles of one span over the probes, in ms. */
export interface Spread {
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface BackgroundFigure {
  readonly targetPerS: number;
  /** Messages published ÷ (first → last publish). One reading per message. */
  readonly achievedPerS: number;
  readonly seconds: number;
  readonly acked: number;
  readonly failed: number;
  /** Counted by VictoriaMetrics once the last PUBACK was in. */
  readonly stored: number;
  readonly exact: boolean;
}

export interface LatencyResult {
  readonly probes: number;
  readonly arrived: number;
  /** Probes published while the background load was being published. */
  readonly underLoad: number;
  readonly warmupProbes: number;
  readonly warmupArrived: number;
  /** Event kinds that answered the probes (all `fired` in a clean run). */
  readonly kinds: Readonly<Record<string, number>>;
  /** publish → incident event received (committed, then published on Redis). */
  readonly alarm: Spread;
  /** publish → PUBACK (the reading is in the gateway's spool). */
  readonly puback: Spread;
  /** publish → the job holding the reading was added to its queue (the gateway's clock; 1 ms resolution). */
  readonly toQueued: Spread;
  /** publish → a worker took that job (BullMQ's `processedOn`). */
  readonly toTaken: Spread;
  /** publish → the incident's `created_at` (the worker's clock as its transaction began). */
  readonly toTransaction: Spread;
  /** publish → that job finished (states checkpointed after the incident was recorded). */
  readonly toJobFinished: Spread;
  /** Probes whose job was found (the split above covers these). */
  readonly traced: number;
  /**
   * The same split as steps, each a per-probe difference between consecutive milestones (not a
   * difference of percentiles): publish → PUBACK, → job added, → taken, → transaction begins,
   * → event received. Probes with every milestone only.
   */
  readonly steps: Readonly<Record<(typeof STEPS)[number], Spread>>;
  /** The peer: publish → another connection receives it, on the same broker under the same load. */
  readonly floor: Spread;
  readonly floorSent: number;
  /** Floor messages (warm-up included) that never came back. */
  readonly floorLost: number;
  readonly background: BackgroundFigure;
  readonly warmupBackground: BackgroundFigure;
  /** Incident rows: one per probe lift, `active`, one occurrence, nothing else. */
  readonly incidentsExact: boolean;
  readonly incidentProblems: readonly string[];
  /** Gateway refusals over the phase by code (expected: none). */
  readonly rejections: Readonly<Record<string, number>>;
  readonly failedJobs: number;
  readonly cpu: CpuSplit;
}

/** The milestones of a probe's way, in order; each step ends at one. */
export const STEPS = ['puback', 'job_added', 'job_taken', 'transaction_begins', 'incident_event'] as const;

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

function backgroundJob(
  context: LatencyContext,
  group: DeviceGroup,
  ratePerS: number,
  messages: number,
): PublishJob {
  const seconds = messages / ratePerS;
  return {
    brokerUrl: context.brokerUrl,
    logins: group.devices,
    shape: 'points',
    points: LOAD_POINTS,
    messages,
    maxSeconds: seconds * 3 + 10,
    window: 500,
    // Timestamps from now on, 1 ms per round of a series: paced at 250 rounds per second per
    // series they fall behind the clock, never ahead of it (a future sample would be counted late),
    // and the meters' `meter-offline` stale rule, evaluated on every `power` reading, never finds
    // them silent during the run.
    tsBase: Date.now(),
    ratePerS,
    store: {
      url: context.victoriaUrl,
      selector: group.selector,
      readingsPerMessage: 1,
      idleTimeoutMs: 20_000,
      pollMs: 50,
    },
  };
}

function backgroundFigure(result: PublishResult, targetPerS: number): BackgroundFigure {
  const seconds = (result.lastPublishAt - result.firstPublishAt) / 1_000;
  const stored = result.store?.count ?? 0;
  return {
    targetPerS,
    achievedPerS: result.sent / seconds,
    seconds,
    acked: result.acked,
    failed: result.failed,
    stored,
    exact: result.failed === 0 && result.store?.complete === true && stored === result.acked,
  };
}

/** Alarm and floor probes, alternating, one alarm every `spacingMs` (±25 %) from now. */
async function fireProbes(
  context: LatencyContext,
  lifts: readonly ProbeLift[],
  spacingMs: number,
): Promise<{ alarms: ProbeTiming[]; floors: FloorTiming[] }> {
  const alarms: ProbeTiming[] = [];
  const floors: FloorTiming[] = [];
  let next = performance.now();
  for (const lift of lifts) {
    const gap = spacingMs * (0.75 + Math.random() * 0.5);
    alarms.push(context.fleet.fire(lift.equipment, context.listener));
    await sleep(Math.max(0, next + gap / 2 - performance.now()));
    floors.push(context.floor.fire());
    next += gap;
    await sleep(Math.max(0, next - performance.now()));
  }
  return { alarms, floors };
}

const spans = (timings: readonly { publishedAt: number }[], end: (index: number) => number | undefined) =>
  spread(
    timings.flatMap((timing, i) => {
      const at = end(i);
      return at === undefined ? [] : [at - timing.publishedAt];
    }),
  );

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([code, value]) => [code, value - (before[code] ?? 0)] as const)
      .filter(([, value]) => value !== 0),
  );
}

/**
 * Warm-up (a background burst with a few probes), then the measured window: paced background
 * load from the load child for the whole window while the probes go out, then every count is
 * checked (store, incident rows, events, refusals, failed jobs).
 */
export async function measureLatency(context: LatencyContext, plan: LatencyPlan): Promise<LatencyResult> {
  const { load, listener, log } = context;
  const rejectionsBefore = await context.gateway.counter('steward_gateway_rejections_total', 'code');

  log(
    `alarm bench: warm-up, ${plan.warmupMessages} background messages and ${plan.warmupLifts.length} probes …`,
  );
  await load.prepare(backgroundJob(context, plan.warmupBackground, plan.ratePerS, plan.warmupMessages));
  const warmRun = load.run();
  // Awaited below; until then a failure (an interrupted load child) must not go unhandled.
  warmRun.catch(() => undefined);
  await sleep(plan.leadMs / 2);
  const warm = await fireProbes(context, plan.warmupLifts, plan.spacingMs);
  const warmupBackground = backgroundFigure(await warmRun, plan.ratePerS);
  await listener.settle(15_000);

  const windowMs = plan.leadMs + plan.lifts.length * plan.spacingMs + plan.tailMs;
  const messages = Math.round((plan.ratePerS * windowMs) / 1_000);
  log(
    `alarm bench: window of ${(windowMs / 1_000).toFixed(1)} s at ${plan.ratePerS}/s, ${plan.lifts.length} probes …`,
  );
  await load.prepare(backgroundJob(context, plan.background, plan.ratePerS, messages));
  const meter = new CpuMeter({
    gateway: context.gateway.pid,
    workers: context.workers.pid,
    load: load.pid,
    victoria: context.victoriaPid,
  });
  meter.start();
  const run = load.run();
  run.catch(() => undefined);
  await sleep(plan.leadMs);
  const probes = await fireProbes(context, plan.lifts, plan.spacingMs);
  const result = await run;
  await listener.settle(15_000);
  const cpu = meter.stop();
  await context.tracer.settle();
  const drained = await context.queues.waitDrained(60_000);
  const rejections = difference(
    await context.gateway.counter('steward_gateway_rejections_total', 'code'),
    rejectionsBefore,
  );

  // The incident rows, read back: what the probes were meant to create, and nothing else.
  const rows = (
    await context.pool.query<{
      equipment_id: string;
      rule_id: string;
      state: string;
      occurrences: number;
      created_at: Date;
    }>('select equipment_id, rule_id, state, occurrences, created_at from incidents')
  ).rows;
  const byEquipment = new Map(rows.map((row) => [row.equipment_id, row]));
  const expected = new Set([...plan.warmupLifts, ...plan.lifts].map((lift) => lift.equipment));
  const problems = rows
    .filter(
      (row) =>
        !expected.has(row.equipment_id) ||
        row.rule_id !== PROBE_RULE ||
        row.state !== 'active' ||
        row.occurrences !== 1,
    )
    .map((row) => `${row.rule_id} ${row.equipment_id} ${row.state} ×${row.occurrences}`);
  for (const equipment of expected)
    if (!byEquipment.has(equipment)) problems.push(`no incident for ${equipment}`);
  problems.push(...listener.unexpected.map((event) => `unexpected event ${event}`));

  const kinds: Record<string, number> = {};
  for (const timing of [...warm.alarms, ...probes.alarms])
    if (timing.kind) kinds[timing.kind] = (kinds[timing.kind] ?? 0) + 1;
  const alarms = probes.alarms;
  const milestones = alarms.flatMap((t) => {
    const createdAt = byEquipment.get(t.equipment)?.created_at.getTime();
    const ends = [t.ackedAt, t.job?.addedAt, t.job?.processedAt, createdAt, t.arrivedAt];
    return ends.every((end) => end !== undefined) ? [[t.publishedAt, ...(ends as number[])]] : [];
  });
  const steps = Object.fromEntries(
    STEPS.map((name, i) => [name, spread(milestones.map((m) => (m[i + 1] ?? 0) - (m[i] ?? 0)))]),
  ) as Record<(typeof STEPS)[number], Spread>;
  const loadedFrom = result.firstPublishAt;
  const loadedTo = result.lastPublishAt;
  return {
    probes: alarms.length,
    arrived: alarms.filter((t) => t.arrivedAt !== undefined).length,
    underLoad: alarms.filter((t) => t.publishedAt >= loadedFrom && t.publishedAt <= loadedTo).length,
    warmupProbes: warm.alarms.length,
    warmupArrived: warm.alarms.filter((t) => t.arrivedAt !== undefined).length,
    kinds,
    alarm: spans(alarms, (i) => alarms[i]?.arrivedAt),
    puback: spans(alarms, (i) => alarms[i]?.ackedAt),
    toQueued: spans(alarms, (i) => alarms[i]?.job?.addedAt),
    toTaken: spans(alarms, (i) => alarms[i]?.job?.processedAt),
    toJobFinished: spans(alarms, (i) => alarms[i]?.job?.finishedAt),
    traced: alarms.filter((t) => t.job !== undefined).length,
    steps,
    toTransaction: spans(alarms, (i) => byEquipment.get(alarms[i]?.equipment ?? '')?.created_at.getTime()),
    floor: spans(probes.floors, (i) => probes.floors[i]?.receivedAt),
    floorSent: context.floor.sent,
    floorLost: [...warm.floors, ...probes.floors].filter((t) => t.receivedAt === undefined).length,
    background: backgroundFigure(result, plan.ratePerS),
    warmupBackground,
    incidentsExact: problems.length === 0,
    incidentProblems: problems,
    rejections,
    failedJobs: drained.failed,
    cpu,
  };
}
