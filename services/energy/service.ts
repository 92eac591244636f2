import type { SiteModel } from '../../config/load/model.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { Clock } from '../runtime/clock.ts';
import { type BaselineFit, fitBaseline } from './baseline/fit.ts';
import type { BaselineModel } from './baseline/model.ts';
import type { Resolution, SiteDay } from './consumption/grid.ts';
import type { IntervalConsumption, MeterConsumption } from './consumption/intervals.ts';
import { MeterReadings } from './consumption/meter-readings.ts';
import { MeterTree, type RollupItem, type VirtualMeter } from './consumption/meter-tree.ts';
import { type SiteRollup, siteRollup } from './consumption/rollups.ts';
import { virtualIntervals } from './consumption/virtual-meters.ts';
import { sameDateLastYear, type YearOnYear, yearOnYear } from './consumption/year-on-year.ts';
import { type EnergyContract, energyContract } from './contracts/contract-terms.ts';
import { DailyHistory, type HistoryDay } from './daily-history.ts';
import { EnergyError } from './errors.ts';
import type { NonRoutineAdjustment } from './savings/adjustments.ts';
import { type AvoidedEnergy, avoidedEnergy } from './savings/avoided-energy.ts';
import { type Settlement, settle } from './savings/settlement.ts';
import type { ReadingSource } from './store/readings.ts';

/** Where frozen baselines and adjustments are kept (`records/contract-records.ts` on PostgreSQL). */
export interface ContractRecords {
  frozenBaseline(contractId: string): Promise<{ readonly model: BaselineModel } | undefined>;
  adjustments(contractId: string): Promise<readonly NonRoutineAdjustment[]>;
  freezeBaseline(input: {
    readonly contract: EnergyContract;
    readonly fit: BaselineFit;
    readonly configRevision: string;
    readonly frozenBy: string;
    readonly at: Date;
  }): Promise<{ readonly model: BaselineModel }>;
}

export interface EnergyServiceOptions {
  readonly model: SiteModel;
  /** Stored readings (VictoriaMetrics in production). */
  readonly source: ReadingSource;
  readonly clock: Clock;
  readonly calendarFor?: (siteId: string) => WorkingCalendar;
  /** Frozen baselines and non-routine adjustments; without it baselines are fitted on demand. */
  readonly records?: ContractRecords;
}

/** A site's roll-up over a period, with the period. */
export interface PeriodRollup extends SiteRollup {
  readonly fromMs: number;
  readonly toMs: number;
}

export interface RollupChange {
  readonly buildingCode: string | 'site';
  readonly item: RollupItem;
  readonly change: YearOnYear;
}

/** Cumulative savings against the target, day by day (the manager's chart). */
export interface CumulativePoint {
  readonly date: string;
  readonly adjustedBaselineKwh: number;
  readonly actualKwh: number;
  readonly avoidedKwh: number;
  readonly targetKwh: number;
}

export interface ContractSavings {
  readonly contract: EnergyContract;
  readonly range: { readonly fromDate: string; readonly toDate: string };
  /** `frozen` from the store, or `fitted` now from the baseline period's data. */
  readonly baselineSource: 'frozen' | 'fitted';
  readonly baseline: { readonly model?: BaselineModel; readonly fit?: BaselineFit };
  readonly savings: AvoidedEnergy;
  readonly settlement: Settlement;
  readonly cumulative: readonly CumulativePoint[];
  readonly adjustments: readonly NonRoutineAdjustment[];
}

/** Readings up to this long ago are taken as arrived (meters report every minute). */
const TODAY_SETTLE_MS = 2 * 60_000;

/**
 * What the API routes and pages call: consumption of meters and virtual meters, roll-ups per
 * building, sub-item and site with intensities, year-on-year, and savings against energy
 * contracts. Reads the store on every call (no state beyond configuration indexes), so it can
 * be used from any process.
 */
export class EnergyService {
  readonly tree: MeterTree;
  readonly readings: MeterReadings;
  readonly history: DailyHistory;
  readonly #options: EnergyServiceOptions;

  constructor(options: EnergyServiceOptions) {
    this.#options = options;
    this.tree = new MeterTree(options.model);
    this.readings = new MeterReadings({ tree: this.tree, source: options.source });
    this.history = new DailyHistory({
      model: options.model,
      readings: this.readings,
      source: options.source,
      ...(options.calendarFor ? { calendarFor: options.calendarFor } : {}),
    });
  }

  /** The energy contracts of a site (their buildings are the site's). */
  contracts(siteId: string): EnergyContract[] {
    return [...this.#options.model.contracts.values()]
      .filter((contract) => contract.energy !== undefined)
      .map((contract) => energyContract(this.#options.model, this.tree, contract.id))
      .filter((contract) => contract.siteId === siteId);
  }

  /** One physical meter's intervals (15 min, hourly or daily in its site's zone). */
  async meterSeries(
    meterId: string,
    resolution: Resolution,
    fromMs: number,
    toMs: number,
  ): Promise<MeterConsumption> {
    const meter = this.tree.meter(meterId);
    const result = await this.readings.series(
      [meterId],
      this.history.grid(meter.siteId),
      resolution,
      fromMs,
      toMs,
    );
    return result.get(meterId) as MeterConsumption;
  }

  /** A virtual meter's intervals (a roll-up item, a remainder, or any signed sum of meters of one site). */
  async virtualSeries(
    meter: VirtualMeter,
    resolution: Resolution,
    fromMs: number,
    toMs: number,
  ): Promise<IntervalConsumption[]> {
    const first = meter.terms[0];
    if (!first) throw new EnergyError('invalid_input', `virtual meter ${meter.id} has no terms`);
    const siteId = this.tree.meter(first.meterId).siteId;
    const series = await this.readings.series(
      meter.terms.map((term) => term.meterId),
      this.history.grid(siteId),
      resolution,
      fromMs,
      toMs,
    );
    return virtualIntervals(meter, (id) => series.get(id)?.intervals);
  }

  /** Roll-ups of a site over [fromMs, toMs): per building and item, per site, with intensities. */
  async rollup(siteId: string, fromMs: number, toMs: number): Promise<PeriodRollup> {
    const meters = [...this.tree.meters.values()]
      .filter((meter) => meter.siteId === siteId)
      .map((meter) => meter.id);
    const totals = await this.readings.totals(meters, fromMs, toMs);
    return { ...siteRollup(this.tree, siteId, (id) => totals.get(id)?.total), fromMs, toMs };
  }

  /** Roll-ups over site dates, both included. */
  async rollupForDates(siteId: string, fromDate: string, toDate: string): Promise<PeriodRollup> {
    const days = this.history.grid(siteId).days(fromDate, toDate);
    return this.rollup(siteId, (days[0] as SiteDay).fromMs, (days[days.length - 1] as SiteDay).toMs);
  }

  /**
   * Today's consumption so far per building and sub-item (分项), from local midnight until two
   * minutes ago (so the last readings have arrived); intensities are per m² and per occupant so far.
   */
  async todayBySubItem(siteId: string): Promise<PeriodRollup & { readonly date: string }> {
    const grid = this.history.grid(siteId);
    const nowMs = this.#options.clock.nowMs();
    const toMs = Math.floor((nowMs - TODAY_SETTLE_MS) / 60_000) * 60_000;
    const today = grid.dayOf(nowMs);
    if (toMs <= today.fromMs)
      return { ...(await this.rollup(siteId, today.fromMs, today.fromMs + 60_000)), date: today.date };
    return { ...(await this.rollup(siteId, today.fromMs, toMs)), date: today.date };
  }

  /** Each roll-up figure over site dates against the same dates a year earlier (同比). */
  async yearOnYear(
    siteId: string,
    fromDate: string,
    toDate: string,
  ): Promise<{ current: PeriodRollup; previous: PeriodRollup; changes: RollupChange[] }> {
    const [current, previous] = await Promise.all([
      this.rollupForDates(siteId, fromDate, toDate),
      this.rollupForDates(siteId, sameDateLastYear(fromDate), sameDateLastYear(toDate)),
    ]);
    const changes: RollupChange[] = [];
    for (const building of current.buildings) {
      const before = previous.buildings.find((b) => b.buildingCode === building.buildingCode);
      for (const cell of building.items) {
        const old = before?.items.find((c) => c.item === cell.item);
        if (old)
          changes.push({
            buildingCode: building.buildingCode,
            item: cell.item,
            change: yearOnYear(cell, old),
          });
      }
    }
    for (const cell of current.items) {
      const old = previous.items.find((c) => c.item === cell.item);
      if (old) changes.push({ buildingCode: 'site', item: cell.item, change: yearOnYear(cell, old) });
    }
    return { current, previous, changes };
  }

  /** The contract's summed meters over its baseline period, and the fit on them. */
  async contractBaseline(
    contractId: string,
  ): Promise<{ contract: EnergyContract; days: HistoryDay[]; fit: BaselineFit }> {
    const contract = energyContract(this.#options.model, this.tree, contractId);
    const days = await this.history.days(
      contract.siteId,
      contract.meters,
      contract.baseline.fromDate,
      contract.baseline.toDate,
    );
    const fit = fitBaseline(days, { workingDayRegressor: contract.terms.workingDayRegressor ?? false });
    return { contract, days, fit };
  }

  /**
   * Freezes the contract's baseline: fitted on its baseline period and stored, never refitted
   * afterwards (late data, a changed grid or a new release of this code do not move a settled
   * baseline). Only once the period is over and the fit is sufficient.
   */
  async freezeBaseline(
    contractId: string,
    frozenBy: string,
  ): Promise<{ readonly model: BaselineModel; readonly fit: BaselineFit }> {
    const records = this.#options.records;
    if (!records) throw new EnergyError('invalid_input', 'no store for frozen baselines');
    const { contract, fit } = await this.contractBaseline(contractId);
    const today = this.history.grid(contract.siteId).dayOf(this.#options.clock.nowMs()).date;
    if (today <= contract.baseline.toDate)
      throw new EnergyError(
        'invalid_input',
        `the baseline period of ${contractId} runs until ${contract.baseline.toDate}`,
      );
    if (!fit.model) {
      const failed = fit.sufficiency.checks.filter((check) => !check.passed).map((check) => check.detail);
      throw new EnergyError('baseline_insufficient', `no baseline for ${contractId}: ${failed.join('; ')}`);
    }
    await records.freezeBaseline({
      contract,
      fit,
      configRevision: this.#options.model.revision,
      frozenBy,
      at: this.#options.clock.now(),
    });
    return { model: fit.model, fit };
  }

  /**
   * Savings of an energy contract over site dates within its term: avoided energy against the
   * baseline frozen for it (or, until one is frozen, fitted now on its baseline period), with the
   * recorded non-routine adjustments, its uncertainty, the settlement (target, shared savings,
   * shortfall) and the cumulative series against the target.
   */
  async contractSavings(
    contractId: string,
    range: { readonly fromDate: string; readonly toDate: string },
    options: { readonly confidence?: number } = {},
  ): Promise<ContractSavings> {
    const contract = energyContract(this.#options.model, this.tree, contractId);
    if (
      range.fromDate < contract.term.start ||
      range.toDate > contract.term.end ||
      range.toDate < range.fromDate
    )
      throw new EnergyError(
        'invalid_input',
        `the range ${range.fromDate}…${range.toDate} is not within the term of ${contractId} (${contract.term.start}…${contract.term.end})`,
      );
    const frozen = await this.#options.records?.frozenBaseline(contractId);
    let model = frozen?.model;
    let fit: BaselineFit | undefined;
    if (!model) {
      fit = (await this.contractBaseline(contractId)).fit;
      model = fit.model;
    }
    if (!model) {
      const failed =
        fit?.sufficiency.checks.filter((check) => !check.passed).map((check) => check.detail) ?? [];
      throw new EnergyError('baseline_insufficient', `no baseline for ${contractId}: ${failed.join('; ')}`);
    }
    const adjustments = (await this.#options.records?.adjustments(contractId)) ?? [];
    const reporting = await this.history.days(contract.siteId, contract.meters, range.fromDate, range.toDate);
    const savings = avoidedEnergy(model, reporting, {
      adjustments,
      ...(options.confidence === undefined ? {} : { confidence: options.confidence }),
    });
    const cumulative: CumulativePoint[] = [];
    let baseline = 0;
    let actual = 0;
    for (const day of savings.days) {
      baseline += day.adjustedBaseline;
      actual += day.actual;
      cumulative.push({
        date: day.date,
        adjustedBaselineKwh: baseline,
        actualKwh: actual,
        avoidedKwh: baseline - actual,
        targetKwh: contract.terms.savingsTarget * baseline,
      });
    }
    return {
      contract,
      range,
      baselineSource: frozen ? 'frozen' : 'fitted',
      baseline: { model, ...(fit ? { fit } : {}) },
      savings,
      settlement: settle(savings, contract.terms),
      cumulative,
      adjustments,
    };
  }
}
