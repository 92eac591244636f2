import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import type { SiteModel } from '../../config/load/model.ts';
import { PointIndex } from '../../gateway/ingest/point-index.ts';
import type { Reading } from '../../gateway/ingest/reading.ts';
import { InfluxLineWriter } from '../../gateway/store/tsdb-writer.ts';
import { ChineseWorkingCalendar } from '../../services/calendar/working-calendar.ts';
import { ChangePublisher, type IncidentPublisher, IncidentStore } from '../../services/incidents/index.ts';
import { syncRegistry } from '../../services/registry/sync.ts';
import {
  type ScheduledJob,
  ScheduledRuleRunner,
  type ScheduledRuleRunnerOptions,
  scheduledQueueName,
  VictoriaSampleSource,
} from '../../services/rules/scheduled/index.ts';
import { ManualClock } from '../../services/runtime/clock.ts';
import { freePort } from '../../services/runtime/free-port.ts';
import { createLogger } from '../../services/runtime/logger.ts';
import { migrate } from '../../services/runtime/migrations.ts';
import { sampleConfigDir } from '../helpers/config-fixture.ts';
import { createTestDatabase, stackSettings, type TestDatabase, uniqueName } from '../helpers/stack.ts';

const SITE = 'admin-centre';
const MIN = 60_000;
/** An instant given as wall-clock time in China (UTC+8). */
const cst = (local: string): number => Date.parse(`${local}+08:00`);
const INCOMERS = ['MB-EM-01000', 'AA-EM-01000', 'AB-EM-01000', 'OB1-EM-01000', 'OB2-EM-01000'];
const SCHEDULED_RULES = ['after-hours-lighting', 'meter-data-gap', 'daily-energy-above-baseline'];

class CollectingPublisher implements IncidentPublisher {
  async publish(): Promise<unknown> {
    return 1;
  }
}

/** Polls `probe` until it returns something defined, for at most `timeoutMs`. */
async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A kWh register read every minute in [fromMs, toMs], rising by `kwhPerMinute(t)`; `skip` leaves samples out. */
function register(
  pointId: string,
  fromMs: number,
  toMs: number,
  kwhPerMinute: (ms: number) => number,
  skip: (ms: number) => boolean = () => false,
): Reading[] {
  const readings: Reading[] = [];
  let value = 50_000;
  for (let ts = fromMs; ts <= toMs; ts += MIN) {
    if (!skip(ts)) readings.push({ pointId, ts, value, quality: 'good' });
    value += kwhPerMinute(ts);
  }
  return readings;
}

/**
 * The scheduled rules of the sample configuration on the real stack: meter readings written to
 * VictoriaMetrics the way the gateway writes them (with a label of this run's own, which the
 * runner's reader also matches), incidents in a PostgreSQL database of this file's own, BullMQ
 * schedulers and jobs on Redis under a prefix of this file's own.
 */
describe('scheduled rules on real VictoriaMetrics, Redis and PostgreSQL', () => {
  const prefix = uniqueName('t');
  const run = uniqueName('scheduled');
  const logger = createLogger({ LOG_LEVEL: 'silent' }, 'test');
  const clock = new ManualClock(cst('2025-10-02T00:10:00'));
  const calendar = new ChineseWorkingCalendar({ timeZone: 'Asia/Shanghai' });
  const samples = new VictoriaSampleSource({ url: stackSettings.TSDB_URL, extraLabels: { test_run: run } });
  let db: TestDatabase;
  let model: SiteModel;
  let redis: Redis;
  let incidents: IncidentStore;
  const runners: ScheduledRuleRunner[] = [];
  const queues: Queue[] = [];

  const newRunner = (overrides: Partial<ScheduledRuleRunnerOptions> = {}): ScheduledRuleRunner => {
    const runner = new ScheduledRuleRunner({
      model,
      site: SITE,
      connection: stackSettings.REDIS_URL,
      prefix,
      incidents,
      clock,
      logger,
      calendar,
      tsdbUrl: stackSettings.TSDB_URL,
      samples,
      ...overrides,
    });
    runners.push(runner);
    return runner;
  };

  const queueOf = (queuePrefix: string): Queue<ScheduledJob> => {
    const queue = new Queue<ScheduledJob>(scheduledQueueName(SITE), {
      connection: redis,
      prefix: queuePrefix,
    });
    queues.push(queue);
    return queue;
  };

  const openFor = (ruleId: string) => incidents.openIncidents({ ruleId });

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.pool);
    model = loadConfig(sampleConfigDir);
    await syncRegistry(db.pool, model);
    redis = new Redis(stackSettings.REDIS_URL, { maxRetriesPerRequest: null });
    incidents = new IncidentStore({
      pool: db.pool,
      clock,
      changes: new ChangePublisher({ publisher: new CollectingPublisher(), prefix }),
    });

    // The gateway's tags (site, building, equipment, class, point, sub_item) plus this run's label.
    const index = new PointIndex(model);
    const writer = new InfluxLineWriter({
      url: stackSettings.TSDB_URL,
      token: stackSettings.TSDB_TOKEN,
      org: stackSettings.TSDB_ORG,
      bucket: stackSettings.TSDB_BUCKET,
      tagsFor: (pointId) => {
        const tags = index.get(pointId)?.tags;
        return tags ? { ...tags, test_run: run } : undefined;
      },
    });
    const from = cst('2025-09-30T23:00:00');
    const to = cst('2025-10-03T00:10:00');
    const readings = [
      // Lighting left on through National Day (2025-10-01, a public holiday): 28.8 kWh.
      ...register('OB1-EM-01A00.energy', from, to, () => 0.02),
      // A quiet building: 7.2 kWh over the holiday.
      ...register('OB2-EM-01A00.energy', from, to, () => 0.005),
      // Incomers: OB1's data is missing from 10:00 to 12:00 on 10-01, the rest complete.
      ...INCOMERS.flatMap((id) =>
        register(
          `${id}.energy`,
          from,
          to,
          () => 2,
          (ts) =>
            id === 'OB1-EM-01000'
              ? ts > cst('2025-10-01T10:00:00') && ts < cst('2025-10-01T12:00:00')
              : false,
        ),
      ),
    ];
    await writer.write(readings);
    const flushed = await fetch(`${stackSettings.TSDB_URL}/internal/force_flush`);
    expect(flushed.ok).toBe(true);
    // The store answers once the samples are searchable.
    await waitFor(async () => {
      const found = await samples.samples('OB1-EM-01A00.energy', from, to);
      return found.length === (to - from) / MIN + 1 ? found : undefined;
    }, 'the samples in VictoriaMetrics');
  });

  afterAll(async () => {
    for (const runner of runners) await runner.stop().catch(() => undefined);
    for (const queue of queues) await queue.close().catch(() => undefined);
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
    await fetch(`${stackSettings.TSDB_URL}/api/v1/admin/tsdb/delete_series`, {
      method: 'POST',
      body: new URLSearchParams({ 'match[]': `{test_run="${run}"}` }),
    }).catch(() => undefined);
    await db?.drop();
  });

  it('keeps one job scheduler per enabled scheduled rule, and runs a queued job through its worker', async () => {
    const queue = queueOf(prefix);
    // A scheduler left behind by a rule that has since been removed from the configuration.
    await queue.upsertJobScheduler(
      'retired-rule',
      { every: 3_600_000 },
      { data: { ruleId: 'retired-rule' } },
    );
    const metrics = new Registry();
    const runner = newRunner({ metrics });
    await runner.start();

    const schedulers = await queue.getJobSchedulers(0, -1);
    // Each scheduler keeps its next job delayed; operators see them with the other queues.
    const depth = (await metrics.getSingleMetric('steward_queue_jobs')?.get())?.values ?? [];
    expect(
      depth.find(
        (entry) => entry.labels.queue === scheduledQueueName(SITE) && entry.labels.state === 'delayed',
      )?.value,
    ).toBe(SCHEDULED_RULES.length);
    expect(schedulers.map((scheduler) => scheduler.key).sort()).toEqual([...SCHEDULED_RULES].sort());
    const everyOf = Object.fromEntries(schedulers.map((scheduler) => [scheduler.key, scheduler.every]));
    expect(everyOf).toEqual({
      'after-hours-lighting': 3_600_000,
      'meter-data-gap': 86_400_000,
      'daily-energy-above-baseline': 86_400_000,
    });
    // Daily jobs run at 00:05 in China (16:05 UTC), five minutes after the window they evaluate.
    const dataGap = schedulers.find((scheduler) => scheduler.key === 'meter-data-gap');
    expect(((dataGap?.next ?? 0) % 86_400_000) / MIN).toBe(16 * 60 + 5);

    // A job as the scheduler makes them: the daily data-gap check of 2025-10-01 (clock 10-02 00:10).
    const job = await queue.add('meter-data-gap', { ruleId: 'meter-data-gap' });
    const done = await waitFor(async () => {
      const current = await queue.getJob(job.id ?? '');
      const state = await current?.getState();
      return state === 'completed' || state === 'failed' ? current : undefined;
    }, 'the job');
    expect(done?.failedReason).toBeFalsy();
    expect(done?.returnvalue).toEqual({ clear: 4, fire: 1 });

    const open = await openFor('meter-data-gap');
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      equipmentId: 'OB1-EM-01000',
      state: 'active',
      occurrences: 1,
      triggerValue: 7200,
      severity: 'minor',
      category: 'energy_management',
    });
    expect(open[0]?.firstSeen.getTime()).toBe(cst('2025-10-02T00:00:00'));
    expect(open[0]?.title.en).toBe('Outside building 1 incomer meter metering data gap');
    expect(open[0]?.evidence).toMatchObject({
      ruleId: 'meter-data-gap',
      ruleVersion: 1,
      pointId: 'OB1-EM-01000.energy',
      longestGap: { from: '2025-10-01T02:00:00.000Z', to: '2025-10-01T04:00:00.000Z', seconds: 7200 },
    });
    await runner.stop();
  });

  it('opens one incident for after-hours consumption on a National Day holiday; the same window again is a duplicate', async () => {
    const runner = newRunner();
    clock.set(cst('2025-10-02T01:10:00')); // the hourly job of 01:05 and later: the holiday span is over
    const first = await runner.evaluateNow('after-hours-lighting');
    const lit = first.find((outcome) => outcome.equipmentId === 'OB1-EM-01A00');
    expect(lit).toMatchObject({
      verdict: 'fire',
      recorded: 'opened',
      at: new Date(cst('2025-10-02T00:00:00')),
    });
    expect(lit?.value).toBeCloseTo(28.8, 6);
    expect(first.find((outcome) => outcome.equipmentId === 'OB2-EM-01A00')).toMatchObject({
      verdict: 'clear',
      recorded: 'no_open_incident',
    });
    // Meters of this configuration that have no data in this run record nothing.
    expect(first.filter((outcome) => outcome.verdict === 'no_data')).toHaveLength(first.length - 2);

    clock.advance(3_600_000); // the next hourly job still looks at the same span
    const second = await runner.evaluateNow('after-hours-lighting');
    expect(second.find((outcome) => outcome.equipmentId === 'OB1-EM-01A00')).toMatchObject({
      verdict: 'fire',
      recorded: 'duplicate',
    });

    const open = await openFor('after-hours-lighting');
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ equipmentId: 'OB1-EM-01A00', occurrences: 1, severity: 'warning' });
    expect(open[0]?.title).toEqual({
      'zh-CN': '院外一号楼照明插座用电 下班后照明未关',
      en: 'Outside building 1 lighting and sockets lighting left on after hours',
    });
    expect(open[0]?.evidence).toMatchObject({
      check: 'after_hours_consumption',
      span: { date: '2025-10-01', dayKind: 'holiday', kind: 'rest_day' },
      energyKwh: 28.8,
      limitKwh: 20,
      complete: true,
    });
  });

  it('clears the data gap when the next day is complete, and a re-run of the old window changes nothing', async () => {
    const runner = newRunner();
    clock.set(cst('2025-10-02T00:10:00'));
    const again = await runner.evaluateNow('meter-data-gap');
    expect(again.find((outcome) => outcome.equipmentId === 'OB1-EM-01000')?.recorded).toBe('duplicate');

    clock.set(cst('2025-10-03T00:10:00'));
    const next = await runner.evaluateNow('meter-data-gap');
    expect(next.find((outcome) => outcome.equipmentId === 'OB1-EM-01000')).toMatchObject({
      verdict: 'clear',
      recorded: 'cleared',
      at: new Date(cst('2025-10-03T00:00:00')),
    });
    const [cleared] = await openFor('meter-data-gap');
    expect(cleared).toMatchObject({ equipmentId: 'OB1-EM-01000', state: 'cleared', occurrences: 1 });
    expect(cleared?.clearedAt?.getTime()).toBe(cst('2025-10-03T00:00:00'));
  });

  it('records nothing for energy above baseline without a baseline provider', async () => {
    const runner = newRunner();
    clock.set(cst('2025-10-02T00:10:00'));
    const outcomes = await runner.evaluateNow('daily-energy-above-baseline');
    expect(outcomes).toHaveLength(INCOMERS.length);
    expect(new Set(outcomes.map((outcome) => outcome.verdict))).toEqual(new Set(['no_baseline']));
    expect(await openFor('daily-energy-above-baseline')).toEqual([]);
  });

  it('fails the job, and records nothing, when the store cannot be read', async () => {
    const otherPrefix = uniqueName('t');
    const queue = queueOf(otherPrefix);
    const deadStore = `http://127.0.0.1:${await freePort()}`;
    const runner = newRunner({
      prefix: otherPrefix,
      tsdbUrl: deadStore,
      samples: new VictoriaSampleSource({ url: deadStore }),
      jobAttempts: 1,
    });
    await runner.start();
    clock.set(cst('2025-10-04T00:10:00'));
    const before = await openFor('meter-data-gap');
    const job = await queue.add('meter-data-gap', { ruleId: 'meter-data-gap' });
    const failed = await waitFor(async () => {
      const current = await queue.getJob(job.id ?? '');
      return (await current?.getState()) === 'failed' ? current : undefined;
    }, 'the failed job');
    expect(failed?.failedReason).toContain('5 of 5 evaluations failed');
    expect(failed?.failedReason).toContain('tsdb_unreachable');
    expect(await openFor('meter-data-gap')).toEqual(before);
    await runner.stop();
    const keys = await redis.keys(`${otherPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  });
});
