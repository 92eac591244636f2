import { describe, expect, it } from 'vitest';
import { dayNumberOf, isoDateOf, isoWeekday } from './iso-date.ts';
import { SiteZone } from './site-zone.ts';

describe('SiteZone', () => {
  it('reads offsets from the zone database, not a constant', () => {
    expect(new SiteZone('Asia/Shanghai').offsetMs(Date.parse('2025-07-01T00:00:00Z'))).toBe(8 * 3_600_000);
    expect(new SiteZone('Asia/Urumqi').offsetMs(Date.parse('2025-07-01T00:00:00Z'))).toBe(6 * 3_600_000);
    const berlin = new SiteZone('Europe/Berlin');
    expect(berlin.offsetMs(Date.parse('2025-01-15T12:00:00Z'))).toBe(3_600_000);
    expect(berlin.offsetMs(Date.parse('2025-07-15T12:00:00Z'))).toBe(2 * 3_600_000);
    // China observed DST from 1986 to 1991: 1988-07-01 was UTC+9 in Asia/Shanghai.
    expect(new SiteZone('Asia/Shanghai').offsetMs(Date.parse('1988-07-01T00:00:00Z'))).toBe(9 * 3_600_000);
  });

  it('turns a local day and minute into an instant', () => {
    const shanghai = new SiteZone('Asia/Shanghai');
    expect(shanghai.instantAt(dayNumberOf('2025-10-01'), 8 * 60 + 30)).toBe(
      Date.parse('2025-10-01T08:30:00+08:00'),
    );
    expect(shanghai.instantAt(dayNumberOf('2025-10-01'), 24 * 60)).toBe(
      Date.parse('2025-10-02T00:00:00+08:00'),
    );
  });

  it('resolves wall times a DST change skips or repeats', () => {
    const berlin = new SiteZone('Europe/Berlin');
    // 2025-03-30 02:30 did not exist in Berlin: moved forward by the jump, to 03:30 CEST.
    expect(berlin.instantAt(dayNumberOf('2025-03-30'), 150)).toBe(Date.parse('2025-03-30T03:30:00+02:00'));
    // 2025-10-26 02:30 happened twice: the second time, in CET.
    expect(berlin.instantAt(dayNumberOf('2025-10-26'), 150)).toBe(Date.parse('2025-10-26T02:30:00+01:00'));
  });

  it('refuses an unknown zone', () => {
    expect(() => new SiteZone('Mars/Olympus_Mons')).toThrow(
      expect.objectContaining({ code: 'invalid_time_zone' }),
    );
  });
});

describe('iso dates', () => {
  it('numbers days from 1970-01-01 and knows their weekday', () => {
    expect(dayNumberOf('1970-01-01')).toBe(0);
    expect(isoDateOf(dayNumberOf('2025-10-01'))).toBe('2025-10-01');
    expect(isoWeekday(dayNumberOf('1970-01-01'))).toBe(4); // Thursday
    expect(isoWeekday(dayNumberOf('2025-09-28'))).toBe(7); // Sunday
    expect(isoWeekday(dayNumberOf('1969-12-29'))).toBe(1); // Monday, before day 0
  });
});
