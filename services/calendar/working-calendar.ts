import { CalendarError } from './errors.ts';
import {
  type Coverage,
  chineseDaysDataset,
  type HolidayDataset,
  type LocalizedName,
} from './holiday-dataset.ts';
import { dayNumberOf, isoDateOf, isoWeekday, yearOf } from './iso-date.ts';
import { SiteZone } from './site-zone.ts';
import { compileWorkingHours, DEFAULT_WORKING_HOURS, type WorkingHours } from './working-hours.ts';
import { WorkingTimeline } from './working-timeline.ts';

/**
 * - `workday`: Monday–Friday, not a holiday;
 * - `weekend`: Saturday or Sunday, not moved by the State Council's notice;
 * - `holiday`: a public holiday, including weekend days inside a holiday block (放假调休);
 * - `adjusted_workday`: a weekend day worked to make up for a holiday block (调休上班).
 */
export type DayKind = 'workday' | 'weekend' | 'holiday' | 'adjusted_workday';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/**
 * The working calendar of one site. Dates are `YYYY-MM-DD` at the site; instants are ms since
 * 1970 (UTC). Pure: it never reads the clock, callers pass the time in.
 */
export interface WorkingCalendar {
  /** IANA zone the site's dates and working hours are in. */
  readonly timeZone: string;
  dayKind(isoDate: string): DayKind;
  /** `workday` or `adjusted_workday`. */
  isWorkingDay(isoDate: string): boolean;
  /** For a holiday its name; for an adjusted working day the holiday it makes up for; otherwise undefined. */
  holidayName(isoDate: string): LocalizedName | undefined;
  /** Whether the answer for this date comes from the holiday dataset rather than the Monday–Friday fallback. */
  covered(isoDate: string): boolean;
  /** The years the holiday dataset covers. */
  coverage(): Coverage;
  /** The site's date at an instant. */
  siteDate(instantMs: number): string;
  /** Within a working period of a working day; periods include their start and exclude their end. */
  isWorkingTime(instantMs: number): boolean;
  /** Working minutes in [fromMs, toMs), fractional below a minute; negative when toMs is before fromMs. */
  workingMinutesBetween(fromMs: number, toMs: number): number;
  /**
   * The earliest instant (whole ms) by which `minutes` (≥ 0) of working time have elapsed since
   * `fromMs`: a start outside working hours counts from the next period, and a deadline that falls
   * exactly at a period's end stays there. Zero minutes returns `fromMs`.
   */
  addWorkingMinutes(fromMs: number, minutes: number): number;
}

export interface ChineseWorkingCalendarOptions {
  /** Default Asia/Shanghai. */
  readonly timeZone?: string;
  /** Default DEFAULT_WORKING_HOURS (08:30–12:00, 13:30–17:30). */
  readonly workingHours?: WorkingHours;
  /** Default the installed chinese-days data; tests pass their own. */
  readonly dataset?: HolidayDataset;
}

const MINUTE_MS = 60_000;
const MAX_CACHED_DATES = 8192;

/**
 * Public holidays and 调休 from the chinese-days dataset; outside the years it covers, plain
 * Monday–Friday (reported by `covered`). Day kinds are cached per date.
 */
export class ChineseWorkingCalendar implements WorkingCalendar {
  readonly timeZone: string;
  readonly #dataset: HolidayDataset;
  readonly #kinds = new Map<string, DayKind>();
  readonly #timeline: WorkingTimeline;

  constructor(options: ChineseWorkingCalendarOptions = {}) {
    const zone = new SiteZone(options.timeZone ?? DEFAULT_TIME_ZONE);
    const ranges = compileWorkingHours(options.workingHours ?? DEFAULT_WORKING_HOURS);
    this.timeZone = zone.timeZone;
    this.#dataset = options.dataset ?? chineseDaysDataset;
    this.#timeline = new WorkingTimeline(zone, ranges, (dayNumber) => {
      const kind = this.dayKind(isoDateOf(dayNumber));
      return kind === 'workday' || kind === 'adjusted_workday';
    });
  }

  dayKind(isoDate: string): DayKind {
    const cached = this.#kinds.get(isoDate);
    if (cached) return cached;
    const dayNumber = dayNumberOf(isoDate);
    const listed = this.#dataset.days.get(isoDate)?.kind;
    const kind = listed ?? (isoWeekday(dayNumber) >= 6 ? 'weekend' : 'workday');
    if (this.#kinds.size >= MAX_CACHED_DATES) this.#kinds.clear();
    this.#kinds.set(isoDate, kind);
    return kind;
  }

  isWorkingDay(isoDate: string): boolean {
    const kind = this.dayKind(isoDate);
    return kind === 'workday' || kind === 'adjusted_workday';
  }

  holidayName(isoDate: string): LocalizedName | undefined {
    dayNumberOf(isoDate);
    return this.#dataset.days.get(isoDate)?.name;
  }

  covered(isoDate: string): boolean {
    dayNumberOf(isoDate);
    const year = yearOf(isoDate);
    const { firstYear, lastYear } = this.#dataset.coverage;
    return year >= firstYear && year <= lastYear;
  }

  coverage(): Coverage {
    return { ...this.#dataset.coverage };
  }

  siteDate(instantMs: number): string {
    return isoDateOf(this.#timeline.dayNumberAt(instantMs));
  }

  isWorkingTime(instantMs: number): boolean {
    return this.#timeline.isWorkingTime(instantMs);
  }

  workingMinutesBetween(fromMs: number, toMs: number): number {
    return this.#timeline.workingMsBetween(fromMs, toMs) / MINUTE_MS;
  }

  addWorkingMinutes(fromMs: number, minutes: number): number {
    if (!(Number.isFinite(minutes) && minutes >= 0)) {
      throw new CalendarError(
        'invalid_minutes',
        `working minutes must be a finite number ≥ 0, got ${minutes}`,
      );
    }
    return this.#timeline.addWorkingMs(fromMs, Math.round(minutes * MINUTE_MS));
  }
}
