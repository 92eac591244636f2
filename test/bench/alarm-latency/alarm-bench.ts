import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../../../config/load/load-config.ts';
import { sampleConfigDir } from '../../helpers/config-fixture.ts';
import { createTestDatabase, stackSettings } from '../../helpers/stack.ts';
import { deviceGroup } from '../ingest/bench-config.ts';
import { BenchVictoria } from '../ingest/bench-victoria.ts';
import { LoadProcess } from '../ingest/load-process.ts';
import { RawBroker } from '../ingest/raw-broker.ts';
import { type MachineFacts, machineFacts } from '../machine.ts';
import { createAlarmConfig, probeLifts, SAMPLE_SITE } from './alarm-config.ts';
import { type EvaluatorFigure, evaluatorRate } from './evaluator-peer.ts';
import { type LatencyResult, measureLatency } from './latency-phase.ts';
import { FloorProbe, IncidentListener, JobTracer, ProbeFleet } from './probes.ts';
import { ReadingQueues } from './reading-queues.ts';
import { type SampleReadings, sampleReadings } from './sample-readings.ts';
import { StewardRole } from './steward-roles.ts';
import { Teardown } from './teardown.ts';
import { type EvalDrain, evalDrain, type GatewayRate, gatewayRate } from './throughput-phases.ts';

/** Bounded sizes: every phase stops by itself. */
export interface AlarmSizes {
  /** Measured probes (each a violating reading on a lift of its own). */
  readonly probes: number;
  readonly warmupProbes: number;
  /** Mean gap between probes (each gap drawn from ±25 % of it); a floor message goes out halfway. */
  readonly probeSpacingMs: number;
  /** Background load during the window, readings (one per message) per second. */
  readonly backgroundRatePerS: number;
  /** Background before the first probe and after the last. */
  readonly leadMs: number;
  readonly tailMs: number;
  /** Paced background messages of the warm-up, which also carries the warm-up probes. */
  readonly warmupMessages: number;
  /** Unpaced bursts through the gateway: one reading per message, and ten. */
  readonly gatewayMessages: number;
  readonly packedMessages: number;
  /** Sample-site readings per drain, and the site time they span (ending now). */
  readonly evalReadings: number;
  readonly evalSpanMs: number;
  /** Hand-off batch sizes drained, one fresh workers process each; the first is the headline. */
  readonly evalBatches: readonly number[];
}

export const FULL_SIZES: AlarmSizes = {
  probes: 300,
  warmupProbes: 10,
  probeSpacingMs: 100,
  backgroundRatePerS: 10_000,
  leadMs: 2_000,
  tailMs: 1_000,
  warmupMessages: 20_000,
  gatewayMessages: 150_000,
  packedMessages: 60_000,
  evalReadings: 400_000,
  evalSpanMs: 120_000,
  evalBatches: [2_000, 200],
};

export const QUICK_SIZES: AlarmSizes = {
  probes: 30,
  warmupProbes: 5,
  probeSpacingMs: 100,
  backgroundRatePerS: 10_000,
  leadMs: 1_000,
  tailMs: 500,
  warmupMessages: 10_000,
  gatewayMessages: 30_000,
  packedMessages: 6_000,
  evalReadings: 40_000,
  evalSpanMs: 60_000,
  evalBatches: [2_000, 200],
};

export interface AlarmBenchOptions {
  readonly sizes: AlarmSizes;
  readonly quick: boolean;
  /** Progress lines (stderr in the command). */
  readonly log: (line: string) => void;
  /** Where the run registers what it sets up; the command runs it on SIGINT/SIGTERM. */
  readonly teardown?: Teardown;
}

export interface AlarmReport {
  readonly runId: string;
  readonly quick: boolean;
  readonly machine: MachineFacts;
  readonly sizes: AlarmSizes;
  readonly shards: number;
  /** Where the run lived (both removed at the end): the Redis key prefix (drains add `_e<batch>`) and the database. */
  readonly redisPrefix: string;
  readonly database: string | undefined;
  readonly latency?: LatencyResult | undefined;
  readonly gateway?: (GatewayRate & { readonly failedJobs: number }) | undefined;
  readonly packed?: (GatewayRate & { readonly failedJobs: number }) | undefined;
  readonly sample?: (Omit<SampleReadings, 'readings'> & { readonly readings: number }) | undefined;
  readonly evaluator?: EvaluatorFigure | undefined;
  readonly drains: readonly EvalDrain[];
  /** What the bench site's workers set aside over the latency phase and the bursts (none expected). */
  readonly benchDiscarded?: Readonly<Record<string, number>> | undefined;
  /** Phases that failed (or roles that exited badly, or teardown steps that failed), with the error. */
  readonly errors: Readonly<Record<string, string>>;
  readonly seconds: number;
}

const BENCH_SITE = 'bench';

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/**
 * The alarm-latency benchmark: `steward gateway` and `steward workers` as processes on a private
 * VictoriaMetrics, a fresh PostgreSQL database and a private Redis key prefix; the ingest bench's
 * load child for the background; probes, the floor and the incident listener in this process.
 * Then the gateway's full rate, then the workers' rate on the sample site's rules. Everything it
 * starts, it stops; the database, the keys and the temporary folders are removed.
 */
export async function runAlarmLatencyBench(options: AlarmBenchOptions): Promise<AlarmReport> {
  const started = performance.now();
  const { sizes, log } = options;
  const teardown = options.teardown ?? new Teardown();
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`.toUpperCase();
  const prefix = `bench_${runId}_alarm`.toLowerCase();
  const shards = stackSettings.STEWARD_RULE_SHARDS;
  const errors: Record<string, string> = {};
  let database: string | undefined;
  const report: { -readonly [K in keyof AlarmReport]?: AlarmReport[K] } & { drains: EvalDrain[] } = {
    drains: [],
  };
  const attempt = async <T>(label: string, run: () => Promise<T>): Promise<T | undefined> => {
    const phaseStarted = performance.now();
    log(`alarm bench: ${label} …`);
    try {
      if (teardown.started) throw new Error('interrupted');
      const result = await run();
      log(`alarm bench: ${label} done in ${((performance.now() - phaseStarted) / 1_000).toFixed(1)} s`);
      return result;
    } catch (error) {
      errors[label] = error instanceof Error ? error.message : String(error);
      log(`alarm bench: ${label} FAILED: ${errors[label]}`);
      return undefined;
    }
  };

  try {
    const workDir = mkdtempSync(path.join(os.tmpdir(), 'steward-bench-alarm-'));
    teardown.add('temporary folder', () => rmSync(workDir, { recursive: true, force: true }));
    const redis = new Redis(stackSettings.REDIS_URL, { maxRetriesPerRequest: 2 });
    redis.on('error', () => undefined);
    const prefixes = [prefix, ...sizes.evalBatches.map((batch) => `${prefix}_e${batch}`)];
    teardown.add('redis keys', async () => {
      for (const p of prefixes) await deleteKeys(redis, p);
      await redis.quit();
    });
    const victoria = new BenchVictoria(path.join(workDir, 'victoria'));
    teardown.add('victoria', () => victoria.stop());
    const db = await createTestDatabase('bench_alarm');
    database = db.name;
    teardown.add('database', () => db.drop());
    const groups = {
      background: deviceGroup(runId, 'BG', 4),
      warmup: deviceGroup(runId, 'BW', 4),
      gateway: deviceGroup(runId, 'G', 4),
      packed: deviceGroup(runId, 'P', 4),
    };
    const lifts = {
      warmup: probeLifts(runId, 'WLIFT', sizes.warmupProbes),
      probes: probeLifts(runId, 'LIFT', sizes.probes),
      echo: probeLifts(runId, 'ECHO', 1),
    };
    const [config] = await Promise.all([
      createAlarmConfig(Object.values(groups), [...lifts.warmup, ...lifts.probes, ...lifts.echo]),
      victoria.start(),
    ]);
    teardown.add('configuration', () => config.dispose());
    const env = {
      STEWARD_CONFIG_DIR: config.dir,
      DATABASE_URL: db.url,
      TSDB_URL: victoria.url,
      STEWARD_HTTP_HOST: '127.0.0.1',
    };

    log('alarm bench: starting steward gateway and steward workers …');
    const roles = await Promise.allSettled([
      StewardRole.start('gateway', {
        ...env,
        STEWARD_SITE: BENCH_SITE,
        STEWARD_REDIS_PREFIX: prefix,
        STEWARD_SPOOL_DIR: path.join(workDir, 'spool'),
        STEWARD_MQTT_HOST: '127.0.0.1',
        STEWARD_MQTT_PORT: '0',
        STEWARD_MQTT_WS_PORT: '0',
      }),
      StewardRole.start('workers', { ...env, STEWARD_SITE: BENCH_SITE, STEWARD_REDIS_PREFIX: prefix }),
    ]);
    const stopRole = async (role: StewardRole): Promise<void> => {
      const code = await role.stop();
      if (code !== 0) errors[`${role.role} exit`] = `steward ${role.role} exited with ${code}`;
    };
    // Every role process goes into the teardown; one started after an interrupt is killed at once.
    const adopt = (role: StewardRole): void => {
      if (teardown.started) {
        role.killNow();
        throw new Error('interrupted');
      }
      teardown.add(
        role.role,
        () => stopRole(role),
        () => role.killNow(),
      );
    };
    for (const role of roles) if (role.status === 'fulfilled') adopt(role.value);
    const [gateway, workers] = roles.map((role) => {
      if (role.status === 'rejected') throw role.reason;
      return role.value;
    }) as [StewardRole, StewardRole];
    const brokerUrl = `mqtt://127.0.0.1:${(await gateway.json<{ mqtt: { port: number } }>('/gateway/status')).mqtt.port}`;

    const queues = new ReadingQueues({ connection: redis, prefix, site: BENCH_SITE, shards });
    teardown.add('queues', () => queues.close());
    const tracer = new JobTracer(queues, shards);
    const listener = new IncidentListener(stackSettings.REDIS_URL, prefix, (timing) => tracer.trace(timing));
    teardown.add('incident listener', () => listener.stop());
    await listener.start();
    const load = LoadProcess.start();
    teardown.add('load generator', () => load.close());
    log(`alarm bench: connecting ${lifts.warmup.length + lifts.probes.length} probe lifts …`);
    const fleet = await ProbeFleet.connect(brokerUrl, [...lifts.warmup, ...lifts.probes]);
    teardown.add('probe lifts', () => fleet.close());
    const raw = await RawBroker.start();
    teardown.add('raw broker', () => raw.stop());
    const floor = await FloorProbe.connect(raw.url, lifts.echo[0] as (typeof lifts.echo)[number]);
    teardown.add('floor probe', () => floor.close());

    const shared = {
      brokerUrl,
      victoriaUrl: victoria.url,
      victoriaPid: victoria.pid,
      gateway,
      workers,
      load,
      queues,
    };
    report.latency = await attempt('latency', () =>
      measureLatency(
        { ...shared, fleet, floor, listener, tracer, pool: db.pool, log },
        {
          ratePerS: sizes.backgroundRatePerS,
          background: groups.background,
          warmupBackground: groups.warmup,
          warmupMessages: sizes.warmupMessages,
          warmupLifts: lifts.warmup,
          lifts: lifts.probes,
          spacingMs: sizes.probeSpacingMs,
          leadMs: sizes.leadMs,
          tailMs: sizes.tailMs,
        },
      ),
    );
    report.gateway = await attempt('gateway rate, 1 reading/message', () =>
      gatewayRate(shared, 'points', groups.gateway, sizes.gatewayMessages),
    );
    report.packed = await attempt('gateway rate, 10 readings/message', () =>
      gatewayRate(shared, 'readings', groups.packed, sizes.packedMessages),
    );
    // Every reading the bench site's workers saw arrived in order, once.
    const discarded = await workers.counter('steward_rule_discarded_total', 'reason');
    report.benchDiscarded = Object.fromEntries(Object.entries(discarded).filter(([, count]) => count > 0));
    // The bench site's processes go before the drains, which get the machine to themselves.
    await Promise.all([fleet.close(), floor.close(), listener.stop(), load.close(), queues.close()]);
    await Promise.all([stopRole(gateway), stopRole(workers)]);

    const sampleModel = loadConfig(sampleConfigDir);
    const sample = sampleReadings(sampleModel, SAMPLE_SITE, sizes.evalReadings, sizes.evalSpanMs, Date.now());
    report.sample = { ...sample, readings: sample.readings.length };
    report.evaluator = evaluatorRate(sampleModel, SAMPLE_SITE, sample.readings);
    for (const batch of sizes.evalBatches) {
      const drain = await attempt(`rule workers, sample site, batches of ${batch}`, () =>
        evalDrain(
          { redis, pool: db.pool, env, shards, log, adopt },
          `${prefix}_e${batch}`,
          sample.readings,
          batch,
        ),
      );
      if (drain) report.drains.push(drain);
    }
  } catch (error) {
    errors.setup = error instanceof Error ? error.message : String(error);
    log(`alarm bench: FAILED: ${errors.setup}`);
  } finally {
    for (const failure of await teardown.run()) errors[`teardown ${failure.split(':')[0]}`] = failure;
  }
  return {
    runId,
    quick: options.quick,
    machine: machineFacts(),
    sizes,
    shards,
    redisPrefix: prefix,
    database,
    ...report,
    errors,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
