import Type, { type Static } from 'typebox';

/**
 * CalTRACK daily candidate models (CalTRACK 2.0, daily methods): usage per day =
 * intercept + heating slope × HDD(heating balance point) + cooling slope × CDD(cooling balance
 * point), with one, both or neither degree-day term; here optionally + a working-day term.
 */
export const MODEL_TYPES = ['intercept_only', 'hdd', 'cdd', 'hdd_cdd'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

/** One day of a baseline or reporting period. */
export interface BaselineDay {
  readonly date: string;
  /** Energy used that day (kWh); null when the day's consumption is not complete. */
  readonly usage: number | null;
  /** Daily mean outdoor temperature (°C); null when the weather data is not sufficient. */
  readonly temperature: number | null;
  /** A working day of the Chinese working calendar (workday or 调休 adjusted working day). */
  readonly workingDay?: boolean;
}

const Coefficient = Type.Object(
  {
    value: Type.Number(),
    standardError: Type.Number({ minimum: 0 }),
    /** Two-sided p-value of the coefficient's t statistic. */
    pValue: Type.Number({ minimum: 0, maximum: 1 }),
  },
  { additionalProperties: false },
);

const DegreeDayTerm = Type.Object(
  {
    /** °C: HDD = max(0, balance point − T), CDD = max(0, T − balance point). */
    balancePoint: Type.Number(),
    /** kWh per degree-day. */
    slope: Coefficient,
  },
  { additionalProperties: false },
);

/** A fitted baseline model and its fit statistics; stored as JSON when a baseline is frozen. */
export const BaselineModel = Type.Object(
  {
    type: Type.Enum(MODEL_TYPES),
    /** The model has a working-day term (kWh added on working days). */
    workingDay: Type.Boolean(),
    intercept: Coefficient,
    heating: Type.Optional(DegreeDayTerm),
    cooling: Type.Optional(DegreeDayTerm),
    workingDaySlope: Type.Optional(Coefficient),
    /** Days the model was fitted on, and its parameters (intercept included). */
    n: Type.Integer({ minimum: 1 }),
    parameters: Type.Integer({ minimum: 1 }),
    r2: Type.Number(),
    adjustedR2: Type.Number(),
    /** sqrt(SSE / (n − p)), kWh per day. */
    rmse: Type.Number({ minimum: 0 }),
    /** Mean daily usage of the fitted days. */
    meanUsage: Type.Number(),
    /** RMSE / mean usage (ASHRAE Guideline 14 definition, n − p in the denominator). */
    cvRmse: Type.Number(),
    /** Σ(y − ŷ) / ((n − p) · mean usage); ~0 in-sample for least squares with an intercept. */
    nmbe: Type.Number(),
    /** Lag-1 autocorrelation of the residuals in date order (for the effective number of points). */
    autocorrelation: Type.Number({ minimum: -1, maximum: 1 }),
    /**
     * Covariance of the coefficients, σ²(X'X)⁻¹, row-major p × p in the order intercept, heating
     * slope, cooling slope, working-day slope (those present): the prediction interval of a sum.
     */
    covariance: Type.Array(Type.Number()),
  },
  { additionalProperties: false },
);
export type BaselineModel = Static<typeof BaselineModel>;

/** A day's regressors in the model's coefficient order: 1, HDD, CDD, working day (those present). */
export function regressorsOf(
  model: BaselineModel,
  day: { readonly temperature: number | null; readonly workingDay?: boolean },
): number[] | undefined {
  const row = [1];
  if (model.heating || model.cooling) {
    if (day.temperature === null) return undefined;
    if (model.heating) row.push(hdd(model.heating.balancePoint, day.temperature));
    if (model.cooling) row.push(cdd(model.cooling.balancePoint, day.temperature));
  }
  if (model.workingDaySlope) {
    if (day.workingDay === undefined) return undefined;
    row.push(day.workingDay ? 1 : 0);
  }
  return row;
}

/** Heating and cooling degree-days of a daily mean temperature. */
export const hdd = (balancePoint: number, temperature: number): number =>
  Math.max(0, balancePoint - temperature);
export const cdd = (balancePoint: number, temperature: number): number =>
  Math.max(0, temperature - balancePoint);

/**
 * The model's expected usage for a day, or undefined when it needs a temperature (or a
 * working-day flag) the day does not have.
 */
export function predictDay(
  model: BaselineModel,
  day: { readonly temperature: number | null; readonly workingDay?: boolean },
): number | undefined {
  let value = model.intercept.value;
  if (model.heating || model.cooling) {
    if (day.temperature === null) return undefined;
    if (model.heating) value += model.heating.slope.value * hdd(model.heating.balancePoint, day.temperature);
    if (model.cooling) value += model.cooling.slope.value * cdd(model.cooling.balancePoint, day.temperature);
  }
  if (model.workingDaySlope) {
    if (day.workingDay === undefined) return undefined;
    if (day.workingDay) value += model.workingDaySlope.value;
  }
  return value;
}
