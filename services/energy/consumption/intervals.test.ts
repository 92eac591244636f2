import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SiteGrid } from './grid.ts';
import { intervalConsumption, periodTotal } from './intervals.ts';
import type { RegisterSample } from './register.ts';

const MIN = 60_000;
const cst = (local: string): number => Date.parse(`${local}+08:00`);
const grid = new SiteGrid('Asia/Shanghai');
const OPTIONS = { maxGapMs: 15 * MIN };

/** A register read every minute from `fromMs` to `toMs` (both included), rising by `perMinute(t)`. */
function register(
  fromMs: number,
  toMs: number,
  perMinute: (ms: number) => number,
  start = 1_000,
): RegisterSample[] {
  const samples: RegisterSample[] = [];
  let value = start;
  for (let ts = fromMs; ts <= toMs; ts += MIN) {
    samples.push({ ts, value });
    value += perMinute(ts);
  }
  return samples;
}

describe('interval consumption from a cumulative register', () => {
  const from = cst('2025-03-10T00:00:00');
  const to = cst('2025-03-11T00:00:00');

  it('gives each quarter hour its minutes of energy, hourly and daily the sums', () => {
    // 0.5 kWh a minute at night, 2 kWh a minute from 08:00 to 18:00.
    const rate = (ms: number) => {
      const hour = (ms - from) / 3_600_000;
      return hour >= 8 && hour < 18 ? 2 : 0.5;
    };
    const samples = register(from - 10 * MIN, to + 10 * MIN, rate);
    const quarters = intervalConsumption(samples, grid.boundaries('15m', from, to), OPTIONS);
    expect(quarters.intervals).toHaveLength(96);
    expect(quarters.intervals.every((i) => i.status === 'complete')).toBe(true);
    expect(quarters.intervals[0]?.value).toBeCloseTo(7.5, 9);
    expect(quarters.intervals[32]?.value).toBeCloseTo(30, 9); // 08:00–08:15
    const hours = intervalConsumption(samples, grid.boundaries('1h', from, to), OPTIONS);
    expect(hours.intervals.map((i) => i.value)).toHaveLength(24);
    expect(hours.intervals[9]?.value).toBeCloseTo(120, 9);
    const day = intervalConsumption(samples, grid.boundaries('1d', from, to), OPTIONS);
    expect(day.intervals).toHaveLength(1);
    expect(day.intervals[0]?.value).toBeCloseTo(14 * 60 * 0.5 + 10 * 60 * 2, 6);
    expect(day.gaps).toEqual([]);
    expect(day.events).toEqual([]);
  });

  it('days start at local midnight', () => {
    const [start] = grid.boundaries('1d', cst('2025-03-10T05:00:00'), cst('2025-03-10T06:00:00'));
    expect(new Date(start as number).toISOString()).toBe('2025-03-09T16:00:00.000Z');
  });

  it('reports a reset as a gap of unknown energy, never as a negative or a huge figure', () => {
    // The meter is replaced at 10:00:30: the old one read 5,000 + …, the new one starts at 3.
    const before = register(from - 10 * MIN, cst('2025-03-10T10:00:00'), () => 1, 5_000);
    const after = register(cst('2025-03-10T10:01:00'), to + 10 * MIN, () => 1, 3);
    const result = intervalConsumption([...before, ...after], grid.boundaries('15m', from, to), OPTIONS);
    expect(result.events).toEqual([
      { ts: cst('2025-03-10T10:01:00'), kind: 'reset', before: 5_610, after: 3 },
    ]);
    expect(result.gaps).toEqual([
      { fromMs: cst('2025-03-10T10:00:00'), toMs: cst('2025-03-10T10:01:00'), kind: 'reset' },
    ]);
    const tenOClock = result.intervals[40];
    expect(tenOClock).toMatchObject({ status: 'partial', coveredMs: 14 * MIN });
    expect(tenOClock?.value).toBeCloseTo(14, 9);
    for (const interval of result.intervals) {
      expect(interval.value ?? 0).toBeGreaterThanOrEqual(0);
      expect(interval.value ?? 0).toBeLessThanOrEqual(15 + 1e-9);
    }
    expect(result.intervals.filter((i) => i.status !== 'complete')).toHaveLength(1);
    const day = periodTotal(result.intervals);
    expect(day.status).toBe('partial');
    expect(day.value).toBeCloseTo(1_440 - 1, 6);
  });

  it('counts a rollover at the register maximum as the wrapped increment', () => {
    const max = 100_000;
    const samples = register(from - 10 * MIN, to + 10 * MIN, () => 1, max - 300).map((s) => ({
      ts: s.ts,
      value: s.value >= max ? s.value - max : s.value,
    }));
    const result = intervalConsumption(samples, grid.boundaries('1h', from, to), {
      ...OPTIONS,
      registerMax: max,
    });
    expect(result.events).toHaveLength(1);
    expect(result.events[0]?.kind).toBe('rollover');
    expect(result.intervals.every((i) => i.status === 'complete')).toBe(true);
    for (const hour of result.intervals) expect(hour.value).toBeCloseTo(60, 9);

    // Without the maximum the same decrease cannot be told from a reset.
    const blind = intervalConsumption(samples, grid.boundaries('1h', from, to), OPTIONS);
    expect(blind.events[0]?.kind).toBe('reset');
    expect(blind.intervals.filter((i) => i.status === 'partial')).toHaveLength(1);
  });

  it('takes a fall from mid-range to near zero as a reset even when the maximum is known', () => {
    const samples: RegisterSample[] = [
      { ts: from - MIN, value: 40_000 },
      { ts: from + 30 * MIN, value: 40_030 },
      { ts: from + 31 * MIN, value: 2 },
      { ts: from + 61 * MIN, value: 32 },
    ];
    const result = intervalConsumption(samples, [from, from + 60 * MIN], {
      ...OPTIONS,
      maxGapMs: 40 * MIN,
      registerMax: 100_000,
    });
    expect(result.events[0]?.kind).toBe('reset');
  });

  it('does not spread a long gap: the day holding it stays exact, its quarters are missing', () => {
    const all = register(from - 10 * MIN, to + 10 * MIN, () => 1);
    const outage = all.filter(
      (s) => s.ts <= cst('2025-03-10T12:00:00') || s.ts >= cst('2025-03-10T14:00:00'),
    );
    const day = intervalConsumption(outage, grid.boundaries('1d', from, to), OPTIONS);
    expect(day.intervals[0]).toMatchObject({ status: 'complete' });
    expect(day.intervals[0]?.value).toBeCloseTo(1_440, 6);
    expect(day.gaps).toEqual([
      {
        fromMs: cst('2025-03-10T12:00:00'),
        toMs: cst('2025-03-10T14:00:00'),
        kind: 'long_gap',
        energyAcross: 120,
      },
    ]);
    const quarters = intervalConsumption(outage, grid.boundaries('15m', from, to), OPTIONS);
    const missing = quarters.intervals.filter((i) => i.status === 'missing');
    expect(missing).toHaveLength(8);
    expect(missing.every((i) => i.value === null)).toBe(true);
    expect(quarters.intervals.filter((i) => i.status === 'partial')).toHaveLength(0);
  });

  it('marks both days partial when a gap crosses midnight', () => {
    const all = register(from - 10 * MIN, to + 24 * 60 * MIN, () => 1);
    const outage = all.filter(
      (s) => s.ts <= cst('2025-03-10T23:00:00') || s.ts >= cst('2025-03-11T01:00:00'),
    );
    const days = intervalConsumption(outage, grid.boundaries('1d', from, to + 86_400_000), OPTIONS);
    expect(days.intervals.map((i) => i.status)).toEqual(['partial', 'partial']);
    expect(days.intervals[0]?.value).toBeCloseTo(23 * 60, 6);
    expect(days.intervals[1]?.value).toBeCloseTo(23 * 60, 6);
    expect(days.gaps[0]).toMatchObject({ kind: 'long_gap', energyAcross: 120 });
  });

  it('reports the time after the last sample as missing, not as zero', () => {
    const samples = register(from - 10 * MIN, cst('2025-03-10T06:00:00'), () => 1);
    const hours = intervalConsumption(samples, grid.boundaries('1h', from, to), OPTIONS);
    expect(hours.intervals.slice(0, 6).every((i) => i.status === 'complete')).toBe(true);
    expect(hours.intervals.slice(6).every((i) => i.status === 'missing' && i.value === null)).toBe(true);
    expect(hours.gaps).toEqual([{ fromMs: cst('2025-03-10T06:00:00'), toMs: to, kind: 'no_data' }]);
    expect(periodTotal(hours.intervals)).toMatchObject({ status: 'partial', coverage: 0.25 });
  });

  it('leaves uncertain readings out', () => {
    const samples = register(from - 10 * MIN, to + 10 * MIN, () => 1).map((s) =>
      s.ts === cst('2025-03-10T03:00:00') ? { ...s, value: 9e9, uncertain: true as const } : s,
    );
    const day = intervalConsumption(samples, grid.boundaries('1d', from, to), OPTIONS);
    expect(day.skippedSamples).toBe(1);
    expect(day.intervals[0]?.value).toBeCloseTo(1_440, 6);
  });

  it('sums to the register rise over any covered range (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 1, max: 14 * MIN }), fc.double({ min: 0, max: 50, noNaN: true })),
          {
            minLength: 2,
            maxLength: 300,
          },
        ),
        fc.constantFrom('15m' as const, '1h' as const),
        (steps, resolution) => {
          const samples: RegisterSample[] = [{ ts: from, value: 100 }];
          for (const [dt, rise] of steps) {
            const last = samples[samples.length - 1] as RegisterSample;
            samples.push({ ts: last.ts + dt, value: last.value + rise });
          }
          const last = samples[samples.length - 1] as RegisterSample;
          const boundaries = grid.boundaries(resolution, from, last.ts);
          // Only the intervals fully inside the samples' span are complete; compare on that span.
          const inner = boundaries.filter((b) => b >= from && b <= last.ts);
          if (inner.length < 2) return;
          const result = intervalConsumption(samples, inner, OPTIONS);
          const total = result.intervals.reduce((sum, i) => sum + (i.value ?? 0), 0);
          const riseAt = (t: number): number => {
            const k = samples.findIndex((s) => s.ts >= t);
            const b = samples[k] as RegisterSample;
            const a = samples[Math.max(0, k - 1)] as RegisterSample;
            return b.ts === a.ts ? b.value : a.value + ((b.value - a.value) * (t - a.ts)) / (b.ts - a.ts);
          };
          const expected = riseAt(inner[inner.length - 1] as number) - riseAt(inner[0] as number);
          expect(result.intervals.every((i) => i.status === 'complete')).toBe(true);
          expect(Math.abs(total - expected)).toBeLessThan(1e-6 * Math.max(1, expected));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a grid that is not increasing', () => {
    expect(() => intervalConsumption([], [from, from], OPTIONS)).toThrow(/strictly increasing/);
  });
});
