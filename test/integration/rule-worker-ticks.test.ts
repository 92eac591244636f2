import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import { type ReadingBatchJob, readingQueueName, shardOf } from '../../gateway/handoff/shards.ts';
import type { RuleWorker } from '../../services/rules/worker/index.ts';
import { sampleConfigDir } from '../helpers/config-fixture.ts';
import { RuleHarness, reading, HARNESS_SITE as SITE } from '../helpers/rule-harness.ts';
import { waitFor } from '../helpers/wait.ts';

const T0 = Date.UTC(2026, 10, 23, 2, 0, 0);
const SHARDS = 4;
const METER = 'OB2-EM-01000'; // meter-offline: stale after 5 × 60 s without a power reading
const MINUTE = 60_000;

describe('ticks and clear conditions in the rule worker', () => {
  const harness = new RuleHarness(loadConfig(sampleConfigDir), { shards: SHARDS, start: T0 });
  let worker: RuleWorker;
  let queue: Queue<ReadingBatchJob>;

  const offline = () => harness.openIncidents('meter-offline', METER);
  const drained = async () => {
    const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized');
    return Object.values(counts).every((n) => n === 0) ? true : undefined;
  };

  beforeAll(async () => {
    await harness.open();
    queue = new Queue(readingQueueName(SITE, shardOf(METER, SHARDS)), {
      connection: harness.redis,
      prefix: harness.prefix,
    });
    worker = harness.newWorker({ tickMs: 3_600_000 }); // ticks are called by hand
    await worker.start();
  });

  afterAll(async () => {
    await queue.close();
    await harness.dispose();
  });

  it('detects silence only up to the gateway’s hand-off watermark, not the clock', async () => {
    await harness.sink.write([reading(`${METER}.power`, T0, 120)]);
    await waitFor(drained, 'the first reading');
    harness.clock.set(T0 + 60 * MINUTE);

    await worker.tick(); // no watermark yet: no gateway has said what it handed off
    expect(await offline()).toHaveLength(0);

    await harness.setWatermark(T0 + 4 * MINUTE);
    await worker.tick(); // four minutes of silence by the watermark: not yet five intervals
    expect(await offline()).toHaveLength(0);
  });

  it('holds a shard’s ticks while it has a batch older than the watermark, then fires at the right deadline', async () => {
    // A batch the gateway handed off before the watermark, waiting to be retried (backoff).
    await queue.add(
      'readings',
      { readings: [{ p: `${METER}.power`, t: T0 + 250_000, v: 118 }] },
      { delay: 600_000 },
    );
    await harness.setWatermark(T0 + 10 * MINUTE);
    await worker.tick();
    // Without the hold this would have fired with a deadline of T0 + 5 min.
    expect(await offline()).toHaveLength(0);

    const [delayed] = await queue.getDelayed();
    await delayed?.promote();
    await waitFor(drained, 'the late batch');
    await worker.tick();
    const [fired] = await offline();
    expect(fired?.firstSeen.getTime()).toBe(T0 + 250_000 + 5 * MINUTE);
    expect(fired?.occurrences).toBe(1);

    await worker.tick(); // later ticks keep it open; they do not fire it again
    expect((await offline())[0]?.occurrences).toBe(1);
  });

  it('keeps a forced-open door alarm until the door is shut again (the rule’s clear condition)', async () => {
    const door = 'MB-DOOR-01';
    const open = () => harness.openIncidents('door-forced-open', door);
    await harness.sink.write([reading(`${door}.open`, T0, 1), reading(`${door}.forced_open`, T0, 1)]);
    await waitFor(async () => ((await open()).length > 0 ? true : undefined), 'the alarm');
    // The forced-open pulse ends while the door still stands open: the alarm stays.
    await harness.sink.write([reading(`${door}.forced_open`, T0 + 2_000, 0)]);
    await harness.sink.write([reading(`${door}.open`, T0 + 5_000, 1)]);
    const doorQueue = readingQueueName(SITE, shardOf(door, SHARDS));
    const counts = new Queue(doorQueue, { connection: harness.redis, prefix: harness.prefix });
    await waitFor(async () => {
      const c = await counts.getJobCounts('wait', 'active', 'delayed');
      return Object.values(c).every((n) => n === 0) ? true : undefined;
    }, 'the pulse end');
    expect((await open())[0]?.state).toBe('active');

    await harness.sink.write([reading(`${door}.open`, T0 + 90_000, 0)]);
    const cleared = await waitFor(async () => {
      const [incident] = await open();
      return incident?.state === 'cleared' ? incident : undefined;
    }, 'the clear');
    expect(cleared.clearedAt?.getTime()).toBe(T0 + 90_000);
    await counts.close();
  });
});
