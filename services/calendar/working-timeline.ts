import { CalendarError } from './errors.ts';
import { DAY_MS } from './iso-date.ts';
import type { SiteZone } from './site-zone.ts';
import type { MinuteRange } from './working-hours.ts';

/** One local day at the site with its working periods as instants. */
interface DaySchedule {
  readonly dayNumber: number;
  /** Local midnight, inclusive. */
  readonly startMs: number;
  /** Next local midnight, exclusive. */
  readonly endMs: number;
  /** Working periods as instants, flattened: start0, end0, start1, end1, … (starts inclusive, ends exclusive). */
  readonly periods: readonly number[];
  readonly workingMs: number;
}

/** Instants the arithmetic accepts: years 1000–9999, wide enough for any date a caller means. */
const MIN_INSTANT_MS = Date.UTC(1000, 0, 2);
const MAX_INSTANT_MS = Date.UTC(9999, 11, 30);
/** Bounds memory to a few MB; 16 384 days is 45 years of SLA and baseline look-ups. */
const MAX_CACHED_DAYS = 16_384;

/**
 * Working time at one site: the days the calendar says are working days, the configured periods
 * on each, laid out as instants in the site's zone. All arithmetic runs in whole milliseconds on
 * cached per-day schedules, so the hot paths are a map look-up and a few comparisons.
 */
export class WorkingTimeline {
  readonly #zone: SiteZone;
  readonly #ranges: readonly MinuteRange[];
  readonly #isWorkingDay: (dayNumber: number) => boolean;
  readonly #days = new Map<number, DaySchedule>();
  /** Offset of the last day looked up, to guess the local day of the next instant. */
  #offsetGuessMs = 0;

  constructor(zone: SiteZone, ranges: readonly MinuteRange[], isWorkingDay: (dayNumber: number) => boolean) {
    this.#zone = zone;
    this.#ranges = ranges;
    this.#isWorkingDay = isWorkingDay;
  }

  /** Local day number (days since 1970-01-01 at the site) of an instant. */
  dayNumberAt(instantMs: number): number {
    return this.#dayAt(checkInstant(instantMs)).dayNumber;
  }

  isWorkingTime(instantMs: number): boolean {
    const day = this.#dayAt(checkInstant(instantMs));
    const { periods } = day;
    for (let i = 0; i < periods.length; i += 2) {
      if ((periods[i] ?? 0) <= instantMs && instantMs < (periods[i + 1] ?? 0)) return true;
    }
    return false;
  }

  /** Working milliseconds in [fromMs, toMs); negative when toMs is before fromMs. */
  workingMsBetween(fromMs: number, toMs: number): number {
    checkInstant(fromMs);
    checkInstant(toMs);
    if (toMs < fromMs) return 0 - this.workingMsBetween(toMs, fromMs); // 0 - 0 is +0, unlike -0
    let total = 0;
    let day = this.#dayAt(fromMs);
    for (;;) {
      if (fromMs <= day.startMs && day.endMs <= toMs) {
        total += day.workingMs;
      } else {
        const { periods } = day;
        for (let i = 0; i < periods.length; i += 2) {
          const overlap = Math.min(periods[i + 1] ?? 0, toMs) - Math.max(periods[i] ?? 0, fromMs);
          if (overlap > 0) total += overlap;
        }
      }
      if (day.endMs >= toMs) return total;
      day = this.#schedule(day.dayNumber + 1);
    }
  }

  /**
   * The earliest instant at which `amountMs` of working time has elapsed since `fromMs`: time
   * outside the periods does not count, so a start outside working hours counts from the next
   * period, and an amount used up exactly at a period's end returns that end (not the next start).
   */
  addWorkingMs(fromMs: number, amountMs: number): number {
    checkInstant(fromMs);
    if (amountMs === 0) return fromMs;
    let remaining = amountMs;
    let day = this.#dayAt(fromMs);
    for (;;) {
      if (fromMs <= day.startMs && remaining > day.workingMs) {
        remaining -= day.workingMs;
      } else {
        const { periods } = day;
        for (let i = 0; i < periods.length; i += 2) {
          const start = Math.max(periods[i] ?? 0, fromMs);
          const available = (periods[i + 1] ?? 0) - start;
          if (available <= 0) continue;
          if (remaining <= available) return start + remaining;
          remaining -= available;
        }
      }
      if (day.endMs > MAX_INSTANT_MS) {
        throw new CalendarError(
          'out_of_range',
          `adding ${amountMs} ms of working time goes past the year 9999`,
        );
      }
      day = this.#schedule(day.dayNumber + 1);
    }
  }

  #dayAt(instantMs: number): DaySchedule {
    let day = this.#schedule(Math.floor((instantMs + this.#offsetGuessMs) / DAY_MS));
    while (instantMs < day.startMs) day = this.#schedule(day.dayNumber - 1);
    while (instantMs >= day.endMs) day = this.#schedule(day.dayNumber + 1);
    this.#offsetGuessMs = day.dayNumber * DAY_MS - day.startMs;
    return day;
  }

  #schedule(dayNumber: number): DaySchedule {
    const cached = this.#days.get(dayNumber);
    if (cached) return cached;
    const day = this.#build(dayNumber);
    if (this.#days.size >= MAX_CACHED_DAYS) this.#days.clear();
    this.#days.set(dayNumber, day);
    return day;
  }

  #build(dayNumber: number): DaySchedule {
    // Neighbours share a midnight: reuse it when cached, it saves an Intl call per day on long spans.
    const startMs = this.#days.get(dayNumber - 1)?.endMs ?? this.#zone.instantAt(dayNumber, 0);
    const endMs = this.#days.get(dayNumber + 1)?.startMs ?? this.#zone.instantAt(dayNumber + 1, 0);
    const periods: number[] = [];
    let workingMs = 0;
    if (this.#isWorkingDay(dayNumber)) {
      // Without a change of offset between the two midnights (no DST day, so always in China),
      // every wall-clock minute is one real minute after midnight: no need to ask Intl again.
      const steady = endMs - startMs === DAY_MS;
      const instantOf = (minute: number): number =>
        steady
          ? startMs + minute * 60_000
          : Math.min(Math.max(this.#zone.instantAt(dayNumber, minute), startMs), endMs);
      for (const range of this.#ranges) {
        const from = instantOf(range.from);
        const to = instantOf(range.to);
        if (to <= from) continue;
        periods.push(from, to);
        workingMs += to - from;
      }
    }
    return { dayNumber, startMs, endMs, periods, workingMs };
  }
}

function checkInstant(instantMs: number): number {
  if (!(instantMs >= MIN_INSTANT_MS && instantMs <= MAX_INSTANT_MS)) {
    throw new CalendarError(
      'invalid_instant',
      `instant must be ms since 1970 between the years 1000 and 9999, got ${instantMs}`,
    );
  }
  return instantMs;
}
