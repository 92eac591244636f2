import { describe, expect, it } from 'vitest';
import type { RateOfChangeCondition } from './schema.ts';
import { at, reading, run, T0, tick, transitions } from './test-harness.ts';

const temp = (minutes: number, value: number, quality: 'good' | 'uncertain' = 'good') =>
  reading('chw_supply_temp', at(minutes), value, quality);

const swing: RateOfChangeCondition = {
  type: 'rate_of_change',
  point: 'chw_supply_temp',
  maxPerMinute: 0.5,
  windowS: 300,
};

describe('rate of change', () => {
  it('needs a reading from the start of the window before it has a rate', () => {
    // 2 K per minute, but only four minutes of data in a five-minute window.
    const { results } = run(swing, [temp(0, 7), temp(1, 9), temp(2, 11), temp(3, 13), temp(4, 15)]);
    expect(results.every((r) => r.value === undefined && r.transition === undefined)).toBe(true);
    const next = run(swing, [temp(5, 17)], { state: run(swing, [temp(0, 7), temp(4, 15)]).state });
    expect(next.results[0]).toMatchObject({ transition: 'fire', value: 2, at: at(5) });
  });

  it('a pair of readings seconds apart cannot fire it: the slope spans the whole window', () => {
    const { results } = run(swing, [
      temp(0, 7),
      temp(5, 7),
      reading('chw_supply_temp', at(5) + 2000, 9), // a 2 K jump two seconds later
    ]);
    // (9 − 7) over five minutes and two seconds, about 0.4 K/min: under the limit.
    expect(results[2]?.transition).toBeUndefined();
    expect(results[2]?.value).toBeCloseTo(2 / (5 + 2 / 60), 6);
  });

  it('uses the value that held when the window opened, then slides', () => {
    const { results } = run(swing, [temp(0, 7), temp(1, 7), temp(6, 10), temp(7, 10.1), temp(12, 10.1)]);
    // At 6: anchor is the reading at 1 (newest at or before 6 − 5): (10 − 7) / 5 = 0.6 K/min.
    expect(results[2]?.transition).toBe('fire');
    expect(results[2]?.value).toBeCloseTo(0.6, 9);
    // At 7: anchor still 1 → (10.1 − 7) / 6; at 12: anchor is 7 → 0, clears.
    expect(results[3]?.value).toBeCloseTo(3.1 / 6, 9);
    expect(results[4]).toMatchObject({ transition: 'clear', value: 0 });
  });

  it('fires on either direction with maxPerMinute, and reports the steepest rate as peak', () => {
    const { results } = run(swing, [temp(0, 12), temp(5, 8), temp(6, 2), temp(11, 2)]);
    expect(transitions(results)).toEqual([
      ['fire', at(5)],
      ['clear', at(11)],
    ]);
    // At 5: (8 − 12) / 5; at 6 the window opens at 1, when 12 still held: (2 − 12) / 6.
    expect(results[1]?.value).toBeCloseTo(-0.8, 9);
    expect(results[2]?.value).toBeCloseTo(-10 / 6, 9);
    // At 11 the window opens at 6: no change, so it clears, reporting the steepest fall.
    expect(results[3]?.value).toBe(0);
    expect(results[3]?.peak).toBeCloseTo(-10 / 6, 9);
  });

  it('rise and fall limit each direction separately', () => {
    const rising: RateOfChangeCondition = {
      type: 'rate_of_change',
      point: 'chw_supply_temp',
      rise: 1,
      windowS: 60,
    };
    const falling = run(rising, [temp(0, 20), temp(1, 10)]);
    expect(transitions(falling.results)).toEqual([]);
    const rises = run(rising, [temp(0, 10), temp(1, 12)]);
    expect(transitions(rises.results)).toEqual([['fire', at(1)]]);

    const both: RateOfChangeCondition = {
      type: 'rate_of_change',
      point: 'chw_supply_temp',
      rise: 5,
      fall: 1,
      windowS: 60,
    };
    const r = run(both, [temp(0, 20), temp(1, 17), temp(2, 20), temp(3, 26)]);
    // −3/min falls too fast; +3/min is within the rise limit and clears; +6/min rises too fast.
    expect(transitions(r.results)).toEqual([
      ['fire', at(1)],
      ['clear', at(2)],
      ['fire', at(3)],
    ]);
  });

  it('forS applies as for thresholds', () => {
    const sustained: RateOfChangeCondition = { ...swing, forS: 120 };
    const r = run(sustained, [temp(0, 0), temp(5, 5), temp(6, 6), temp(7, 7)]);
    expect(transitions(r.results)).toEqual([['fire', at(7)]]);
    expect(r.results[3]?.since).toBe(at(5));
  });

  it('keeps only the window in its state', () => {
    const events = Array.from({ length: 200 }, (_, i) => reading('chw_supply_temp', T0 + i * 30_000, 7));
    const { state } = run(swing, events);
    expect(state.type === 'rate_of_change' && state.window.length).toBe(11);
  });

  it('ignores uncertain readings, out-of-order readings and ticks', () => {
    const { results } = run(swing, [
      temp(0, 7),
      temp(5, 30, 'uncertain'),
      temp(4, 30),
      tick(at(6)),
      temp(6, 7),
    ]);
    expect(results[2]).toMatchObject({ discarded: 'out_of_order' });
    expect(results[4]).toMatchObject({ value: 0, active: false });
    expect(transitions(results)).toEqual([]);
  });
});
