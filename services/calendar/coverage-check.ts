import { CalendarError } from './errors.ts';
import { type Coverage, chineseDaysDataset } from './holiday-dataset.ts';
import { dayNumberOf, yearOf } from './iso-date.ts';

export interface CoverageCheckOptions {
  /** Defaults to the installed chinese-days dataset. */
  readonly coverage?: Coverage;
  /**
   * `MM-DD` from which next year's schedule is expected to be in the dataset. The State Council
   * publishes it between late October and mid-December, usually in November (notices dated
   * 2021-10-25 for 2022, 2022-12-08 for 2023, 2023-10-25 for 2024, 2024-11 for 2025, 2025-11 for
   * 2026, per the URLs in chinese-days' src/holidays/generate.ts) and chinese-days follows within
   * days; before that a missing next year is normal, not stale.
   */
  readonly nextYearDueFrom?: string;
}

const DEFAULT_NEXT_YEAR_DUE_FROM = '12-01';

/**
 * A warning when the holiday dataset is stale for `today` (the site's date, passed in by the
 * caller): today's year is not covered, or next year's is not covered and it is due. Undefined
 * when all is well. Meant for start-up and a daily check, logged and shown on /health.
 */
export function checkCoverage(today: string, options: CoverageCheckOptions = {}): string | undefined {
  dayNumberOf(today);
  const dueFrom = options.nextYearDueFrom ?? DEFAULT_NEXT_YEAR_DUE_FROM;
  if (!/^\d{2}-\d{2}$/.test(dueFrom) || !isCalendarMonthDay(dueFrom)) {
    throw new CalendarError('invalid_date', `nextYearDueFrom must be MM-DD, got ${JSON.stringify(dueFrom)}`);
  }
  const { firstYear, lastYear } = options.coverage ?? chineseDaysDataset.coverage;
  const year = yearOf(today);
  const span = `the holiday dataset (npm package chinese-days) covers ${firstYear}–${lastYear}`;
  if (year < firstYear || year > lastYear) {
    return (
      `working calendar: ${span}, not ${year}: dates in ${year} fall back to Monday–Friday without ` +
      `public holidays or 调休 working weekends. Update chinese-days to a version with ${year}.`
    );
  }
  if (lastYear < year + 1 && today.slice(5) >= dueFrom) {
    return (
      `working calendar: ${span}, not yet ${year + 1}: the State Council usually publishes next year's ` +
      `holiday schedule in November. Update chinese-days to a version with ${year + 1}; until then dates ` +
      `in ${year + 1} (SLA deadlines, baselines) fall back to Monday–Friday.`
    );
  }
  return undefined;
}

function isCalendarMonthDay(monthDay: string): boolean {
  try {
    dayNumberOf(`2000-${monthDay}`); // a leap year, so 02-29 is allowed
    return true;
  } catch {
    return false;
  }
}
