import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../services/runtime/clock.ts';
import type { Spool } from '../store/spool.ts';
import { IngestHealthPublisher } from './health.ts';

describe('IngestHealthPublisher.record', () => {
  it('reports the accepted rate over the last interval, rejections and backlog by consumer', () => {
    const clock = new ManualClock(1_000_000);
    let appended = 100;
    const spool = {
      stats: () => ({
        appendedReadings: appended,
        bytes: 2_048,
        consumers: { tsdb: { lagReadings: 3 }, rules: { lagReadings: 0 } },
      }),
    } as unknown as Spool;
    const refusals = { MALFORMED_JSON: 2 };
    const publisher = new IngestHealthPublisher({
      spool,
      refusals: () => refusals,
      redis: {} as never,
      prefix: 'p',
      site: 's',
      clock,
    });
    // No previous sample yet: no rate rather than an invented one.
    expect(publisher.record().readingsPerS).toBe(0);
    clock.advance(2_000);
    appended += 381;
    expect(publisher.record()).toEqual({
      atMs: 1_002_000,
      acceptedReadings: 481,
      readingsPerS: 190.5,
      rejections: { MALFORMED_JSON: 2 },
      spoolBytes: 2_048,
      lag: { tsdb: 3, rules: 0 },
    });
  });
});
