import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  lastDayOf,
  monthAt,
  monthsBack,
  monthsOfQuarter,
  monthsOfYearTo,
  quarterOf,
  ranked,
  wallClockAt,
  zonedMs,
} from './months.ts';

const SHANGHAI = 'Asia/Shanghai';

describe('months at the site', () => {
  it("takes an instant's month in the site's zone, not UTC's", () => {
    // 2026-10-31 20:00 UTC is already 1 November 04:00 in Shanghai.
    expect(monthAt(Date.UTC(2026, 9, 31, 20), SHANGHAI)).toBe('2026-11');
    expect(monthAt(Date.UTC(2026, 9, 31, 15, 59), SHANGHAI)).toBe('2026-10');
    expect(wallClockAt(Date.UTC(2026, 9, 31, 20, 5), SHANGHAI)).toEqual({
      date: '2026-11-01',
      time: '04:05',
    });
  });

  it('turns a wall-clock date and time at the site into the instant, across a DST change too', () => {
    expect(zonedMs('2026-10-20', '09:00', SHANGHAI)).toBe(Date.UTC(2026, 9, 20, 1));
    // Berlin: CEST (+2) until 25 October 2026 03:00, CET (+1) after.
    expect(zonedMs('2026-10-24', '12:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 9, 24, 10));
    expect(zonedMs('2026-10-26', '12:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 9, 26, 11));
    const ms = zonedMs('2026-03-29', '08:30', 'Europe/Berlin');
    expect(wallClockAt(ms, 'Europe/Berlin')).toEqual({ date: '2026-03-29', time: '08:30' });
  });

  it('moves, lists and groups months across year ends', () => {
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2025-12', 1)).toBe('2026-01');
    expect(addMonths('2026-11', -13)).toBe('2025-10');
    expect(monthsBack('2026-02', 4)).toEqual(['2026-02', '2026-01', '2025-12', '2025-11']);
    expect(monthsOfYearTo('2026-03')).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(quarterOf('2026-10')).toBe('2026-Q4');
    expect(quarterOf('2026-03')).toBe('2026-Q1');
    expect(lastDayOf('2028-02')).toBe('2028-02-29');
    expect(lastDayOf('2026-10')).toBe('2026-10-31');
  });

  it('ranks by score with shared ranks for equal scores', () => {
    const cards = [
      { contractId: 'b', total: 95 },
      { contractId: 'a', total: 98 },
      { contractId: 'd', total: 95 },
      { contractId: 'c', total: 90.5 },
    ];
    expect(ranked(cards).map(({ rank, card }) => `${rank}:${card.contractId}`)).toEqual([
      '1:a',
      '2:b',
      '2:d',
      '4:c',
    ]);
    expect(ranked([])).toEqual([]);
  });

  it('moves dates across month and year ends, and names the months of a quarter', () => {
    expect(addDays('2026-10-28', 7)).toBe('2026-11-04');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(monthsOfQuarter('2026-Q4')).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(monthsOfQuarter('2027-Q1')).toEqual(['2027-01', '2027-02', '2027-03']);
  });
});
