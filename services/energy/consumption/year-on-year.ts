import { dayNumberOf, isoDateOf } from '../../calendar/iso-date.ts';
import type { Measured } from './virtual-meters.ts';

/** The same dates one year earlier; 29 February becomes the 28th. */
export function sameDateLastYear(isoDate: string): string {
  dayNumberOf(isoDate); // validates
  const year = Number(isoDate.slice(0, 4)) - 1;
  const monthDay = isoDate.slice(5);
  const candidate = `${String(year).padStart(4, '0')}-${monthDay}`;
  try {
    return isoDateOf(dayNumberOf(candidate));
  } catch {
    return `${String(year).padStart(4, '0')}-02-28`;
  }
}

export interface YearOnYear {
  readonly current: Measured;
  readonly previous: Measured;
  /** current − previous; null unless both are complete. */
  readonly change: number | null;
  /** (current − previous) / previous; negative is a saving. Null unless both complete and previous > 0. */
  readonly changeFraction: number | null;
  /** Both periods complete: the figures compare like with like. */
  readonly comparable: boolean;
}

/**
 * Year-on-year change of one figure (同比). A naive comparison: weather, calendar and occupancy
 * differ between the years, which is why contract savings use baselines (../baseline) instead.
 * Only complete periods are compared: a partial year against a full one would show a saving that
 * is missing data.
 */
export function yearOnYear(current: Measured, previous: Measured): YearOnYear {
  const comparable =
    current.status === 'complete' &&
    previous.status === 'complete' &&
    current.value !== null &&
    previous.value !== null;
  if (!comparable) return { current, previous, change: null, changeFraction: null, comparable };
  const change = (current.value as number) - (previous.value as number);
  return {
    current,
    previous,
    change,
    changeFraction: (previous.value as number) > 0 ? change / (previous.value as number) : null,
    comparable,
  };
}

/** Days between two dates, both included: the length of a period, to check last year's matches. */
export function daysInclusive(fromDate: string, toDate: string): number {
  return dayNumberOf(toDate) - dayNumberOf(fromDate) + 1;
}
