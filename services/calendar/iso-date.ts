import { CalendarError } from './errors.ts';

/**
 * Calendar dates as day numbers (days since 1970-01-01). A date at the site is a label on the
 * office wall, not an instant, so the arithmetic runs on UTC fields and never on local time.
 */

export const DAY_MS = 86_400_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` → day number; anything else (including 2025-02-30) is an `invalid_date`. */
export function dayNumberOf(isoDate: string): number {
  const match = ISO_DATE.exec(isoDate);
  if (match) {
    const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    // Date.UTC rolls 02-30 over into March and maps years 0–99 to 1900–1999: a round trip catches both.
    if (Number.isFinite(ms) && isoDateOf(ms / DAY_MS) === isoDate) return ms / DAY_MS;
  }
  throw new CalendarError(
    'invalid_date',
    `not a calendar date in YYYY-MM-DD form: ${JSON.stringify(isoDate)}`,
  );
}

export function isoDateOf(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(dayNumber: number): number {
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

/** Year of a date already validated by `dayNumberOf`. */
export function yearOf(isoDate: string): number {
  return Number(isoDate.slice(0, 4));
}
