import { describe, expect, it } from 'vitest';
import { ChineseWorkingCalendar } from '../../calendar/working-calendar.ts';
import { SitePeriods } from './periods.ts';

/** An instant given as wall-clock time in China (UTC+8). */
const cst = (local: string): number => Date.parse(`${local}+08:00`);
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const SETTLE_MS = 5 * 60_000;

const periods = new SitePeriods(new ChineseWorkingCalendar());

describe('off-hours spans on the Chinese working calendar (default hours 08:30–12:00, 13:30–17:30)', () => {
  it('makes a working day night run to the next morning, and skips the lunch break', () => {
    expect(periods.offHoursSpan('2025-09-23')).toEqual({
      date: '2025-09-23',
      dayKind: 'workday',
      kind: 'night',
      fromMs: cst('2025-09-23T17:30:00'),
      toMs: cst('2025-09-24T08:30:00'),
    });
  });

  it('gives each day of the National Day holiday a whole-day span, and ends the last at the first working morning', () => {
    // 2025: 10-01 to 10-08 off; the evening before is a working day night that ends at midnight.
    expect(periods.offHoursSpan('2025-09-30')).toMatchObject({
      kind: 'night',
      fromMs: cst('2025-09-30T17:30:00'),
      toMs: cst('2025-10-01T00:00:00'),
    });
    expect(periods.offHoursSpan('2025-10-01')).toEqual({
      date: '2025-10-01',
      dayKind: 'holiday',
      kind: 'rest_day',
      fromMs: cst('2025-10-01T00:00:00'),
      toMs: cst('2025-10-02T00:00:00'),
    });
    expect(periods.offHoursSpan('2025-10-08')).toMatchObject({
      dayKind: 'holiday',
      fromMs: cst('2025-10-08T00:00:00'),
      toMs: cst('2025-10-09T08:30:00'),
    });
  });

  it('treats an adjusted working Sunday (2025-09-28, 调休) as a working day', () => {
    // The Saturday before is a rest day up to Sunday's first working period …
    expect(periods.offHoursSpan('2025-09-27')).toMatchObject({
      dayKind: 'weekend',
      kind: 'rest_day',
      fromMs: cst('2025-09-27T00:00:00'),
      toMs: cst('2025-09-28T08:30:00'),
    });
    // … and Sunday's working hours belong to no span; only its night does.
    expect(periods.offHoursSpan('2025-09-28')).toMatchObject({
      dayKind: 'adjusted_workday',
      kind: 'night',
      fromMs: cst('2025-09-28T17:30:00'),
      toMs: cst('2025-09-29T08:30:00'),
    });
  });

  it('splits a normal weekend into Friday night, Saturday and Sunday up to Monday morning', () => {
    expect(periods.offHoursSpan('2025-09-19')).toMatchObject({
      kind: 'night',
      fromMs: cst('2025-09-19T17:30:00'),
      toMs: cst('2025-09-20T00:00:00'),
    });
    expect(periods.offHoursSpan('2025-09-20')).toMatchObject({
      kind: 'rest_day',
      fromMs: cst('2025-09-20T00:00:00'),
      toMs: cst('2025-09-21T00:00:00'),
    });
    expect(periods.offHoursSpan('2025-09-21')).toMatchObject({
      kind: 'rest_day',
      fromMs: cst('2025-09-21T00:00:00'),
      toMs: cst('2025-09-22T08:30:00'),
    });
  });

  it('picks the newest span that has ended', () => {
    expect(periods.lastOffHoursSpanBefore(cst('2025-10-02T00:00:00')).date).toBe('2025-10-01');
    expect(periods.lastOffHoursSpanBefore(cst('2025-10-01T23:00:00')).date).toBe('2025-09-30');
    expect(periods.lastOffHoursSpanBefore(cst('2025-09-29T08:29:00')).date).toBe('2025-09-27');
    expect(periods.lastOffHoursSpanBefore(cst('2025-09-29T08:30:00')).date).toBe('2025-09-28');
  });

  it('follows other working hours and zones', () => {
    const urumqi = new SitePeriods(
      new ChineseWorkingCalendar({
        timeZone: 'Asia/Urumqi',
        workingHours: { periods: [{ from: '10:00', to: '19:30' }] },
      }),
    );
    const local = (text: string): number => Date.parse(`${text}+06:00`);
    expect(urumqi.offHoursSpan('2025-09-23')).toMatchObject({
      fromMs: local('2025-09-23T19:30:00'),
      toMs: local('2025-09-24T10:00:00'),
    });
  });
});

describe('evaluation windows', () => {
  it('ends daily windows at local midnight and hourly ones on the hour, once settled', () => {
    expect(periods.windowEnd(cst('2025-10-02T00:05:00'), DAY_MS, SETTLE_MS)).toBe(cst('2025-10-02T00:00:00'));
    expect(periods.windowEnd(cst('2025-10-02T00:04:59'), DAY_MS, SETTLE_MS)).toBe(cst('2025-10-01T00:00:00'));
    expect(periods.windowEnd(cst('2025-10-02T10:07:00'), HOUR_MS, SETTLE_MS)).toBe(
      cst('2025-10-02T10:00:00'),
    );
  });

  it('gives BullMQ the offset that runs each job settleMs after its window', () => {
    const now = cst('2025-10-02T10:07:00');
    const daily = periods.schedulerOffset(now, DAY_MS, SETTLE_MS);
    expect(daily).toBe(16 * HOUR_MS + SETTLE_MS); // 16:05 UTC is 00:05 in China
    expect(periods.schedulerOffset(now, HOUR_MS, SETTLE_MS)).toBe(SETTLE_MS);
    // BullMQ runs `every` jobs at multiples of `every` since 1970 plus the offset.
    const run = Math.floor(now / DAY_MS) * DAY_MS + daily;
    expect(periods.windowEnd(run, DAY_MS, SETTLE_MS)).toBe(run - SETTLE_MS);
    expect(periods.schedulerOffset(now, HOUR_MS, 8 * HOUR_MS)).toBe(HOUR_MS); // never 0
  });

  it('finds yesterday as a local day', () => {
    expect(periods.dayBefore(cst('2025-10-02T00:00:00'))).toEqual({
      date: '2025-10-01',
      fromMs: cst('2025-10-01T00:00:00'),
      toMs: cst('2025-10-02T00:00:00'),
    });
    expect(periods.dayBefore(cst('2025-10-02T23:59:59')).date).toBe('2025-10-01');
  });
});
