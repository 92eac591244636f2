import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChineseWorkingCalendar } from './working-calendar.ts';

// From 2003 (before the dataset) to 2028 (after it), so the fallback years are exercised too.
const instant = fc.integer({ min: Date.UTC(2003, 0, 1), max: Date.UTC(2028, 11, 31) });
/** Up to ~ten working weeks, in whole minutes. */
const minutes = fc.integer({ min: 0, max: 25_000 });

const calendars = [
  new ChineseWorkingCalendar(),
  // A zone with DST, and hours that touch midnight, so the day edges are exercised.
  new ChineseWorkingCalendar({
    timeZone: 'Europe/Berlin',
    workingHours: {
      periods: [
        { from: '00:00', to: '01:00' },
        { from: '07:00', to: '12:00' },
        { from: '22:30', to: '24:00' },
      ],
    },
  }),
];

describe.each(calendars.map((calendar) => [calendar.timeZone, calendar] as const))(
  'working time in %s',
  (_, calendar) => {
    it('workingMinutesBetween(a, addWorkingMinutes(a, m)) === m', () => {
      fc.assert(
        fc.property(instant, minutes, (a, m) => {
          expect(calendar.workingMinutesBetween(a, calendar.addWorkingMinutes(a, m))).toBe(m);
        }),
        { numRuns: 500 },
      );
    });

    it('the deadline is the earliest such instant: one ms earlier, less has elapsed', () => {
      fc.assert(
        fc.property(instant, fc.integer({ min: 1, max: 25_000 }), (a, m) => {
          const deadline = calendar.addWorkingMinutes(a, m);
          expect(calendar.workingMinutesBetween(a, deadline - 1)).toBeLessThan(m);
          // Work ends the moment before the deadline, so the deadline is never a period start.
          expect(calendar.isWorkingTime(deadline - 1)).toBe(true);
        }),
        { numRuns: 300 },
      );
    });

    it('working time adds up over consecutive intervals and is antisymmetric', () => {
      const gap = fc.integer({ min: 0, max: 90 * 86_400_000 });
      fc.assert(
        fc.property(instant, gap, gap, (a, ab, bc) => {
          const b = a + ab;
          const c = b + bc;
          const first = calendar.workingMinutesBetween(a, b);
          const second = calendar.workingMinutesBetween(b, c);
          expect(first).toBeGreaterThanOrEqual(0);
          // Whole ms below a minute: compare in ms so float rounding of the fractions cannot hide a gap.
          expect(Math.round(first * 60_000) + Math.round(second * 60_000)).toBe(
            Math.round(calendar.workingMinutesBetween(a, c) * 60_000),
          );
          expect(calendar.workingMinutesBetween(b, a)).toBe(first === 0 ? 0 : -first);
        }),
        { numRuns: 300 },
      );
    });

    it('one working minute more never yields an earlier deadline', () => {
      fc.assert(
        fc.property(instant, minutes, (a, m) => {
          expect(calendar.addWorkingMinutes(a, m + 1)).toBeGreaterThan(calendar.addWorkingMinutes(a, m));
        }),
        { numRuns: 300 },
      );
    });
  },
);
