import { CalendarError } from './errors.ts';
import { DAY_MS } from './iso-date.ts';

/**
 * Wall-clock time in the site's IANA time zone, with offsets read from Intl.DateTimeFormat.
 * China has kept UTC+8 without DST since 1991, but the zone is a parameter (a site may be
 * configured with another zone, and Xinjiang sites sometimes keep Asia/Urumqi, UTC+6), so
 * nothing here assumes a fixed offset.
 */
export class SiteZone {
  readonly timeZone: string;
  readonly #format: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    try {
      this.#format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (cause) {
      throw new CalendarError('invalid_time_zone', `unknown time zone ${JSON.stringify(timeZone)}`, {
        cause,
      });
    }
    this.timeZone = this.#format.resolvedOptions().timeZone;
  }

  /** Local wall-clock time minus UTC at this instant, in ms (east of Greenwich is positive). */
  offsetMs(instantMs: number): number {
    const fields: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
    for (const part of this.#format.formatToParts(instantMs)) fields[part.type] = Number(part.value);
    const wallMs = Date.UTC(
      fields.year ?? Number.NaN,
      (fields.month ?? Number.NaN) - 1,
      fields.day ?? Number.NaN,
      fields.hour ?? Number.NaN,
      fields.minute ?? Number.NaN,
      fields.second ?? Number.NaN,
    );
    // Intl shows whole seconds; compare with the instant truncated the same way.
    return wallMs - (instantMs - (((instantMs % 1000) + 1000) % 1000));
  }

  /**
   * The instant at which the site's clocks show `minuteOfDay` minutes after midnight of local day
   * `dayNumber` (days since 1970-01-01). Two offset reads settle DST changes: a wall time skipped
   * by a spring-forward moves forward by the jump, one repeated in autumn resolves to its second
   * occurrence. Office hours do not fall there in practice.
   */
  instantAt(dayNumber: number, minuteOfDay: number): number {
    const wallMs = dayNumber * DAY_MS + minuteOfDay * 60_000;
    const firstGuess = wallMs - this.offsetMs(wallMs);
    return wallMs - this.offsetMs(firstGuess);
  }
}
