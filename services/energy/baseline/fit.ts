import { type DegreeDayStats, DegreeDaySums } from './degree-day-sums.ts';
import { type BaselineDay, type BaselineModel, cdd, hdd, MODEL_TYPES, type ModelType } from './model.ts';
import { type FitOptions, fitOptions } from './options.ts';
import { type FitQuality, fitQuality } from './quality.ts';
import { MAX_PARAMETERS, NormalEquations } from './small-ols.ts';
import { criticalT, twoSidedPValue } from './student-t.ts';

export type SufficiencyCheckName =
  | 'period_length'
  | 'daily_coverage'
  | 'heating_degree_days'
  | 'cooling_degree_days';

export interface SufficiencyCheck {
  readonly check: SufficiencyCheckName;
  readonly passed: boolean;
  /** Why, in figures: "312 of 365 days (85.5 %) have usage and temperature; at least 90 % needed". */
  readonly detail: string;
}

/**
 * CalTRACK data sufficiency. `period_length` and `daily_coverage` decide whether there is a
 * baseline at all; the degree-day checks only decide whether heating and cooling candidates may
 * be fitted (a building with no cold days gets no HDD model, and may still get a CDD model).
 */
export interface Sufficiency {
  readonly sufficient: boolean;
  readonly days: number;
  readonly usableDays: number;
  readonly coverage: number;
  readonly checks: readonly SufficiencyCheck[];
}

export type CandidateStatus = 'selected' | 'qualified' | 'disqualified' | 'not_fitted';

/** How each candidate type fared over the balance-point grid. */
export interface CandidateSummary {
  readonly type: ModelType;
  readonly workingDay: boolean;
  readonly status: CandidateStatus;
  /** Why not qualified or not fitted. */
  readonly reason?:
    | 'too_few_heating_days'
    | 'too_few_cooling_days'
    | 'negative_or_insignificant'
    | 'singular';
  /** Balance-point combinations fitted, and how many of them qualified. */
  readonly evaluated: number;
  readonly qualified: number;
  /** The best qualified combination's adjusted R² and balance points. */
  readonly bestAdjustedR2?: number;
  readonly heatingBalancePoint?: number;
  readonly coolingBalancePoint?: number;
}

export interface BaselineFit {
  readonly sufficiency: Sufficiency;
  /** The selected model; absent when the data is not sufficient. */
  readonly model?: BaselineModel;
  /** CV(RMSE) and NMBE beside the ASHRAE Guideline 14 limits. */
  readonly quality?: FitQuality;
  readonly candidates: readonly CandidateSummary[];
  readonly options: FitOptions;
}

/** The usable days' data, centred, as the fit works on it. */
interface Prepared {
  readonly n: number;
  readonly dates: readonly string[];
  readonly temperature: Float64Array;
  readonly y: Float64Array;
  readonly w: Float64Array;
  readonly meanUsage: number;
  /** Σ(y − ȳ)² and Σ w·(y − ȳ), Σ w. */
  readonly syy: number;
  readonly swy: number;
  readonly sw: number;
}

/** One candidate's regressors: which degree-day columns (at which balance point) and the working-day column. */
interface Regressors {
  readonly heating: DegreeDayStats | undefined;
  readonly cooling: DegreeDayStats | undefined;
  readonly workingDay: boolean;
}

const percent = (value: number): string => `${(value * 100).toFixed(1)} %`;

function prepare(days: readonly BaselineDay[], options: FitOptions): Prepared {
  const usable = days
    .filter(
      (day) =>
        day.usage !== null &&
        Number.isFinite(day.usage) &&
        day.temperature !== null &&
        Number.isFinite(day.temperature) &&
        (!options.workingDayRegressor || day.workingDay !== undefined),
    )
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const n = usable.length;
  const temperature = new Float64Array(n);
  const y = new Float64Array(n);
  const w = new Float64Array(n);
  let sum = 0;
  usable.forEach((day, i) => {
    temperature[i] = day.temperature as number;
    y[i] = day.usage as number;
    w[i] = options.workingDayRegressor && day.workingDay ? 1 : 0;
    sum += day.usage as number;
  });
  const meanUsage = n > 0 ? sum / n : 0;
  let syy = 0;
  let swy = 0;
  let sw = 0;
  for (let i = 0; i < n; i++) {
    const centred = (y[i] as number) - meanUsage;
    y[i] = centred;
    syy += centred * centred;
    swy += (w[i] as number) * centred;
    sw += w[i] as number;
  }
  return { n, dates: usable.map((day) => day.date), temperature, y, w, meanUsage, syy, swy, sw };
}

/**
 * Fills the normal equations of a candidate from the precomputed sums. Columns: intercept, then
 * HDD, CDD and working day where present. Returns the number of parameters.
 */
function fillNormalEquations(
  equations: NormalEquations,
  data: Prepared,
  heating: DegreeDayStats | undefined,
  cooling: DegreeDayStats | undefined,
  workingDay: boolean,
): number {
  let p = 1;
  equations.set(0, 0, data.n);
  // Σ(y − ȳ) is zero up to rounding.
  equations.xty[0] = 0;
  let h = -1;
  let c = -1;
  if (heating) {
    h = p++;
    equations.set(0, h, heating.sum);
    equations.set(h, h, heating.sumSquares);
    equations.xty[h] = heating.sumY;
  }
  if (cooling) {
    c = p++;
    equations.set(0, c, cooling.sum);
    equations.set(c, c, cooling.sumSquares);
    equations.xty[c] = cooling.sumY;
    // No day has both HDD and CDD when the heating balance point is at or below the cooling one.
    if (h > 0) equations.set(h, c, 0);
  }
  if (workingDay) {
    const k = p++;
    equations.set(0, k, data.sw);
    equations.set(k, k, data.sw);
    equations.xty[k] = data.swy;
    if (heating) equations.set(h, k, heating.sumW);
    if (cooling) equations.set(c, k, cooling.sumW);
  }
  return p;
}

/** What `evaluate` found, written into one object per fit: the grid search allocates nothing per candidate. */
interface Evaluation {
  sse: number;
  adjustedR2: number;
  qualified: boolean;
}

/**
 * Every slope must be positive and significant: β > 0 and two-sided p < maxPValue, i.e. its t
 * statistic above the (1 − maxPValue / 2) quantile with n − p degrees of freedom. Indexed by p,
 * computed once per fit rather than per candidate.
 */
function criticalValues(n: number, options: FitOptions): Float64Array {
  const values = new Float64Array(MAX_PARAMETERS + 1).fill(Number.POSITIVE_INFINITY);
  for (let p = 1; p <= MAX_PARAMETERS; p++)
    if (n - p >= 1) values[p] = criticalT(options.maxPValue / 2, n - p);
  return values;
}

/** Fits one candidate from the sums; false when it has no solution (singular, no degrees of freedom). */
function evaluate(
  equations: NormalEquations,
  data: Prepared,
  heating: DegreeDayStats | undefined,
  cooling: DegreeDayStats | undefined,
  workingDay: boolean,
  criticals: Float64Array,
  out: Evaluation,
): boolean {
  const p = fillNormalEquations(equations, data, heating, cooling, workingDay);
  const dof = data.n - p;
  if (dof < 1 || !equations.solve(p)) return false;
  let explained = 0;
  for (let i = 0; i < p; i++) explained += (equations.beta[i] as number) * (equations.xty[i] as number);
  const sse = Math.max(0, data.syy - explained);
  const variance = sse / dof;
  const critical = criticals[p] as number;
  let qualified = true;
  for (let i = 1; i < p; i++) {
    const beta = equations.beta[i] as number;
    const standardError = Math.sqrt(variance * (equations.inverseDiagonal[i] as number));
    if (!(beta > 0) || !(beta > critical * standardError)) {
      qualified = false;
      break;
    }
  }
  out.sse = sse;
  out.adjustedR2 = data.syy > 0 ? 1 - variance / (data.syy / (data.n - 1)) : 0;
  out.qualified = qualified;
  return true;
}

interface Best {
  adjustedR2: number;
  regressors: Regressors;
}

/**
 * Fits a CalTRACK-style daily baseline: every candidate (intercept only, HDD, CDD, HDD + CDD,
 * each also with a working-day term when asked) over the balance-point grid; candidates with a
 * slope that is negative or insignificant (p ≥ 0.1) are disqualified; the qualified candidate
 * with the highest adjusted R² is selected. `days` are the baseline period's days, all of them:
 * days without usage or temperature count against the coverage.
 *
 * The grid search runs on prefix sums of the days sorted by temperature (`DegreeDaySums`) and
 * normal equations of at most 4 × 4, so a candidate costs the same whatever the period's length;
 * only the selected model makes a pass over the days (residuals, autocorrelation).
 */
export function fitBaseline(days: readonly BaselineDay[], overrides: Partial<FitOptions> = {}): BaselineFit {
  const options = fitOptions(overrides);
  const data = prepare(days, options);
  const coverage = days.length > 0 ? data.n / days.length : 0;
  // A year is the limit: 365 days, or 366 for a period holding 29 February (a calendar-year
  // baseline such as 2024's is one year, not 366 days of one).
  const maxDays = options.maxDays + (days.some((day) => day.date.endsWith('-02-29')) ? 1 : 0);
  const checks: SufficiencyCheck[] = [
    {
      check: 'period_length',
      passed: days.length > 0 && days.length <= maxDays,
      detail: `${days.length} days; at most ${maxDays}${maxDays > options.maxDays ? ' (the period holds 29 February)' : ''}`,
    },
    {
      check: 'daily_coverage',
      passed: days.length > 0 && coverage >= options.minCoverage,
      detail: `${data.n} of ${days.length} days (${percent(coverage)}) have usage and temperature${
        options.workingDayRegressor ? ' and a working-day flag' : ''
      }; at least ${percent(options.minCoverage)} needed`,
    },
  ];

  const sums = new DegreeDaySums(data.temperature, data.y, data.w);
  const enough = (stats: DegreeDayStats) =>
    stats.days >= options.minDegreeDayDays && stats.sum >= options.minDegreeDays - 1e-9;
  const heatingPoints = options.heatingBalancePoints.map((b) => sums.heating(b)).filter(enough);
  const coolingPoints = options.coolingBalancePoints.map((b) => sums.cooling(b)).filter(enough);
  const ddDetail = (kind: string, count: number, total: number) =>
    `${count} of ${total} ${kind} balance points have at least ${options.minDegreeDayDays} days with degree-days and ${options.minDegreeDays.toFixed(1)} K·day`;
  checks.push(
    {
      check: 'heating_degree_days',
      passed: heatingPoints.length > 0,
      detail: ddDetail('heating', heatingPoints.length, options.heatingBalancePoints.length),
    },
    {
      check: 'cooling_degree_days',
      passed: coolingPoints.length > 0,
      detail: ddDetail('cooling', coolingPoints.length, options.coolingBalancePoints.length),
    },
  );
  const sufficient = checks.every((check) => check.passed || check.check.endsWith('_degree_days'));
  const sufficiency: Sufficiency = { sufficient, days: days.length, usableDays: data.n, coverage, checks };
  if (!sufficient) return { sufficiency, candidates: [], options };

  const equations = new NormalEquations();
  const criticals = criticalValues(data.n, options);
  const scratch: Evaluation = { sse: 0, adjustedR2: 0, qualified: false };
  const variants = options.workingDayRegressor ? [false, true] : [false];
  const summaries: (CandidateSummary & { best?: Best })[] = [];
  for (const type of MODEL_TYPES) {
    for (const workingDay of variants) {
      const needsHeating = type === 'hdd' || type === 'hdd_cdd';
      const needsCooling = type === 'cdd' || type === 'hdd_cdd';
      if (needsHeating && heatingPoints.length === 0) {
        summaries.push({
          type,
          workingDay,
          status: 'not_fitted',
          reason: 'too_few_heating_days',
          evaluated: 0,
          qualified: 0,
        });
        continue;
      }
      if (needsCooling && coolingPoints.length === 0) {
        summaries.push({
          type,
          workingDay,
          status: 'not_fitted',
          reason: 'too_few_cooling_days',
          evaluated: 0,
          qualified: 0,
        });
        continue;
      }
      let evaluated = 0;
      let qualifiedCount = 0;
      let anySolved = false;
      let best: Best | undefined;
      const consider = (heating: DegreeDayStats | undefined, cooling: DegreeDayStats | undefined): void => {
        evaluated++;
        if (!evaluate(equations, data, heating, cooling, workingDay, criticals, scratch)) return;
        anySolved = true;
        if (!scratch.qualified) return;
        qualifiedCount++;
        if (!best || scratch.adjustedR2 > best.adjustedR2)
          best = { adjustedR2: scratch.adjustedR2, regressors: { heating, cooling, workingDay } };
      };
      if (type === 'intercept_only') consider(undefined, undefined);
      else if (type === 'hdd') for (const heating of heatingPoints) consider(heating, undefined);
      else if (type === 'cdd') for (const cooling of coolingPoints) consider(undefined, cooling);
      else
        for (const heating of heatingPoints)
          for (const cooling of coolingPoints)
            if (heating.balancePoint <= cooling.balancePoint) consider(heating, cooling);
      const chosen = best as Best | undefined;
      summaries.push({
        type,
        workingDay,
        status: chosen ? 'qualified' : evaluated > 0 && !anySolved ? 'not_fitted' : 'disqualified',
        ...(chosen
          ? {}
          : { reason: anySolved || evaluated === 0 ? 'negative_or_insignificant' : 'singular' }),
        evaluated,
        qualified: qualifiedCount,
        ...(chosen
          ? {
              best: chosen,
              bestAdjustedR2: chosen.adjustedR2,
              ...(chosen.regressors.heating
                ? { heatingBalancePoint: chosen.regressors.heating.balancePoint }
                : {}),
              ...(chosen.regressors.cooling
                ? { coolingBalancePoint: chosen.regressors.cooling.balancePoint }
                : {}),
            }
          : {}),
      });
    }
  }
  // The highest adjusted R²; on a tie the simpler model (listed first) stays.
  let selected: (typeof summaries)[number] | undefined;
  for (const summary of summaries) {
    if (summary.best && (!selected?.best || summary.best.adjustedR2 > selected.best.adjustedR2))
      selected = summary;
  }
  const candidates: CandidateSummary[] = summaries.map(({ best: _best, ...summary }) =>
    summary.type === selected?.type && summary.workingDay === selected.workingDay
      ? { ...summary, status: 'selected' as const }
      : summary,
  );
  if (!selected?.best) return { sufficiency, candidates, options };
  const model = finalModel(data, selected.type, selected.best.regressors, equations);
  return { sufficiency, model, quality: fitQuality(model.cvRmse, model.nmbe), candidates, options };
}

/** The selected candidate with its coefficients' statistics and its residual diagnostics. */
function finalModel(
  data: Prepared,
  type: ModelType,
  regressors: Regressors,
  equations: NormalEquations,
): BaselineModel {
  const p = fillNormalEquations(
    equations,
    data,
    regressors.heating,
    regressors.cooling,
    regressors.workingDay,
  );
  equations.solve(p);
  equations.fullInverse(p);
  const inverseMatrix: number[] = [];
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) inverseMatrix.push(equations.inverse[i * MAX_PARAMETERS + j] as number);
  const beta = Array.from(equations.beta.subarray(0, p));
  const inverse = Array.from(equations.inverseDiagonal.subarray(0, p));
  // Residuals in date order, from the data itself rather than the sums.
  let sse = 0;
  let residualSum = 0;
  let lagProduct = 0;
  let previous: number | undefined;
  const interceptCentred = beta[0] as number;
  let column = 1;
  const hIndex = regressors.heating ? column++ : -1;
  const cIndex = regressors.cooling ? column++ : -1;
  const wIndex = regressors.workingDay ? column++ : -1;
  for (let i = 0; i < data.n; i++) {
    const t = data.temperature[i] as number;
    let fitted = interceptCentred;
    if (regressors.heating) fitted += (beta[hIndex] as number) * hdd(regressors.heating.balancePoint, t);
    if (regressors.cooling) fitted += (beta[cIndex] as number) * cdd(regressors.cooling.balancePoint, t);
    if (regressors.workingDay) fitted += (beta[wIndex] as number) * (data.w[i] as number);
    const residual = (data.y[i] as number) - fitted;
    sse += residual * residual;
    residualSum += residual;
    if (previous !== undefined) lagProduct += residual * previous;
    previous = residual;
  }
  const dof = data.n - p;
  const variance = sse / dof;
  const coefficient = (index: number) => {
    const value = beta[index] as number;
    const standardError = Math.sqrt(variance * (inverse[index] as number));
    return {
      value,
      standardError,
      pValue: standardError > 0 ? twoSidedPValue(value / standardError, dof) : 0,
    };
  };
  const intercept = coefficient(0);
  const rmse = Math.sqrt(variance);
  const mean = data.meanUsage;
  return {
    type,
    workingDay: regressors.workingDay,
    intercept: {
      ...intercept,
      value: intercept.value + mean,
      pValue: pValueOf(intercept.value + mean, intercept.standardError, dof),
    },
    ...(regressors.heating
      ? { heating: { balancePoint: regressors.heating.balancePoint, slope: coefficient(hIndex) } }
      : {}),
    ...(regressors.cooling
      ? { cooling: { balancePoint: regressors.cooling.balancePoint, slope: coefficient(cIndex) } }
      : {}),
    ...(regressors.workingDay ? { workingDaySlope: coefficient(wIndex) } : {}),
    n: data.n,
    parameters: p,
    r2: data.syy > 0 ? 1 - sse / data.syy : 0,
    adjustedR2: data.syy > 0 ? 1 - variance / (data.syy / (data.n - 1)) : 0,
    rmse,
    meanUsage: mean,
    cvRmse: mean !== 0 ? rmse / mean : Number.POSITIVE_INFINITY,
    nmbe: mean !== 0 ? residualSum / (dof * mean) : 0,
    autocorrelation: sse > 0 ? Math.max(-1, Math.min(1, lagProduct / sse)) : 0,
    covariance: inverseMatrix.map((value) => value * variance),
  };
}

/**
 * The intercept was fitted on usage centred on its mean; shifting by the mean moves the estimate,
 * not its standard error, so its p-value is taken on the uncentred value.
 */
function pValueOf(value: number, standardError: number, dof: number): number {
  return standardError > 0 ? twoSidedPValue(value / standardError, dof) : 0;
}
