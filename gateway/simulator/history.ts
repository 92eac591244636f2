import type { SiteModel } from '../../config/load/model.ts';
import { dayNumberOf } from '../../services/calendar/iso-date.ts';
import { SiteZone } from '../../services/calendar/site-zone.ts';
import { energyContract, MeterTree } from '../../services/energy/index.ts';
import { outdoorTemperaturePoint } from '../../services/energy/weather/daily-temperature.ts';
import type { Clock } from '../../services/runtime/clock.ts';
import type { Component } from '../../services/runtime/component.ts';
import type { Logger } from '../../services/runtime/logger.ts';
import { PointIndex } from '../ingest/point-index.ts';
import type { Reading } from '../ingest/reading.ts';
import type { ReadingSink } from '../store/tsdb-writer.ts';
import { hvacScheduled, occupancyShare } from './occupancy.ts';
import { SiteTime, type WorkingDayFn } from './site-time.ts';
import { weatherAt } from './weather.ts';

const HOUR_MS = 3_600_000;
const BATCH = 5_000;

/** Share of the load the energy performance contract's retrofit removes from its term start. */
export const RETROFIT_SAVING = { base: 0.08, hvac: 0.2 } as const;

export interface DemoHistoryOptions {
  readonly model: SiteModel;
  /** Where the readings go: the gateway's own line writer to the time-series store. */
  readonly sink: ReadingSink;
  /** Whether the store already holds a reading of a point in [fromMs, toMs]. */
  readonly hasReadings: (pointId: string, fromMs: number, toMs: number) => Promise<boolean>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly seed: number;
  readonly isWorkingDay: WorkingDayFn;
}

/**
 * Demo only: the simulated building's past, so the energy pages have a baseline year to show.
 * Writes hourly register readings of every energy contract's meters, and the site's outdoor
 * temperature, from the earliest baseline start to an hour ago — once (it does nothing when the
 * store already holds the first days). The model is simple and stated here: per building, a base
 * load and an occupancy load proportional to floor area, plus HVAC in office hours driven by the
 * simulator's own weather (degrees above 24 °C and below 14 °C); from the contract's term start the
 * retrofit removes `RETROFIT_SAVING` of them. The live simulator's registers start elsewhere, so
 * the hour it takes over shows as a meter change (unknown energy), as a real meter swap would.
 */
export class DemoHistory implements Component {
  readonly name = 'demo-history';
  readonly #options: DemoHistoryOptions;
  #running: Promise<void> | undefined;
  #stopping = false;
  /** Readings written by the last backfill (0 when the store already had the history). */
  written = 0;

  constructor(options: DemoHistoryOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    // In the background: the demo is usable at once, the energy pages fill in a few seconds later.
    this.#running = this.#backfill().catch((error: unknown) => {
      this.#options.logger.warn({ err: error }, 'could not write the demo history');
    });
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#running;
  }

  /** Resolves once the backfill started by `start()` is over (written, skipped or failed). */
  finished(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  async #backfill(): Promise<void> {
    const { model, clock, logger } = this.#options;
    const tree = new MeterTree(model);
    const contracts = [...model.contracts.values()]
      .filter((contract) => contract.energy !== undefined)
      .map((contract) => energyContract(model, tree, contract.id));
    const site = model.sites[0];
    if (contracts.length === 0 || !site) return;
    const temperaturePoint = outdoorTemperaturePoint(model, site.id);
    const meters = [
      ...new Set(contracts.flatMap((contract) => contract.meters.map((meter) => meter.meterId))),
    ];
    const siteTime = new SiteTime(site.timezone, this.#options.isWorkingDay);
    const fromDate = contracts.map((contract) => contract.baseline.fromDate).sort()[0] ?? '';
    const zone = new SiteZone(site.timezone);
    const midnight = (isoDate: string): number => zone.instantAt(dayNumberOf(isoDate), 0);
    const fromMs = midnight(fromDate);
    const toMs = Math.floor(clock.nowMs() / HOUR_MS) * HOUR_MS - HOUR_MS;
    const firstPoint = `${meters[0]}.energy`;
    if (await this.#options.hasReadings(firstPoint, fromMs, fromMs + 2 * 86_400_000)) {
      logger.info({ from: fromDate }, 'demo history already in the store');
      return;
    }
    const termStart = new Map(
      contracts.flatMap((contract) =>
        contract.meters.map((meter) => [meter.meterId, midnight(contract.term.start)]),
      ),
    );
    const registers = new Map(meters.map((id) => [id, 100_000]));
    const location = { latitude: site.latitude, longitude: site.longitude };
    const index = new PointIndex(model);
    let batch: Reading[] = [];
    let written = 0;
    for (let ms = fromMs; ms <= toMs && !this.#stopping; ms += HOUR_MS) {
      const local = siteTime.at(ms);
      const weather = weatherAt(ms, local, location, this.#options.seed);
      batch.push({
        pointId: temperaturePoint,
        ts: ms,
        value: round(weather.temperatureC, 2),
        quality: 'good',
      });
      for (const meterId of meters) {
        const equipment = model.equipment.get(meterId);
        const building = equipment ? model.buildings.get(equipment.buildingCode) : undefined;
        if (!equipment || !building) continue;
        const area = building.floorAreaM2 ?? 10_000;
        const occupancy = occupancyShare(local, this.#options.seed, building.code.length + area);
        const base = area * (0.0035 + 0.009 * occupancy);
        const hvac = hvacScheduled(local)
          ? area *
            (0.0022 * Math.max(0, weather.temperatureC - 24) +
              0.0012 * Math.max(0, 14 - weather.temperatureC))
          : 0;
        const retrofit = ms >= (termStart.get(meterId) ?? Number.POSITIVE_INFINITY);
        const kw =
          base * (retrofit ? 1 - RETROFIT_SAVING.base : 1) + hvac * (retrofit ? 1 - RETROFIT_SAVING.hvac : 1);
        const register =
          (registers.get(meterId) ?? 0) + kw * (1 + 0.03 * noise(this.#options.seed, ms, meterId));
        registers.set(meterId, register);
        if (index.get(`${meterId}.energy`))
          batch.push({ pointId: `${meterId}.energy`, ts: ms, value: round(register, 3), quality: 'good' });
      }
      if (batch.length >= BATCH) {
        await this.#options.sink.write(batch);
        written += batch.length;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.#stopping) {
      await this.#options.sink.write(batch);
      written += batch.length;
    }
    this.written = written;
    logger.info({ from: fromDate, readings: written, meters: meters.length }, 'demo history written');
  }
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Deterministic noise in [−1, 1] from the seed, the hour and the meter. */
function noise(seed: number, ms: number, key: string): number {
  let hash = (seed * 2_654_435_761) ^ Math.floor(ms / HOUR_MS);
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 16_777_619);
  return ((hash >>> 0) / 0xffff_ffff) * 2 - 1;
}
