import { dayNumberOf, isoDateOf } from '../../calendar/iso-date.ts';
import { SiteZone } from '../../calendar/site-zone.ts';
import type { DayKind, WorkingCalendar } from '../../calendar/working-calendar.ts';

/** An interval of time: `fromMs` inclusive, `toMs` exclusive. */
export interface Period {
  readonly fromMs: number;
  readonly toMs: number;
}

/** A local day at the site. */
export interface SiteDay extends Period {
  readonly date: string;
}

/**
 * One stretch of off-hours time, the unit `after_hours_consumption`'s `limitKwh` applies to:
 *
 * - `night`: after the last working period of a working day (`workday` or 调休 `adjusted_workday`)
 *   until the first working period of the next day when that is a working day, else until the
 *   next local midnight;
 * - `rest_day`: a whole `weekend` or `holiday` day from local midnight, until the first working
 *   period of the next day when that is a working day, else until the next local midnight.
 *
 * So the early morning before work belongs to the span of the evening before it, a weekend is a
 * Friday night and one span per rest day, and each day of a holiday block is a span of its own.
 * The break between two working periods of a working day (lunch) is in no span: the building
 * is occupied then.
 */
export interface OffHoursSpan extends SiteDay {
  /** The kind of `date`: the working day whose night it is, or the rest day. */
  readonly dayKind: DayKind;
  readonly kind: 'night' | 'rest_day';
}

/** Days to look back for a non-empty span; far more than any working hours can leave empty. */
const MAX_LOOKBACK_DAYS = 14;

/**
 * The periods the scheduled checks look at, in a site's zone and working calendar: evaluation
 * windows, off-hours spans and site days. Pure: it takes every instant from its caller. The
 * working periods come from the calendar's own arithmetic (`addWorkingMinutes`,
 * `workingMinutesBetween`), so they are exactly the calendar's, holidays and 调休 included.
 */
export class SitePeriods {
  readonly #calendar: WorkingCalendar;
  readonly #zone: SiteZone;

  constructor(calendar: WorkingCalendar) {
    this.#calendar = calendar;
    this.#zone = new SiteZone(calendar.timeZone);
  }

  /**
   * The end of the newest evaluation window that has settled at `nowMs`. Windows are `everyMs`
   * long and end on multiples of `everyMs` in the site's local time (a daily window ends at local
   * midnight, an hourly one on the hour), and a window counts as settled `settleMs` after its
   * end, so that readings still on their way through the gateway's spool have arrived.
   */
  windowEnd(nowMs: number, everyMs: number, settleMs: number): number {
    const reference = nowMs - settleMs;
    const offsetMs = this.#zone.offsetMs(reference);
    return Math.floor((reference + offsetMs) / everyMs) * everyMs - offsetMs;
  }

  /**
   * BullMQ's `offset` for an `every` scheduler whose jobs should run `settleMs` after each
   * window end: `every` schedulers run at multiples of `every` since 1970 (UTC) plus the offset.
   * Never 0, which BullMQ would read as "start now, unaligned".
   */
  schedulerOffset(nowMs: number, everyMs: number, settleMs: number): number {
    const offsetMs = this.#zone.offsetMs(nowMs);
    const phase = (((settleMs - offsetMs) % everyMs) + everyMs) % everyMs;
    return phase === 0 ? everyMs : phase;
  }

  /** The local day of a site date. */
  day(isoDate: string): SiteDay {
    const day = dayNumberOf(isoDate);
    return { date: isoDate, fromMs: this.#midnight(day), toMs: this.#midnight(day + 1) };
  }

  /** The newest whole site day that ended at or before `instantMs` ("yesterday" at `instantMs`). */
  dayBefore(instantMs: number): SiteDay {
    return this.day(isoDateOf(dayNumberOf(this.#calendar.siteDate(instantMs)) - 1));
  }

  /** The off-hours span of a site date (see `OffHoursSpan`); it may be empty (`fromMs >= toMs`). */
  offHoursSpan(isoDate: string): OffHoursSpan {
    const day = dayNumberOf(isoDate);
    const next = isoDateOf(day + 1);
    const dayKind = this.#calendar.dayKind(isoDate);
    const working = this.#calendar.isWorkingDay(isoDate);
    const fromMs = working ? this.#lastWorkEnd(day) : this.#midnight(day);
    const toMs = this.#calendar.isWorkingDay(next) ? this.#firstWorkStart(day + 1) : this.#midnight(day + 1);
    return { date: isoDate, dayKind, kind: working ? 'night' : 'rest_day', fromMs, toMs };
  }

  /** The newest non-empty off-hours span that ended at or before `instantMs`. */
  lastOffHoursSpanBefore(instantMs: number): OffHoursSpan {
    const today = dayNumberOf(this.#calendar.siteDate(instantMs));
    // A date's span ends on the next day, so yesterday's is the newest that can be over.
    for (let day = today - 1; day >= today - 1 - MAX_LOOKBACK_DAYS; day--) {
      const span = this.offHoursSpan(isoDateOf(day));
      if (span.toMs <= instantMs && span.fromMs < span.toMs) return span;
    }
    throw new RangeError(`no off-hours span in the ${MAX_LOOKBACK_DAYS} days before ${instantMs}`);
  }

  /** Local midnight starting a site day (days since 1970-01-01). */
  #midnight(day: number): number {
    return this.#zone.instantAt(day, 0);
  }

  /** The first working instant of a working day (its first period's start). */
  #firstWorkStart(day: number): number {
    // One millisecond of working time from midnight is used up 1 ms after the first period starts.
    return this.#calendar.addWorkingMinutes(this.#midnight(day), 1 / 60_000) - 1;
  }

  /** The end of a working day's last period: the day's working time, added from midnight. */
  #lastWorkEnd(day: number): number {
    const start = this.#midnight(day);
    const minutes = this.#calendar.workingMinutesBetween(start, this.#midnight(day + 1));
    // A deadline that lands exactly on a period's end stays there, as the calendar promises.
    return minutes > 0 ? this.#calendar.addWorkingMinutes(start, minutes) : start;
  }
}
