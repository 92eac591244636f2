import { type BaselineDay, type BaselineModel, predictDay, regressorsOf } from '../baseline/model.ts';
import { ASHRAE_14_SAVINGS } from '../baseline/quality.ts';
import { tQuantile } from '../baseline/student-t.ts';
import { adjustmentsByDate, type NonRoutineAdjustment } from './adjustments.ts';

export interface SavingsDay {
  readonly date: string;
  /** The baseline's prediction for the day's weather and calendar, plus adjustments (kWh). */
  readonly adjustedBaseline: number;
  readonly actual: number;
  readonly avoided: number;
}

export interface SavingsUncertainty {
  /** Two-sided confidence of the interval, e.g. 0.9. */
  readonly confidence: number;
  /** ± kWh of the avoided energy at that confidence. */
  readonly avoidedKwh: number;
  /** ± of the savings fraction (avoided ÷ adjusted baseline). */
  readonly savingsFraction: number;
  /** Fractional savings uncertainty: ± avoided energy ÷ avoided energy (Infinity when nothing was saved). */
  readonly fractional: number;
  /** The inputs of the formula. */
  readonly n: number;
  readonly effectiveN: number;
  readonly m: number;
  readonly t: number;
  readonly cvRmse: number;
}

/**
 * The least-squares prediction interval of the avoided energy: the variance of Σŷ from the
 * coefficients' covariance (s' Cov s, s the reporting period's summed regressors) plus the
 * reporting days' own scatter (m · RMSE²), both inflated by (1 + ρ) / (1 − ρ) for lag-1
 * autocorrelated residuals. Unlike Guideline 14's closed form it accounts for a reporting
 * period whose weather lies away from the baseline's (extrapolation).
 */
export interface PredictionIntervalUncertainty {
  readonly confidence: number;
  readonly avoidedKwh: number;
  readonly savingsFraction: number;
  /** Standard deviation of Σ(baseline − actual), kWh. */
  readonly standardDeviationKwh: number;
}

export interface AvoidedEnergy {
  readonly reportingDays: number;
  /** Days with both a measured consumption and a prediction; the sums are over these only. */
  readonly usedDays: number;
  /** Dates left out: no complete consumption, or no temperature for a weather-dependent model. */
  readonly missingDates: readonly string[];
  readonly baselineKwh: number;
  readonly adjustmentsKwh: number;
  readonly adjustedBaselineKwh: number;
  readonly actualKwh: number;
  /** Σ(adjusted baseline − actual): positive is energy saved. */
  readonly avoidedKwh: number;
  /** avoided ÷ adjusted baseline. */
  readonly savingsFraction: number;
  /** ASHRAE Guideline 14's fractional savings uncertainty (the figure contracts quote). */
  readonly uncertainty: SavingsUncertainty;
  /** The regression's own prediction interval of the same sum, beside it. */
  readonly predictionInterval: PredictionIntervalUncertainty;
  /** Fractional savings uncertainty at 68 % confidence below 50 % (ASHRAE Guideline 14). */
  readonly meetsAshrae14: boolean;
  readonly days: readonly SavingsDay[];
}

/**
 * The empirical factor of ASHRAE Guideline 14's savings-uncertainty formula (Annex B), which
 * approximates the prediction-interval terms of a regression model.
 */
const ASHRAE_FACTOR = 1.26;

/**
 * Fractional savings uncertainty of ASHRAE Guideline 14-2014, Annex B (after Reddy & Claridge,
 * 2000), for a regression baseline with autocorrelated residuals:
 *
 *   ΔE_save / E_save = t · 1.26 · CV(RMSE) · √( (n / n′) · (1 + 2 / n′) · (1 / m) ) / F
 *
 * n baseline points, n′ = n (1 − ρ) / (1 + ρ) the effective number for lag-1 residual
 * autocorrelation ρ, m reporting points, F = E_save / E_baseline the savings fraction, t the
 * Student t value at the confidence level with n − p degrees of freedom. Multiplying by E_save
 * gives the absolute ± kWh, which stays finite when nothing is saved.
 */
export function savingsUncertainty(
  model: BaselineModel,
  reportingPoints: number,
  adjustedBaselineKwh: number,
  avoidedKwh: number,
  confidence: number,
): SavingsUncertainty {
  const n = model.n;
  const rho = Math.max(0, model.autocorrelation); // negative autocorrelation is not credited
  const effectiveN = Math.max(1, (n * (1 - rho)) / (1 + rho));
  const m = Math.max(1, reportingPoints);
  const t = tQuantile((1 - confidence) / 2, Math.max(1, n - model.parameters));
  const relativeToBaseline =
    t * ASHRAE_FACTOR * model.cvRmse * Math.sqrt((n / effectiveN) * (1 + 2 / effectiveN) * (1 / m));
  const absolute = relativeToBaseline * Math.abs(adjustedBaselineKwh);
  return {
    confidence,
    avoidedKwh: absolute,
    savingsFraction: relativeToBaseline,
    fractional: avoidedKwh !== 0 ? absolute / Math.abs(avoidedKwh) : Number.POSITIVE_INFINITY,
    n,
    effectiveN,
    m,
    t,
    cvRmse: model.cvRmse,
  };
}

/**
 * Avoided energy use over a reporting period (IPMVP Option C, "reporting period basis"): the
 * baseline model predicts each day from that day's temperature and calendar, non-routine
 * adjustments are added, and the savings are Σ(adjusted baseline − actual) over the days that
 * have both. Days without a complete measurement are listed, never filled.
 */
export function avoidedEnergy(
  model: BaselineModel,
  reporting: readonly BaselineDay[],
  options: { readonly adjustments?: readonly NonRoutineAdjustment[]; readonly confidence?: number } = {},
): AvoidedEnergy {
  const adjustments = adjustmentsByDate(options.adjustments ?? []);
  const days: SavingsDay[] = [];
  const missingDates: string[] = [];
  let baseline = 0;
  let adjustmentsKwh = 0;
  let actual = 0;
  const summedRegressors = new Array<number>(model.parameters).fill(0);
  for (const day of reporting) {
    const predicted = predictDay(model, day);
    const row = regressorsOf(model, day);
    if (predicted === undefined || !row || day.usage === null || !Number.isFinite(day.usage)) {
      missingDates.push(day.date);
      continue;
    }
    row.forEach((value, i) => {
      summedRegressors[i] = (summedRegressors[i] as number) + value;
    });
    const adjustment = adjustments.get(day.date) ?? 0;
    baseline += predicted;
    adjustmentsKwh += adjustment;
    actual += day.usage;
    days.push({
      date: day.date,
      adjustedBaseline: predicted + adjustment,
      actual: day.usage,
      avoided: predicted + adjustment - day.usage,
    });
  }
  const adjustedBaselineKwh = baseline + adjustmentsKwh;
  const avoidedKwh = adjustedBaselineKwh - actual;
  const confidence = options.confidence ?? 0.9;
  const uncertainty = savingsUncertainty(model, days.length, adjustedBaselineKwh, avoidedKwh, confidence);
  const atAshraeConfidence = savingsUncertainty(
    model,
    days.length,
    adjustedBaselineKwh,
    avoidedKwh,
    ASHRAE_14_SAVINGS.confidence,
  );
  return {
    predictionInterval: predictionInterval(
      model,
      summedRegressors,
      days.length,
      adjustedBaselineKwh,
      confidence,
    ),
    reportingDays: reporting.length,
    usedDays: days.length,
    missingDates,
    baselineKwh: baseline,
    adjustmentsKwh,
    adjustedBaselineKwh,
    actualKwh: actual,
    avoidedKwh,
    savingsFraction: adjustedBaselineKwh !== 0 ? avoidedKwh / adjustedBaselineKwh : 0,
    uncertainty,
    meetsAshrae14:
      avoidedKwh > 0 && atAshraeConfidence.fractional < ASHRAE_14_SAVINGS.maxFractionalUncertainty,
    days,
  };
}

export function predictionInterval(
  model: BaselineModel,
  summedRegressors: readonly number[],
  reportingPoints: number,
  adjustedBaselineKwh: number,
  confidence: number,
): PredictionIntervalUncertainty {
  const p = model.parameters;
  let modelVariance = 0;
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++)
      modelVariance +=
        (summedRegressors[i] as number) *
        (model.covariance[i * p + j] as number) *
        (summedRegressors[j] as number);
  const rho = Math.max(0, model.autocorrelation);
  const inflation = (1 + rho) / (1 - Math.min(rho, 0.99));
  const variance = (modelVariance + reportingPoints * model.rmse ** 2) * inflation;
  const standardDeviationKwh = Math.sqrt(Math.max(0, variance));
  const t = tQuantile((1 - confidence) / 2, Math.max(1, model.n - p));
  const half = t * standardDeviationKwh;
  return {
    confidence,
    avoidedKwh: half,
    savingsFraction:
      adjustedBaselineKwh !== 0 ? half / Math.abs(adjustedBaselineKwh) : Number.POSITIVE_INFINITY,
    standardDeviationKwh,
  };
}
