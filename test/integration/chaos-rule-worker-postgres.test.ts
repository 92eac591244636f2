import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import { RuleQueueSink } from '../../gateway/handoff/rule-queues.ts';
import { readingQueueName, shardOf } from '../../gateway/handoff/shards.ts';
import { ChangePublisher, IncidentStore } from '../../services/incidents/index.ts';
import { syncRegistry } from '../../services/registry/sync.ts';
import { RuleWorker } from '../../services/rules/worker/index.ts';
import { systemClock } from '../../services/runtime/clock.ts';
import { createLogger } from '../../services/runtime/logger.ts';
import { migrate } from '../../services/runtime/migrations.ts';
import { sampleConfigDir } from '../helpers/config-fixture.ts';
import { PrivatePostgres } from '../helpers/private-postgres.ts';
import { CollectingPublisher, reading, HARNESS_SITE as SITE } from '../helpers/rule-harness.ts';
import { stackSettings, uniqueName } from '../helpers/stack.ts';
import { waitFor } from '../helpers/wait.ts';

const SHARDS = 4;
const DOOR = 'MB-DOOR-01';

/**
 * Found by `npm run chaos -- postgres-outage` with an 80 s outage: a reading batch failed while
 * PostgreSQL was away went into BullMQ's bounded retries (8 attempts, about a minute of backoff)
 * and, once they were spent, was never evaluated: 4 of 25 forced doors never became incidents.
 * The worker now holds the batch through the outage and applies it once the server is back.
 */
describe('rule worker through a PostgreSQL outage', () => {
  const model = loadConfig(sampleConfigDir);
  const prefix = uniqueName('t');
  let postgres: PrivatePostgres;
  let pool: pg.Pool;
  let redis: Redis;
  let sink: RuleQueueSink;
  let worker: RuleWorker;

  beforeAll(async () => {
    postgres = await PrivatePostgres.start();
    pool = new pg.Pool({ connectionString: await postgres.createDatabase('steward'), max: 4 });
    pool.on('error', () => undefined);
    await migrate(pool);
    await syncRegistry(pool, model);
    redis = new Redis(stackSettings.REDIS_URL, { maxRetriesPerRequest: null });
    sink = new RuleQueueSink({ connection: redis, prefix, site: SITE, shards: SHARDS });
  }, 60_000);

  afterAll(async () => {
    await worker?.stop().catch(() => undefined);
    await sink?.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await pool?.end().catch(() => undefined);
    await postgres?.dispose();
  }, 60_000);

  it('holds the batch while PostgreSQL is down, without spending its retries, and fires once it is back', async () => {
    const incidents = new IncidentStore({
      pool,
      clock: systemClock,
      changes: new ChangePublisher({ publisher: new CollectingPublisher(), prefix }),
    });
    worker = new RuleWorker({
      model,
      site: SITE,
      redis,
      connection: stackSettings.REDIS_URL,
      prefix,
      shards: SHARDS,
      incidents,
      clock: systemClock,
      logger: createLogger({ LOG_LEVEL: 'silent' }, 'test'),
      tickMs: 60_000,
    });
    await worker.start();
    const queue = new Queue(readingQueueName(SITE, shardOf(DOOR, SHARDS)), { connection: redis, prefix });
    try {
      await postgres.stop();
      const at = Date.now() - 60_000;
      await sink.write([reading(`${DOOR}.forced_open`, at, 1)]);
      // Long enough for several of the queue's retries (500 ms, 1 s, 2 s …) had the job failed.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      const during = await queue.getJobCounts('active', 'delayed', 'failed', 'waiting', 'completed');
      expect(during).toMatchObject({ active: 1, delayed: 0, failed: 0, completed: 0 });
      const [held] = await queue.getJobs(['active']);
      expect(held?.attemptsMade).toBe(0);

      await postgres.start();
      const fired = await waitFor(
        async () => {
          const open = await incidents.openIncidents({ ruleId: 'door-forced-open', equipmentId: DOOR });
          return open.length > 0 ? open : undefined;
        },
        'the incident of the held batch',
        20_000,
        100,
      );
      expect(fired).toHaveLength(1);
      expect(fired[0]?.firstSeen.getTime()).toBe(at);
      const after = await waitFor(async () => {
        const counts = await queue.getJobCounts('active', 'completed', 'failed');
        return counts.completed === 1 ? counts : undefined;
      }, 'the held job to complete');
      expect(after).toMatchObject({ active: 0, completed: 1, failed: 0 });
      const [done] = await queue.getJobs(['completed']);
      expect(done?.attemptsMade).toBe(1);
    } finally {
      await queue.close();
    }
  }, 60_000);
});
