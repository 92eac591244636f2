import { describe, expect, it } from 'vitest';
import { OffsetClock } from './clock.ts';

describe('OffsetClock', () => {
  it('reads its start instant at the system instant it was made, and then moves with the system clock', async () => {
    const start = Date.parse('2026-10-31T15:56:00Z');
    const madeAt = Date.now();
    const clock = new OffsetClock(start, madeAt);
    // Bracketed by two system readings, the clock is the system time shifted by start − madeAt.
    for (const wait of [0, 20]) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      const before = Date.now();
      const read = clock.nowMs();
      const after = Date.now();
      expect(read).toBeGreaterThanOrEqual(start + (before - madeAt));
      expect(read).toBeLessThanOrEqual(start + (after - madeAt));
    }
    expect(clock.now()).toBeInstanceOf(Date);
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(start);
  });
});
