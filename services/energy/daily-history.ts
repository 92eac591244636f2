import type { SiteModel } from '../../config/load/model.ts';
import { ChineseWorkingCalendar, type WorkingCalendar } from '../calendar/working-calendar.ts';
import type { BaselineDay } from './baseline/model.ts';
import { SiteGrid } from './consumption/grid.ts';
import type { MeterReadings } from './consumption/meter-readings.ts';
import type { MeterTerm } from './consumption/meter-tree.ts';
import { combineMeasured } from './consumption/virtual-meters.ts';
import { EnergyError } from './errors.ts';
import type { ReadingSource } from './store/readings.ts';
import { dailyMeanTemperatures, outdoorTemperaturePoint } from './weather/daily-temperature.ts';

/** A day's measured usage with its completeness, beside what a baseline fit reads. */
export interface HistoryDay extends BaselineDay {
  /** The measured part even when incomplete (null when nothing was measured). */
  readonly measured: number | null;
  readonly status: 'complete' | 'partial' | 'missing';
}

export interface DailyHistoryOptions {
  readonly model: SiteModel;
  readonly readings: MeterReadings;
  /** Where weather station readings come from (usually the same store). */
  readonly source: ReadingSource;
  /** The site's working calendar; default the Chinese calendar in the site's zone. */
  readonly calendarFor?: (siteId: string) => WorkingCalendar;
}

/**
 * Days as the baselines read them: the summed daily usage of a set of meters (only complete
 * days carry usage), the site's daily mean outdoor temperature from its weather station, and the
 * working-day flag of the Chinese working calendar (workday or 调休 adjusted working day).
 */
export class DailyHistory {
  readonly #options: DailyHistoryOptions;
  readonly #calendars = new Map<string, WorkingCalendar>();
  readonly #grids = new Map<string, SiteGrid>();

  constructor(options: DailyHistoryOptions) {
    this.#options = options;
  }

  grid(siteId: string): SiteGrid {
    let grid = this.#grids.get(siteId);
    if (!grid) {
      grid = new SiteGrid(this.#site(siteId).timezone);
      this.#grids.set(siteId, grid);
    }
    return grid;
  }

  calendar(siteId: string): WorkingCalendar {
    let calendar = this.#calendars.get(siteId);
    if (!calendar) {
      calendar =
        this.#options.calendarFor?.(siteId) ??
        new ChineseWorkingCalendar({ timeZone: this.#site(siteId).timezone });
      this.#calendars.set(siteId, calendar);
    }
    return calendar;
  }

  /** Daily mean temperatures of the site's weather station, by date. */
  async temperatures(
    siteId: string,
    fromDate: string,
    toDate: string,
    buildingCode?: string,
  ): Promise<Map<string, number | null>> {
    const days = this.grid(siteId).days(fromDate, toDate);
    const first = days[0];
    const last = days[days.length - 1];
    if (!first || !last) return new Map();
    const pointId = outdoorTemperaturePoint(this.#options.model, siteId, buildingCode);
    const samples =
      (await this.#options.source.samples([pointId], first.fromMs, last.toMs - 1)).get(pointId) ?? [];
    return new Map(dailyMeanTemperatures(samples, days).map((day) => [day.date, day.meanC]));
  }

  /** The days from `fromDate` to `toDate` (both included) of the summed meters. */
  async days(
    siteId: string,
    meters: readonly MeterTerm[],
    fromDate: string,
    toDate: string,
  ): Promise<HistoryDay[]> {
    const days = this.grid(siteId).days(fromDate, toDate);
    const [daily, temperatures] = await Promise.all([
      this.#options.readings.daily(
        meters.map((term) => term.meterId),
        days,
      ),
      this.temperatures(siteId, fromDate, toDate),
    ]);
    const calendar = this.calendar(siteId);
    return days.map((day, i) => {
      const figure = combineMeasured(
        meters.map((term) => {
          const meterDay = daily.get(term.meterId)?.[i];
          return {
            figure: meterDay ?? { value: null, status: 'missing' as const, coverage: 0 },
            sign: term.sign,
          };
        }),
      );
      return {
        date: day.date,
        usage: figure.status === 'complete' ? figure.value : null,
        measured: figure.value,
        status: figure.status,
        temperature: temperatures.get(day.date) ?? null,
        workingDay: calendar.isWorkingDay(day.date),
      };
    });
  }

  #site(siteId: string) {
    const site = this.#options.model.sites.find((candidate) => candidate.id === siteId);
    if (!site) throw new EnergyError('unknown_site', `no site ${siteId}`);
    return site;
  }
}
