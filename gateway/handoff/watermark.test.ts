import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../services/runtime/clock.ts';
import { createLogger } from '../../services/runtime/logger.ts';
import type { Spool } from '../store/spool.ts';
import { handoffKey } from './shards.ts';
import { WatermarkPublisher } from './watermark.ts';

/** The parts of a spool and a Redis client the publisher reads and writes. */
function harness() {
  const counts = { head: 0, buffered: 0, cursor: 0 };
  const spool = {
    stats: () => ({
      headSequence: counts.head,
      bufferedReadings: counts.buffered,
      consumers: { rules: { cursor: counts.cursor } },
    }),
  } as unknown as Spool;
  const written: string[] = [];
  const redis = { set: async (_key: string, value: string) => written.push(value) };
  const clock = new ManualClock(1_000);
  const publisher = new WatermarkPublisher({
    spool,
    consumer: 'rules',
    redis: redis as never,
    prefix: 'p',
    site: 's',
    clock,
    logger: createLogger({ LOG_LEVEL: 'silent' }, 'test'),
  });
  const last = () => (JSON.parse(written.at(-1) ?? 'null') as { w: number } | null)?.w;
  return { counts, clock, publisher, last };
}

describe('the rule hand-off watermark', () => {
  it('advances to a moment only once every reading accepted by then is committed to the queues', async () => {
    const { counts, clock, publisher, last } = harness();
    counts.head = 100;
    counts.buffered = 20; // 120 accepted at t = 1000
    await publisher.publish();
    expect(last()).toBeUndefined(); // nothing handed off yet: no watermark at all

    clock.set(2_000);
    counts.head = 200;
    counts.buffered = 0;
    counts.cursor = 119; // one reading accepted before t = 1000 is still on its way
    await publisher.publish();
    expect(last()).toBeUndefined();

    clock.set(3_000);
    counts.cursor = 150; // past the t = 1000 sample (120), not yet the t = 2000 one (200)
    await publisher.publish();
    expect(last()).toBe(1_000);

    clock.set(4_000);
    counts.cursor = 200;
    await publisher.publish();
    expect(last()).toBe(4_000); // everything accepted by now (200) is committed
  });

  it('stays where a backlog began while the spool replays it', async () => {
    const { counts, clock, publisher, last } = harness();
    counts.head = 10;
    counts.cursor = 10;
    await publisher.publish();
    expect(last()).toBe(1_000);
    for (let t = 2_000; t <= 10_000; t += 1_000) {
      clock.set(t);
      counts.head += 1_000; // Redis away: accepted, not handed off
      await publisher.publish();
    }
    expect(last()).toBe(1_000);
    expect(handoffKey('p', 's')).toBe('p:handoff:s');
  });
});
