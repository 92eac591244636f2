import { describe, expect, it } from 'vitest';
import { ScoringError } from './errors.ts';
import {
  addYears,
  daysOf,
  halfOf,
  monthKeyAt,
  monthsOf,
  periodOf,
  quarterOf,
  shiftQuarter,
  siteDateOf,
} from './periods.ts';
import { ZONE } from './test-scheme.ts';

describe('periods at the site', () => {
  it('run from local midnight to local midnight (Asia/Shanghai is UTC+8)', () => {
    expect(periodOf('2026-03', ZONE)).toEqual({
      kind: 'month',
      key: '2026-03',
      startMs: Date.UTC(2026, 1, 28, 16),
      endMs: Date.UTC(2026, 2, 31, 16),
    });
    expect(periodOf('2026-Q4', ZONE)).toMatchObject({
      startMs: Date.UTC(2026, 8, 30, 16),
      endMs: Date.UTC(2026, 11, 31, 16),
    });
    expect(periodOf('2026-H2', ZONE)).toMatchObject({
      startMs: Date.UTC(2026, 5, 30, 16),
      endMs: Date.UTC(2026, 11, 31, 16),
    });
    expect(periodOf('2026', ZONE)).toMatchObject({ kind: 'year', startMs: Date.UTC(2025, 11, 31, 16) });
  });

  it('place an instant in the site’s month: 23:59 on 31 March at the site is still March', () => {
    const lastMinute = Date.UTC(2026, 2, 31, 15, 59);
    expect(siteDateOf(lastMinute, ZONE)).toBe('2026-03-31');
    expect(monthKeyAt(lastMinute, ZONE)).toBe('2026-03');
    expect(monthKeyAt(lastMinute + 60_000, ZONE)).toBe('2026-04');
  });

  it('know their months, quarters, halves and days', () => {
    expect(monthsOf('2026-Q2')).toEqual(['2026-04', '2026-05', '2026-06']);
    expect(monthsOf('2026')).toHaveLength(12);
    expect(quarterOf('2026-05-14')).toBe('2026-Q2');
    expect(halfOf('2026-07')).toBe('2026-H2');
    expect(shiftQuarter('2026-Q4', 1)).toBe('2027-Q1');
    expect(shiftQuarter('2026-Q1', -1)).toBe('2025-Q4');
    expect(daysOf('2026-Q1')).toEqual({ first: '2026-01-01', last: '2026-03-31' });
    expect(daysOf('2028-02')).toEqual({ first: '2028-02-01', last: '2028-02-29' });
    expect(addYears('2024-02-29', 3)).toBe('2027-02-28');
  });

  it.each(['2026-13', '2026-Q5', '26-01', '2026-3', ''])('refuse %j', (key) => {
    expect(() => periodOf(key, ZONE)).toThrow(ScoringError);
  });
});
