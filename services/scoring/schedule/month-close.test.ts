import { describe, expect, it } from 'vitest';
import { SiteZone } from '../../calendar/site-zone.ts';
import { endedMonths, monthBefore } from './month-close.ts';

describe('the month a scheduled close closes', () => {
  const shanghai = new SiteZone('Asia/Shanghai');

  it('is the month before the one it runs in, at the site', () => {
    // 1 December 2026 08:00 in Shanghai.
    expect(monthBefore(Date.UTC(2026, 11, 1, 0), shanghai)).toBe('2026-11');
    // 1 January 2027 08:00: the year before's December.
    expect(monthBefore(Date.UTC(2027, 0, 1, 0), shanghai)).toBe('2026-12');
  });

  it('counts the month in the site’s zone, not in UTC', () => {
    // 30 November 16:30 UTC is already 1 December 00:30 in Shanghai, still November in London.
    const instant = Date.UTC(2026, 10, 30, 16, 30);
    expect(monthBefore(instant, shanghai)).toBe('2026-11');
    expect(monthBefore(instant, new SiteZone('Europe/London'))).toBe('2026-10');
  });

  it('looks back over the ended months oldest first, across a year boundary', () => {
    // 15 February 2027 in Shanghai: January is the last ended month.
    const instant = Date.UTC(2027, 1, 15, 2);
    expect(endedMonths(instant, shanghai, 3)).toEqual(['2026-11', '2026-12', '2027-01']);
    expect(endedMonths(instant, shanghai, 1)).toEqual(['2027-01']);
    expect(endedMonths(instant, shanghai, 0)).toEqual(['2027-01']);
  });
});
