import type { SiteModel } from '../../config/load/model.ts';
import {
  ChineseWorkingCalendar,
  DEFAULT_TIME_ZONE,
  type WorkingCalendar,
} from '../calendar/working-calendar.ts';

/** The working calendar an order runs on: its building's site's. */
export type CalendarFor = (buildingCode: string) => WorkingCalendar;

/**
 * One Chinese working calendar per site time zone (holidays and 调休 from the calendar service),
 * looked up by building. A building the configuration no longer lists (retired, but its orders
 * remain) falls back to the organisation's first site, then to Asia/Shanghai: the orders stay
 * readable and their timers keep running.
 */
export class SiteCalendars {
  readonly #model: Pick<SiteModel, 'buildings' | 'sites'>;
  readonly #byZone = new Map<string, WorkingCalendar>();

  constructor(model: Pick<SiteModel, 'buildings' | 'sites'>) {
    this.#model = model;
  }

  readonly forBuilding: CalendarFor = (buildingCode) => this.forZone(this.zoneOf(buildingCode));

  zoneOf(buildingCode: string): string {
    const siteId = this.#model.buildings.get(buildingCode)?.siteId;
    const site = this.#model.sites.find((candidate) => candidate.id === siteId) ?? this.#model.sites[0];
    return site?.timezone ?? DEFAULT_TIME_ZONE;
  }

  forZone(timeZone: string): WorkingCalendar {
    let calendar = this.#byZone.get(timeZone);
    if (!calendar) {
      calendar = new ChineseWorkingCalendar({ timeZone });
      this.#byZone.set(timeZone, calendar);
    }
    return calendar;
  }
}
