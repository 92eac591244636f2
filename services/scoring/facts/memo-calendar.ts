import type { WorkingCalendar } from '../../calendar/working-calendar.ts';

const QUARTER_HOUR_MS = 900_000;

/**
 * A working calendar that remembers `siteDate` per UTC quarter-hour and `covered` per date.
 * Scoring asks the SLA status of every order of a month, and each working-hours target asks
 * both for its start and deadline (the `provisional` flag): tens of thousands of calls that land
 * on a few hundred distinct quarter-hours and a few dozen dates. Exact: a quarter-hour is only
 * remembered when its first and last millisecond fall on the same site date (any zone whose
 * offset is a multiple of 15 minutes, which is every zone in use today); otherwise every call
 * goes to the calendar. Everything else is the calendar's own answer.
 */
export function memoisedCalendar(calendar: WorkingCalendar): WorkingCalendar {
  const dates = new Map<number, string | null>();
  const covered = new Map<string, boolean>();
  return {
    timeZone: calendar.timeZone,
    dayKind: (isoDate) => calendar.dayKind(isoDate),
    isWorkingDay: (isoDate) => calendar.isWorkingDay(isoDate),
    holidayName: (isoDate) => calendar.holidayName(isoDate),
    coverage: () => calendar.coverage(),
    isWorkingTime: (instantMs) => calendar.isWorkingTime(instantMs),
    workingMinutesBetween: (fromMs, toMs) => calendar.workingMinutesBetween(fromMs, toMs),
    addWorkingMinutes: (fromMs, minutes) => calendar.addWorkingMinutes(fromMs, minutes),
    covered(isoDate) {
      let answer = covered.get(isoDate);
      if (answer === undefined) {
        answer = calendar.covered(isoDate);
        covered.set(isoDate, answer);
      }
      return answer;
    },
    siteDate(instantMs) {
      const bucket = Math.floor(instantMs / QUARTER_HOUR_MS);
      let date = dates.get(bucket);
      if (date === undefined) {
        const first = calendar.siteDate(bucket * QUARTER_HOUR_MS);
        date = first === calendar.siteDate((bucket + 1) * QUARTER_HOUR_MS - 1) ? first : null;
        dates.set(bucket, date);
      }
      return date ?? calendar.siteDate(instantMs);
    },
  };
}
