import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveValues } from '../../gateway/handoff/live-values.ts';
import { RuleQueueSink } from '../../gateway/handoff/rule-queues.ts';
import {
  equipmentOf,
  latestKey,
  liveChannel,
  readingQueueName,
  shardOf,
} from '../../gateway/handoff/shards.ts';
import type { Reading } from '../../gateway/ingest/reading.ts';
import { createLogger } from '../../services/runtime/logger.ts';
import { stackSettings, uniqueName } from '../helpers/stack.ts';

const SITE = 'admin-centre';
const SHARDS = 4;

describe('hand-off to the rule workers and live dashboards, on a real Redis', () => {
  const prefix = uniqueName('t');
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(stackSettings.REDIS_URL, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('shards by equipment, keeps each shard in order, and does not add a retried batch twice', async () => {
    const sink = new RuleQueueSink({ connection: redis, prefix, site: SITE, shards: SHARDS });
    const readings: Reading[] = [];
    for (let i = 0; i < 40; i++) {
      readings.push({
        pointId: `EQ-${i % 10}.temp`,
        ts: 1_700_000_000_000 + i,
        value: i,
        quality: i % 7 === 0 ? 'uncertain' : 'good',
      });
    }
    await sink.write(readings);
    await sink.write(readings); // a retry of the same batch after a failure
    await sink.close();

    let total = 0;
    for (let shard = 0; shard < SHARDS; shard++) {
      const queue = new Queue(readingQueueName(SITE, shard), { connection: redis, prefix });
      const jobs = await queue.getJobs(['waiting']);
      await queue.close();
      expect(jobs.length).toBeLessThanOrEqual(1);
      const batch = (jobs[0]?.data.readings ?? []) as { p: string; t: number; q?: number }[];
      total += batch.length;
      for (const entry of batch) expect(shardOf(equipmentOf(entry.p), SHARDS)).toBe(shard);
      const times = batch.map((entry) => entry.t);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
    expect(total).toBe(readings.length);
  });

  it('coalesces live values per point and keeps the latest in a hash', async () => {
    const subscriber = new Redis(stackSettings.REDIS_URL);
    const messages: { p: string; v: number }[][] = [];
    await subscriber.subscribe(liveChannel(prefix, SITE));
    subscriber.on('message', (_channel, message: string) => messages.push(JSON.parse(message)));
    const live = new LiveValues({
      redis,
      prefix,
      site: SITE,
      intervalMs: 100,
      logger: createLogger({ LOG_LEVEL: 'silent' }, 'test'),
      metrics: new Registry(),
    });
    await live.start();
    for (let i = 0; i < 500; i++)
      live.offer([
        { pointId: 'MB-AHU-01.supply_air_temp', ts: 1_700_000_000_000 + i, value: i, quality: 'good' },
      ]);
    live.offer([{ pointId: 'MB-EM-01000.power', ts: 1_700_000_000_000, value: 812, quality: 'good' }]);
    await live.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await subscriber.quit();
    const all = messages.flat();
    expect(all.filter((m) => m.p === 'MB-AHU-01.supply_air_temp')).toEqual([
      { p: 'MB-AHU-01.supply_air_temp', t: 1_700_000_000_499, v: 499 },
    ]);
    expect(JSON.parse((await redis.hget(latestKey(prefix, SITE), 'MB-EM-01000.power')) ?? '{}')).toEqual({
      t: 1_700_000_000_000,
      v: 812,
    });
  });

  it('drops and counts live values while Redis is unavailable, without throwing', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false });
    const metrics = new Registry();
    const live = new LiveValues({
      redis: down,
      prefix,
      site: SITE,
      intervalMs: 50,
      logger: createLogger({ LOG_LEVEL: 'silent' }, 'test'),
      metrics,
    });
    await live.start();
    live.offer([{ pointId: 'MB-EM-01000.power', ts: 1, value: 1, quality: 'good' }]);
    await live.stop();
    const dropped = await metrics.getSingleMetric('steward_live_values_dropped_total')?.get();
    expect(dropped?.values[0]?.value).toBe(1);
    down.disconnect();
  });
});
