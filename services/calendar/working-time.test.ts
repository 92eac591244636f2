import { describe, expect, it } from 'vitest';
import { ChineseWorkingCalendar } from './working-calendar.ts';

const calendar = new ChineseWorkingCalendar(); // Asia/Shanghai, 08:30–12:00 and 13:30–17:30

/** An instant written as Beijing wall-clock time; the expected values never go through the code under test. */
const beijing = (local: string): number => Date.parse(`${local}:00+08:00`);

// Dates checked against node_modules/chinese-days/dist/chinese-days.json; the 2025 and 2026
// holiday facts come from the State Council notices cited in working-calendar.test.ts.
describe('isWorkingTime at the boundaries', () => {
  it.each([
    ['2025-09-26T08:29', false],
    ['2025-09-26T08:30', true],
    ['2025-09-26T11:59', true],
    ['2025-09-26T12:00', false],
    ['2025-09-26T12:30', false],
    ['2025-09-26T13:29', false],
    ['2025-09-26T13:30', true],
    ['2025-09-26T17:29', true],
    ['2025-09-26T17:30', false],
    ['2025-09-27T10:00', false], // Saturday
    ['2025-09-28T10:00', true], // Sunday worked for National Day (调休)
    ['2025-10-01T10:00', false], // National Day
  ])('%s → %s', (local, working) => {
    expect(calendar.isWorkingTime(beijing(local))).toBe(working);
  });

  it('counts the last millisecond before 17:30 and not 17:30 itself', () => {
    expect(calendar.isWorkingTime(beijing('2025-09-26T17:30') - 1)).toBe(true);
  });

  it('reads the site date in the site zone, not UTC', () => {
    // 2025-09-27T23:30+08:00 is still the 27th in Beijing; at UTC it is 15:30 on the 27th, and
    // 2025-09-28T07:00+08:00 is the 28th in Beijing but 23:00 on the 27th in UTC.
    expect(calendar.siteDate(beijing('2025-09-27T23:30'))).toBe('2025-09-27');
    expect(calendar.siteDate(beijing('2025-09-28T07:00'))).toBe('2025-09-28');
    expect(calendar.siteDate(beijing('2025-09-28T00:00'))).toBe('2025-09-28');
    expect(calendar.siteDate(beijing('2025-09-28T00:00') - 1)).toBe('2025-09-27');
  });
});

describe('workingMinutesBetween', () => {
  it('Friday evening to Monday morning counts only the ends of the two working days', () => {
    // Fri 17:00–17:30 (30) + Mon 08:30–09:00 (30).
    expect(calendar.workingMinutesBetween(beijing('2025-09-12T17:00'), beijing('2025-09-15T09:00'))).toBe(60);
  });

  it('skips the whole National Day block', () => {
    // Tue 30 Sep 16:30–17:30 (60), 1–8 Oct off, Thu 9 Oct 08:30–09:30 (60).
    expect(calendar.workingMinutesBetween(beijing('2025-09-30T16:30'), beijing('2025-10-09T09:30'))).toBe(
      120,
    );
  });

  it('counts an adjusted working Sunday as a full day', () => {
    // Mon 22 – Fri 26 Sep: 5 × 450; Sat 27 off; Sun 28 worked: 450.
    expect(calendar.workingMinutesBetween(beijing('2025-09-22T00:00'), beijing('2025-09-29T00:00'))).toBe(
      6 * 450,
    );
    // Fri 26 17:00–17:30 (30) + Sun 28 in full (450).
    expect(calendar.workingMinutesBetween(beijing('2025-09-26T17:00'), beijing('2025-09-29T08:30'))).toBe(
      480,
    );
  });

  it('ignores the lunch break', () => {
    expect(calendar.workingMinutesBetween(beijing('2025-09-26T12:30'), beijing('2025-09-26T14:00'))).toBe(30);
    expect(calendar.workingMinutesBetween(beijing('2025-09-26T11:59'), beijing('2025-09-26T13:31'))).toBe(2);
    expect(calendar.workingMinutesBetween(beijing('2025-09-26T12:00'), beijing('2025-09-26T13:30'))).toBe(0);
  });

  it('is exact to the minute around period edges', () => {
    expect(calendar.workingMinutesBetween(beijing('2025-09-26T08:29'), beijing('2025-09-26T08:31'))).toBe(1);
    expect(calendar.workingMinutesBetween(beijing('2025-09-26T17:29'), beijing('2025-09-26T17:31'))).toBe(1);
    expect(calendar.workingMinutesBetween(beijing('2025-09-26T17:30'), beijing('2025-09-27T08:30'))).toBe(0);
  });

  it('keeps fractions of a minute and is antisymmetric', () => {
    const from = beijing('2025-09-26T09:00') + 30_000;
    expect(calendar.workingMinutesBetween(from, beijing('2025-09-26T09:05'))).toBe(4.5);
    expect(calendar.workingMinutesBetween(beijing('2025-09-15T09:00'), beijing('2025-09-12T17:00'))).toBe(
      -60,
    );
    expect(calendar.workingMinutesBetween(from, from)).toBe(0);
  });

  it('uses the Spring Festival 2026 schedule', () => {
    // Sat 14 Feb is worked (450), 15–23 Feb off, Tue 24 Feb 08:30–12:00 (210).
    expect(calendar.workingMinutesBetween(beijing('2026-02-14T00:00'), beijing('2026-02-24T12:00'))).toBe(
      660,
    );
  });
});

describe('addWorkingMinutes', () => {
  it('from Friday evening carries over the weekend', () => {
    expect(calendar.addWorkingMinutes(beijing('2025-09-12T17:00'), 60)).toBe(beijing('2025-09-15T09:00'));
  });

  it('from Friday evening lands on an adjusted working Sunday', () => {
    expect(calendar.addWorkingMinutes(beijing('2025-09-26T17:00'), 60)).toBe(beijing('2025-09-28T09:00'));
    // and on the adjusted working Saturday after the National Day block
    expect(calendar.addWorkingMinutes(beijing('2025-10-10T17:00'), 60)).toBe(beijing('2025-10-11T09:00'));
  });

  it('jumps a holiday block', () => {
    expect(calendar.addWorkingMinutes(beijing('2025-09-30T16:30'), 120)).toBe(beijing('2025-10-09T09:30'));
    // Spring Festival 2026: from the adjusted working Saturday to the Tuesday after the break.
    expect(calendar.addWorkingMinutes(beijing('2026-02-14T17:00'), 60)).toBe(beijing('2026-02-24T09:00'));
    // Starting during the break counts from the first working period after it.
    expect(calendar.addWorkingMinutes(beijing('2026-02-17T10:00'), 30)).toBe(beijing('2026-02-24T09:00'));
  });

  it('from lunch counts from 13:30', () => {
    expect(calendar.addWorkingMinutes(beijing('2025-09-26T12:30'), 30)).toBe(beijing('2025-09-26T14:00'));
    expect(calendar.addWorkingMinutes(beijing('2025-09-26T12:00'), 1)).toBe(beijing('2025-09-26T13:31'));
  });

  it('a deadline exactly at a period end stays there', () => {
    expect(calendar.addWorkingMinutes(beijing('2025-09-26T16:30'), 60)).toBe(beijing('2025-09-26T17:30'));
    expect(calendar.addWorkingMinutes(beijing('2025-09-26T11:59'), 1)).toBe(beijing('2025-09-26T12:00'));
    expect(calendar.addWorkingMinutes(beijing('2025-09-26T11:59'), 2)).toBe(beijing('2025-09-26T13:31'));
    // A full working day from its first minute ends at 17:30 the same day.
    expect(calendar.addWorkingMinutes(beijing('2025-09-15T08:30'), 450)).toBe(beijing('2025-09-15T17:30'));
  });

  it('from exactly 17:30 starts the next working morning', () => {
    expect(calendar.addWorkingMinutes(beijing('2025-09-12T17:30'), 1)).toBe(beijing('2025-09-15T08:31'));
    expect(calendar.addWorkingMinutes(beijing('2025-09-12T17:29'), 1)).toBe(beijing('2025-09-12T17:30'));
    expect(calendar.addWorkingMinutes(beijing('2025-09-12T17:29'), 2)).toBe(beijing('2025-09-15T08:31'));
  });

  it('zero minutes is the start itself, even outside working hours', () => {
    expect(calendar.addWorkingMinutes(beijing('2025-09-13T10:00'), 0)).toBe(beijing('2025-09-13T10:00'));
  });

  it('three working days (an SLA of 3 × 7.5 h) from a Thursday afternoon', () => {
    // Thu 25 Sep from 15:00: 150; Fri 26: 450; Sat 27 off; Sun 28 (调休): 450 → 1050 by Sunday 17:30.
    // The remaining 300 on Mon 29: 210 in the morning, 90 from 13:30 → 15:00.
    expect(calendar.addWorkingMinutes(beijing('2025-09-25T15:00'), 3 * 450)).toBe(
      beijing('2025-09-29T15:00'),
    );
  });

  it('refuses negative, infinite or NaN minutes and bad instants', () => {
    const from = beijing('2025-09-26T09:00');
    expect(() => calendar.addWorkingMinutes(from, -1)).toThrow(
      expect.objectContaining({ code: 'invalid_minutes' }),
    );
    expect(() => calendar.addWorkingMinutes(from, Number.POSITIVE_INFINITY)).toThrow(
      expect.objectContaining({ code: 'invalid_minutes' }),
    );
    expect(() => calendar.addWorkingMinutes(from, Number.NaN)).toThrow(
      expect.objectContaining({ code: 'invalid_minutes' }),
    );
    expect(() => calendar.addWorkingMinutes(Number.NaN, 1)).toThrow(
      expect.objectContaining({ code: 'invalid_instant' }),
    );
    expect(() => calendar.isWorkingTime(Number.POSITIVE_INFINITY)).toThrow(
      expect.objectContaining({ code: 'invalid_instant' }),
    );
    expect(() => calendar.workingMinutesBetween(from, Number.NaN)).toThrow(
      expect.objectContaining({ code: 'invalid_instant' }),
    );
  });
});

describe('outside the dataset', () => {
  it('works Monday to Friday', () => {
    // 2100-01-01 is a Friday: 17:00–17:30 (30), weekend, Monday 4 Jan 08:30–09:00 (30).
    const friday = Date.parse('2100-01-01T17:00:00+08:00');
    const monday = Date.parse('2100-01-04T09:00:00+08:00');
    expect(calendar.workingMinutesBetween(friday, monday)).toBe(60);
    expect(calendar.addWorkingMinutes(friday, 60)).toBe(monday);
  });
});

describe('other zones and hours', () => {
  it('Asia/Urumqi (UTC+6): 08:30 local is 02:30 UTC', () => {
    const urumqi = new ChineseWorkingCalendar({ timeZone: 'Asia/Urumqi' });
    expect(urumqi.isWorkingTime(Date.parse('2025-09-26T02:29:00Z'))).toBe(false);
    expect(urumqi.isWorkingTime(Date.parse('2025-09-26T02:30:00Z'))).toBe(true);
    // and the same instant is 10:30 in Beijing: working there too, but 17:30 Beijing is 15:30 in Urumqi.
    expect(urumqi.isWorkingTime(beijing('2025-09-26T17:30'))).toBe(true);
  });

  it('Europe/Berlin across the spring DST change: a working hour is still 60 minutes', () => {
    const berlin = new ChineseWorkingCalendar({ timeZone: 'Europe/Berlin' });
    // Fri 28 Mar 2025 17:00 CET = 16:00Z; Mon 31 Mar 09:00 CEST = 07:00Z (clocks went forward on Sun 30 Mar).
    const friday = Date.parse('2025-03-28T16:00:00Z');
    const monday = Date.parse('2025-03-31T07:00:00Z');
    expect(berlin.workingMinutesBetween(friday, monday)).toBe(60);
    expect(berlin.addWorkingMinutes(friday, 60)).toBe(monday);
    expect(berlin.isWorkingTime(Date.parse('2025-03-31T06:30:00Z'))).toBe(true); // 08:30 CEST
    expect(berlin.isWorkingTime(Date.parse('2025-03-31T06:29:00Z'))).toBe(false);
  });

  it('custom hours, including a period running to midnight', () => {
    const shifts = new ChineseWorkingCalendar({
      workingHours: { periods: [{ from: '20:00', to: '24:00' }] },
    });
    expect(shifts.isWorkingTime(beijing('2025-09-26T23:59'))).toBe(true);
    expect(shifts.isWorkingTime(beijing('2025-09-27T00:00'))).toBe(false); // Saturday
    // Fri 26 Sep 23:00 + 120: one hour on Friday, Saturday off, Sunday 28 (调休) 20:00–21:00.
    expect(shifts.addWorkingMinutes(beijing('2025-09-26T23:00'), 120)).toBe(beijing('2025-09-28T21:00'));
  });

  it('refuses an unknown zone and bad hours', () => {
    expect(() => new ChineseWorkingCalendar({ timeZone: 'Asia/Beijing' })).toThrow(
      expect.objectContaining({ code: 'invalid_time_zone' }),
    );
    expect(
      () => new ChineseWorkingCalendar({ workingHours: { periods: [{ from: '13:30', to: '12:00' }] } }),
    ).toThrow(expect.objectContaining({ code: 'invalid_working_hours' }));
  });
});
