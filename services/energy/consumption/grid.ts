import { dayNumberOf, isoDateOf } from '../../calendar/iso-date.ts';
import { SiteZone } from '../../calendar/site-zone.ts';
import { EnergyError } from '../errors.ts';

/** The interval lengths consumption is reported in (the monitoring guideline collects every 15 min). */
export const RESOLUTIONS = ['15m', '1h', '1d'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

const STEP_MS: Record<Exclude<Resolution, '1d'>, number> = { '15m': 15 * 60_000, '1h': 60 * 60_000 };

/** A local day at the site: `fromMs` its midnight, `toMs` the next one. */
export interface SiteDay {
  readonly date: string;
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * Interval boundaries in a site's zone. Days start at local midnight; 15-minute and hourly
 * intervals start on local wall-clock multiples, so a zone whose offset is not a whole hour
 * (none in China, but the zone is a parameter) still gets intervals on its own quarter hours.
 */
export class SiteGrid {
  readonly zone: SiteZone;

  constructor(timeZone: string) {
    this.zone = new SiteZone(timeZone);
  }

  /** The site's days from `fromDate` to `toDate`, both included. */
  days(fromDate: string, toDate: string): SiteDay[] {
    const first = dayNumberOf(fromDate);
    const last = dayNumberOf(toDate);
    if (last < first) throw new EnergyError('invalid_input', `${toDate} is before ${fromDate}`);
    const days: SiteDay[] = [];
    for (let day = first; day <= last; day++) {
      days.push({ date: isoDateOf(day), fromMs: this.midnight(day), toMs: this.midnight(day + 1) });
    }
    return days;
  }

  /** The site day an instant falls in. */
  dayOf(instantMs: number): SiteDay {
    const day = Math.floor((instantMs + this.zone.offsetMs(instantMs)) / 86_400_000);
    return { date: isoDateOf(day), fromMs: this.midnight(day), toMs: this.midnight(day + 1) };
  }

  midnight(dayNumber: number): number {
    return this.zone.instantAt(dayNumber, 0);
  }

  /**
   * Boundaries of the intervals of `resolution` that cover [fromMs, toMs): the first at or before
   * `fromMs`, the last at or after `toMs`.
   */
  boundaries(resolution: Resolution, fromMs: number, toMs: number): number[] {
    if (!(toMs > fromMs)) throw new EnergyError('invalid_input', 'the range must end after it starts');
    if (resolution === '1d') {
      const first = this.dayOf(fromMs);
      const result = [first.fromMs];
      let day = dayNumberOf(first.date);
      while ((result[result.length - 1] as number) < toMs) result.push(this.midnight(++day));
      return result;
    }
    const step = STEP_MS[resolution];
    const align = (ms: number): number => {
      const offset = this.zone.offsetMs(ms);
      return Math.floor((ms + offset) / step) * step - offset;
    };
    const result = [align(fromMs)];
    while ((result[result.length - 1] as number) < toMs) {
      const last = result[result.length - 1] as number;
      // Re-aligned each step, so an offset change (DST elsewhere) keeps wall-clock quarters.
      const next = align(last + step);
      result.push(next > last ? next : last + step);
    }
    return result;
  }
}
