import type { SiteModel } from '../../../config/load/model.ts';
import { dayNumberOf, isoDateOf } from '../../calendar/iso-date.ts';
import type { BaselineProvider } from '../../rules/scheduled/energy-baseline.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { Logger } from '../../runtime/logger.ts';
import { type BaselineFit, fitBaseline } from '../baseline/fit.ts';
import { predictDay } from '../baseline/model.ts';
import type { MeterTree } from '../consumption/meter-tree.ts';
import { contractsOfMeter } from '../contracts/contract-terms.ts';
import type { DailyHistory } from '../daily-history.ts';

export interface EnergyBaselineProviderOptions {
  readonly model: SiteModel;
  readonly tree: MeterTree;
  readonly history: DailyHistory;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** How long a fitted baseline is reused before it is fitted again (late data); default 6 hours. */
  readonly cacheMs?: number;
  /** Fitted baselines kept at most; default 500. */
  readonly cacheSize?: number;
  /** Working-day term for meters outside any energy contract; default true. */
  readonly workingDayRegressor?: boolean;
}

/** The baseline period a meter's expectation on a date comes from, and how it was chosen. */
export interface BaselinePeriod {
  readonly fromDate: string;
  readonly toDate: string;
  readonly workingDayRegressor: boolean;
  /** The contract whose frozen period this is, or `rolling`. */
  readonly source: string;
}

interface CachedFit {
  readonly at: number;
  readonly fit: Promise<BaselineFit>;
}

/**
 * The energy service's answer to the `energy_above_baseline` scheduled rule: a meter's expected
 * kWh on a site date from a CalTRACK daily baseline and that day's temperature and calendar.
 *
 * - A meter measured by an energy contract in force on the date uses the contract's baseline
 *   period (fixed at signing); any other meter a rolling year: the 365 days before the first of
 *   the date's month, so the fit is shared by the month's evaluations and follows the building.
 * - No answer (the rule's `no_baseline`, nothing recorded) when the register is not a meter's,
 *   the baseline fails its sufficiency checks, or the model needs a temperature the day lacks.
 *   Store errors propagate: the runner reports `baseline_failed` and retries the job.
 */
export class EnergyBaselineProvider implements BaselineProvider {
  readonly #options: EnergyBaselineProviderOptions;
  readonly #fits = new Map<string, CachedFit>();
  readonly #reported = new Set<string>();

  constructor(options: EnergyBaselineProviderOptions) {
    this.#options = options;
  }

  period(meterId: string, isoDate: string): BaselinePeriod {
    const { model, tree } = this.#options;
    const contract = contractsOfMeter(model, tree, meterId, isoDate)[0];
    if (contract)
      return {
        fromDate: contract.baseline.fromDate,
        toDate: contract.baseline.toDate,
        workingDayRegressor: contract.terms.workingDayRegressor ?? false,
        source: contract.id,
      };
    const firstOfMonth = dayNumberOf(`${isoDate.slice(0, 7)}-01`);
    return {
      fromDate: isoDateOf(firstOfMonth - 365),
      toDate: isoDateOf(firstOfMonth - 1),
      workingDayRegressor: this.#options.workingDayRegressor ?? true,
      source: 'rolling',
    };
  }

  /** The fitted baseline of a meter for a date (cached per meter and period). */
  async fit(
    pointId: string,
    isoDate: string,
  ): Promise<{ fit: BaselineFit; period: BaselinePeriod } | undefined> {
    const meter = this.#options.tree.meterOfPoint(pointId);
    if (!meter) return undefined;
    const period = this.period(meter.id, isoDate);
    const key = `${pointId}|${period.fromDate}|${period.toDate}|${period.workingDayRegressor}`;
    const now = this.#options.clock.nowMs();
    let cached = this.#fits.get(key);
    if (!cached || now - cached.at > (this.#options.cacheMs ?? 6 * 3_600_000)) {
      const fit = this.#options.history
        .days(meter.siteId, [{ meterId: meter.id, sign: 1 }], period.fromDate, period.toDate)
        .then((days) => fitBaseline(days, { workingDayRegressor: period.workingDayRegressor }));
      cached = { at: now, fit };
      this.#fits.set(key, cached);
      // A failed read is not cached: the next evaluation (the job's retry) reads again.
      fit.catch(() => {
        if (this.#fits.get(key) === cached) this.#fits.delete(key);
      });
      while (this.#fits.size > (this.#options.cacheSize ?? 500)) {
        const oldest = this.#fits.keys().next().value;
        if (oldest === undefined) break;
        this.#fits.delete(oldest);
      }
    }
    return { fit: await cached.fit, period };
  }

  async expectedKwh(pointId: string, isoDate: string): Promise<number | undefined> {
    const found = await this.fit(pointId, isoDate);
    if (!found) return undefined;
    const { fit, period } = found;
    const meter = this.#options.tree.meterOfPoint(pointId);
    if (!fit.model || !meter) {
      this.#reportOnce(`${pointId}|${period.fromDate}`, pointId, period, fit);
      return undefined;
    }
    const needsTemperature = fit.model.heating !== undefined || fit.model.cooling !== undefined;
    const temperature = needsTemperature
      ? ((await this.#options.history.temperatures(meter.siteId, isoDate, isoDate)).get(isoDate) ?? null)
      : null;
    const workingDay = this.#options.history.calendar(meter.siteId).isWorkingDay(isoDate);
    return predictDay(fit.model, { temperature, workingDay });
  }

  #reportOnce(key: string, pointId: string, period: BaselinePeriod, fit: BaselineFit): void {
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    this.#options.logger?.warn(
      {
        pointId,
        period,
        failed: fit.sufficiency.checks
          .filter((check) => !check.passed)
          .map((check) => `${check.check}: ${check.detail}`),
      },
      'no baseline for this meter: its data is not sufficient',
    );
  }
}
