import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import { EnergyError } from '../errors.ts';

/** `from`, `from + step`, … up to `to` (included), rounded to the step's decimals. */
export function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let k = 0; from + k * step <= to + 1e-9; k++) values.push(Math.round((from + k * step) * 1e6) / 1e6);
  return values;
}

export const FitOptions = Type.Object(
  {
    /** Heating balance points searched (°C), ascending. */
    heatingBalancePoints: Type.Array(Type.Number(), { minItems: 1 }),
    /** Cooling balance points searched (°C), ascending. */
    coolingBalancePoints: Type.Array(Type.Number(), { minItems: 1 }),
    /** Fit every candidate also with a working-day term, and let adjusted R² choose. */
    workingDayRegressor: Type.Boolean(),
    /** Coefficients with a two-sided p-value at or above this are insignificant (CalTRACK: 0.1). */
    maxPValue: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
    /** Days with a non-zero degree-day value a balance point needs (CalTRACK: 10). */
    minDegreeDayDays: Type.Integer({ minimum: 1 }),
    /** Degree-days a balance point needs in the period (CalTRACK: 20 °F·day = 11.1 K·day). */
    minDegreeDays: Type.Number({ minimum: 0 }),
    /** Share of the period's days with usage and temperature (CalTRACK: 90 %). */
    minCoverage: Type.Number({ minimum: 0, maximum: 1 }),
    /** Longest baseline period in days (CalTRACK: 365). */
    maxDays: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);
export type FitOptions = Static<typeof FitOptions>;

/**
 * Defaults. The balance-point ranges are wider than CalTRACK's defaults (55–65 °F heating, i.e.
 * 12.8–18.3 °C, and 65–75 °F cooling, 18.3–23.9 °C): CalTRACK's own working group found those
 * restrictive in more extreme climates (caltrack issue #72), and Chinese public buildings span
 * climate zones from severe cold to hot summer/warm winter. Steps of 0.5 °C are finer than
 * CalTRACK's 1 °F; the search cost does not depend on the data size (see fit.ts).
 */
export const DEFAULT_FIT_OPTIONS: FitOptions = {
  heatingBalancePoints: range(8, 24, 0.5),
  coolingBalancePoints: range(12, 30, 0.5),
  workingDayRegressor: false,
  maxPValue: 0.1,
  minDegreeDayDays: 10,
  minDegreeDays: (20 * 5) / 9,
  minCoverage: 0.9,
  maxDays: 365,
};

/** Overrides already validated: a fleet's meters share one options object, checked once. */
const validated = new WeakMap<Partial<FitOptions>, FitOptions>();

/** Options over the defaults, validated: bad options are a typed error, not a strange fit. */
export function fitOptions(overrides: Partial<FitOptions> = {}): FitOptions {
  const known = validated.get(overrides);
  if (known) return known;
  const options = { ...DEFAULT_FIT_OPTIONS, ...overrides };
  if (!Value.Check(FitOptions, options)) {
    const first = [...Value.Errors(FitOptions, options)][0];
    throw new EnergyError(
      'invalid_input',
      `invalid fit options: ${first?.instancePath ?? ''} ${first?.message ?? ''}`,
    );
  }
  for (const list of [options.heatingBalancePoints, options.coolingBalancePoints]) {
    if (list.some((value, i) => i > 0 && value <= (list[i - 1] as number)))
      throw new EnergyError('invalid_input', 'balance points must be strictly ascending');
  }
  validated.set(overrides, options);
  return options;
}
