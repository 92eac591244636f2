import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { loadConfig } from '../../../config/load/load-config.ts';
import { sampleConfigDir } from '../../helpers/config-fixture.ts';
import { createTestDatabase, stackSettings } from '../../helpers/stack.ts';
import { startSteward } from '../../helpers/steward-process.ts';
import { Teardown } from '../alarm-latency/teardown.ts';
import { type MachineFacts, machineFacts } from '../machine.ts';
import { driveGets, type ListLoad, login, scrapeLag } from './api-probes.ts';
import { BarePeer } from './bare-peer.ts';
import { MANAGER, writeBenchData } from './bench-data.ts';
import { ClientFleet } from './fleet-process.ts';
import { LiveStream } from './live-stream.ts';
import { type RampResult, type RampTiming, ramp } from './ramp.ts';

/** Bounded sizes: every phase stops by itself. */
export interface DashboardSizes extends Omit<RampTiming, 'batchesPerS' | 'valuesPerS'> {
  /** Operator accounts the sessions are spread over. */
  readonly operators: number;
  readonly orders: number;
  /** Client-fleet child processes. */
  readonly fleetChildren: number;
  /** GET /api/workorders: requests in flight, and for how long (after a warm-up of a second). */
  readonly apiConcurrency: number;
  readonly apiSeconds: number;
  readonly trickleEveryMs: number;
}

export const FULL_SIZES: DashboardSizes = {
  steps: [250, 500, 1_000, 1_500, 2_000, 2_500, 3_000, 4_000, 5_000],
  settleMs: 2_000,
  holdMs: 6_000,
  inFlight: 25,
  operators: 20,
  orders: 200,
  fleetChildren: 2,
  apiConcurrency: 8,
  apiSeconds: 5,
  trickleEveryMs: 500,
};

export const QUICK_SIZES: DashboardSizes = {
  steps: [50, 100],
  settleMs: 1_000,
  holdMs: 2_500,
  inFlight: 25,
  operators: 4,
  orders: 200,
  fleetChildren: 2,
  apiConcurrency: 4,
  apiSeconds: 1.5,
  trickleEveryMs: 500,
};

/** The sample site (the only one in config/sample): its points and a lift in one of its buildings. */
const SITE = 'admin-centre';
const LIFT = { equipmentId: 'MB-LIFT-03', buildingCode: '330302A001' } as const;
/** The live server's default: each point at most twice a second, one batch per site per tick. */
const FLUSH_MS = 500;
const CHANGE_EVERY_MS = 1_000;

export interface ApiFigure extends ListLoad {
  readonly clients: number;
  readonly lagP99Ms: number;
}

export interface DashboardReport {
  readonly runId: string;
  readonly quick: boolean;
  readonly machine: MachineFacts;
  readonly sizes: DashboardSizes;
  readonly redisPrefix: string;
  readonly database: string | undefined;
  readonly points: number;
  readonly sessions: number;
  readonly steward?: RampResult | undefined;
  readonly peer?: RampResult | undefined;
  /** The work-order list with no client connected, and with the sustained number connected. */
  readonly apiIdle?: ApiFigure | undefined;
  readonly apiLoaded?: ApiFigure | undefined;
  readonly stream?: {
    readonly frames: number;
    readonly values: number;
    readonly trickle: number;
    readonly failures: number;
  };
  readonly errors: Readonly<Record<string, string>>;
  readonly seconds: number;
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

export interface DashboardBenchOptions {
  readonly sizes: DashboardSizes;
  readonly quick: boolean;
  readonly log: (line: string) => void;
  readonly teardown?: Teardown;
}

/**
 * The dashboard benchmark: one `steward api` process (the real composition root: fastify, the
 * API, the live socket.io server with its Redis adapter) on a fresh database and a private Redis
 * prefix; the sample site's live values and a trickle of incident and work-order changes on that
 * prefix; socket.io clients in child processes, added step by step until a step fails. Then the
 * work-order list under the sustained number of clients, then the same ramp against a bare
 * socket.io server. Everything it starts, it stops; the database and the keys are removed.
 */
export async function runDashboardBench(options: DashboardBenchOptions): Promise<DashboardReport> {
  const started = performance.now();
  const { sizes, log } = options;
  const teardown = options.teardown ?? new Teardown();
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`.toUpperCase();
  const prefix = `bench_${runId}_dash`.toLowerCase();
  const errors: Record<string, string> = {};
  const report: { -readonly [K in keyof DashboardReport]?: DashboardReport[K] } = {};
  const maxClients = Math.max(...sizes.steps);
  let database: string | undefined;
  let points = 0;
  const attempt = async <T>(label: string, run: () => Promise<T>): Promise<T | undefined> => {
    const phaseStarted = performance.now();
    log(`dashboard bench: ${label} …`);
    try {
      if (teardown.started) throw new Error('interrupted');
      const result = await run();
      log(`dashboard bench: ${label} done in ${((performance.now() - phaseStarted) / 1_000).toFixed(1)} s`);
      return result;
    } catch (error) {
      errors[label] = error instanceof Error ? error.message : String(error);
      log(`dashboard bench: ${label} FAILED: ${errors[label]}`);
      return undefined;
    }
  };

  try {
    const redis = new Redis(stackSettings.REDIS_URL, { maxRetriesPerRequest: 2 });
    redis.on('error', () => undefined);
    teardown.add('redis keys', async () => {
      await deleteKeys(redis, prefix);
      await redis.quit();
    });
    const db = await createTestDatabase('bench_dash');
    database = db.name;
    teardown.add('database', () => db.drop());

    log('dashboard bench: starting steward api …');
    const api = await startSteward(
      'api',
      {
        LOG_LEVEL: 'info',
        DATABASE_URL: db.url,
        STEWARD_REDIS_PREFIX: prefix,
        STEWARD_HTTP_HOST: '127.0.0.1',
      },
      60_000,
    );
    const alive = (): boolean => api.child.exitCode === null && api.child.signalCode === null;
    teardown.add(
      'steward api',
      async () => {
        if (!alive()) return;
        const code = await api.stop('SIGTERM');
        if (code !== 0) errors['steward api exit'] = `steward api exited with ${code}`;
      },
      () => {
        if (alive()) api.child.kill('SIGKILL');
      },
    );

    const model = loadConfig(sampleConfigDir);
    const pointIds = [...model.points.keys()];
    points = pointIds.length;
    log(`dashboard bench: ${maxClients} sessions, ${sizes.orders} work orders …`);
    const data = await writeBenchData(db.pool, model, {
      sessions: maxClients,
      operators: sizes.operators,
      orders: sizes.orders,
    });
    report.sessions = data.tokens.length;

    const stream = new LiveStream({
      redis,
      prefix,
      runId,
      site: SITE,
      points: pointIds,
      changeEveryMs: CHANGE_EVERY_MS,
      trickleEveryMs: sizes.trickleEveryMs,
      ...LIFT,
    });
    teardown.add('live stream', async () => {
      await stream.stop();
      report.stream = { ...stream.published, failures: stream.failures };
    });
    await stream.start();

    const managerToken = await login(api.url, MANAGER.username, MANAGER.password);
    const timing: RampTiming = {
      ...sizes,
      batchesPerS: 1_000 / FLUSH_MS,
      valuesPerS: (points * 1_000) / CHANGE_EVERY_MS,
    };
    const listLoad = async (clients: number): Promise<ApiFigure> => {
      await driveGets(api.url, '/api/workorders', managerToken, sizes.apiConcurrency, 1);
      await scrapeLag(api.url);
      const load = await driveGets(
        api.url,
        '/api/workorders',
        managerToken,
        sizes.apiConcurrency,
        sizes.apiSeconds,
      );
      return { ...load, clients, lagP99Ms: (await scrapeLag(api.url)).p99Ms };
    };
    report.apiIdle = await attempt('work-order list, no clients', () => listLoad(0));

    const fleet = new ClientFleet(sizes.fleetChildren);
    teardown.add(
      'client fleet',
      () => fleet.close(),
      () => fleet.killNow(),
    );
    report.steward = await attempt('ramp: steward api', () =>
      ramp(
        { name: 'steward api', url: api.url, pid: api.child.pid, lag: () => scrapeLag(api.url) },
        fleet,
        stream,
        data.tokens,
        timing,
        log,
      ),
    );
    if (report.steward) {
      const sustained = report.steward.sustained;
      report.apiLoaded = await attempt(`work-order list, ${sustained} clients`, async () => {
        const open = await fleet.trim(sustained);
        if (open !== sustained) throw new Error(`${open} clients open after trimming to ${sustained}`);
        await sleep(sizes.settleMs);
        return listLoad(sustained);
      });
    }
    await fleet.closeAll();
    await sleep(1_000);

    report.peer = await attempt('ramp: bare socket.io peer', async () => {
      const peer = await BarePeer.start({
        redisUrl: stackSettings.REDIS_URL,
        prefix,
        site: SITE,
        flushMs: FLUSH_MS,
      });
      teardown.add(
        'bare peer',
        () => peer.stop(),
        () => peer.killNow(),
      );
      try {
        return await ramp(
          { name: 'bare socket.io', url: peer.url, pid: peer.pid, lag: () => peer.lag() },
          fleet,
          stream,
          data.tokens,
          timing,
          log,
        );
      } finally {
        await fleet.closeAll();
        await peer.stop();
      }
    });
  } catch (error) {
    errors.setup = error instanceof Error ? error.message : String(error);
    log(`dashboard bench: FAILED: ${errors.setup}`);
  } finally {
    for (const failure of await teardown.run()) errors[`teardown ${failure.split(':')[0]}`] = failure;
  }
  return {
    runId,
    quick: options.quick,
    machine: machineFacts(),
    sizes,
    redisPrefix: prefix,
    database,
    points,
    sessions: report.sessions ?? 0,
    ...report,
    errors,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
