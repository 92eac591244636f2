/**
 * Local civil time at the site. Occupancy and schedules follow the clock on the office wall, not
 * UTC, and the working calendar (Chinese holidays, 调休 adjusted working weekends) is a hook so the
 * platform's calendar can be plugged in without touching the simulation.
 */

/** Whether a local calendar day (`YYYY-MM-DD` at the site) is a working day. */
export type WorkingDayFn = (isoDate: string) => boolean;

/** The default calendar: Monday to Friday, no holidays. */
export const mondayToFriday: WorkingDayFn = (isoDate) => {
  const weekday = new Date(`${isoDate}T00:00:00Z`).getUTCDay();
  return weekday >= 1 && weekday <= 5;
};

export interface LocalTime {
  readonly isoDate: string;
  /** Fractional hour of the local day, 0 ≤ hour < 24. */
  readonly hour: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  /** 1 = 1 January. */
  readonly dayOfYear: number;
  readonly workingDay: boolean;
  /** Days since 1970-01-01 in local time: a stable index for per-day variation. */
  readonly dayNumber: number;
}

const OFFSET_BUCKET_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

export class SiteTime {
  readonly #format: Intl.DateTimeFormat;
  readonly #isWorkingDay: WorkingDayFn;
  readonly #offsets = new Map<number, number>();
  readonly #workingDays = new Map<string, boolean>();

  constructor(timeZone: string, isWorkingDay: WorkingDayFn = mondayToFriday) {
    this.#format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    this.#isWorkingDay = isWorkingDay;
  }

  at(ms: number): LocalTime {
    const local = new Date(ms + this.#offsetMs(ms));
    const isoDate = local.toISOString().slice(0, 10);
    const dayStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
    const yearStart = Date.UTC(local.getUTCFullYear(), 0, 1);
    return {
      isoDate,
      hour: (local.getTime() - dayStart) / 3_600_000,
      weekday: local.getUTCDay() === 0 ? 7 : local.getUTCDay(),
      dayOfYear: Math.round((dayStart - yearStart) / DAY_MS) + 1,
      workingDay: this.#workingDay(isoDate),
      dayNumber: Math.round(dayStart / DAY_MS),
    };
  }

  /** Formatting with Intl is slow; the offset only changes at DST transitions, so cache it per 15 min. */
  #offsetMs(ms: number): number {
    const bucket = Math.floor(ms / OFFSET_BUCKET_MS);
    const cached = this.#offsets.get(bucket);
    if (cached !== undefined) return cached;
    const parts = Object.fromEntries(this.#format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
    const asUtc = Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    );
    const offset = asUtc - Math.floor(ms / 1000) * 1000;
    if (this.#offsets.size > 4096) this.#offsets.clear();
    this.#offsets.set(bucket, offset);
    return offset;
  }

  #workingDay(isoDate: string): boolean {
    let working = this.#workingDays.get(isoDate);
    if (working === undefined) {
      working = this.#isWorkingDay(isoDate);
      if (this.#workingDays.size > 1024) this.#workingDays.clear();
      this.#workingDays.set(isoDate, working);
    }
    return working;
  }
}
