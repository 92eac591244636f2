import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuleQueueSink } from '../../gateway/handoff/rule-queues.ts';
import { ruleStateKey, stateField } from '../../services/rules/worker/index.ts';
import { createTestDatabase, stackSettings, type TestDatabase, uniqueName } from '../helpers/stack.ts';
import { type RunningSteward, startSteward } from '../helpers/steward-process.ts';

const SITE = 'admin-centre';
const RULE = 'ahu-filter-clogged'; // filter_dp above 0.25 kPa for 3,600 s
const EQUIPMENT = 'MB-AHU-01';

/**
 * `kill -9` of a real `steward workers` process in the middle of a running duration: the restarted
 * process carries the duration on from its checkpoint and fires once, at the reading that completes it.
 */
describe('rule worker killed with -9 during a running duration', () => {
  let db: TestDatabase;
  const prefix = uniqueName('t');
  let redis: Redis;
  beforeAll(async () => {
    db = await createTestDatabase();
    redis = new Redis(stackSettings.REDIS_URL);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await db.drop();
  });

  it('fires once, at the right reading, after a restart', async () => {
    const env = { DATABASE_URL: db.url, STEWARD_REDIS_PREFIX: prefix };
    const sink = new RuleQueueSink({
      connection: redis,
      prefix,
      site: SITE,
      shards: stackSettings.STEWARD_RULE_SHARDS,
    });
    const t0 = Date.now() - 2 * 3_600_000;
    const waitFor = async (condition: () => Promise<boolean>, what: string): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (!(await condition())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const checkpoint = async (): Promise<string | null> =>
      redis.hget(ruleStateKey(prefix, SITE), stateField(RULE, EQUIPMENT));
    const incidents = async () =>
      (
        await db.pool.query<{ state: string; occurrences: number; first_seen: Date }>(
          'select state, occurrences, first_seen from incidents where rule_id = $1 and equipment_id = $2',
          [RULE, EQUIPMENT],
        )
      ).rows;

    let worker: RunningSteward | undefined = await startSteward('workers', env);
    try {
      await sink.write([{ pointId: `${EQUIPMENT}.filter_dp`, ts: t0, value: 0.3, quality: 'good' }]);
      await waitFor(async () => (await checkpoint()) !== null, 'the checkpoint of the running duration');
      worker.child.kill('SIGKILL');
      await new Promise((resolve) => worker?.child.once('exit', resolve));
      worker = undefined;
      expect(await incidents()).toEqual([]);

      worker = await startSteward('workers', env);
      // Still violating, but one second short of the hour: nothing yet.
      await sink.write([
        { pointId: `${EQUIPMENT}.filter_dp`, ts: t0 + 3_599_000, value: 0.31, quality: 'good' },
      ]);
      // Completes the hour counted from t0, which only the checkpoint remembers.
      await sink.write([
        { pointId: `${EQUIPMENT}.filter_dp`, ts: t0 + 3_601_000, value: 0.32, quality: 'good' },
      ]);
      await waitFor(async () => (await incidents()).length > 0, 'the incident');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const rows = await incidents();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ state: 'active', occurrences: 1 });
      // Fired by the reading that completed the duration, not the one a second short of it.
      expect(rows[0]?.first_seen.getTime()).toBe(t0 + 3_601_000);
    } finally {
      await sink.close();
      if (worker) expect(await worker.stop()).toBe(0);
    }
  }, 90_000);
});
