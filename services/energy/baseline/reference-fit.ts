import { type BaselineDay, cdd, hdd, MODEL_TYPES, type ModelType } from './model.ts';
import { type FitOptions, fitOptions } from './options.ts';
import { NormalEquations } from './small-ols.ts';
import { criticalT } from './student-t.ts';

export interface ReferenceSelection {
  readonly type: ModelType;
  readonly workingDay: boolean;
  readonly heatingBalancePoint?: number;
  readonly coolingBalancePoint?: number;
  readonly adjustedR2: number;
  /** Intercept (in kWh), then the slopes in the order HDD, CDD, working day. */
  readonly coefficients: readonly number[];
  readonly candidatesFitted: number;
}

/**
 * The plain way to run the same grid search: for every candidate, build its design matrix from
 * the days, form X'X and X'y by a pass over every day, solve, and qualify by the same rules.
 * It is the test oracle for `fitBaseline` (which must select the same model) and the peer the
 * benchmark measures it against. O(days × candidates) where `fitBaseline` is O(candidates).
 * Sufficiency is not checked here: callers give it data that passes.
 */
export function referenceFit(
  days: readonly BaselineDay[],
  overrides: Partial<FitOptions> = {},
): ReferenceSelection | undefined {
  const options = fitOptions(overrides);
  const usable = days.filter(
    (day) =>
      day.usage !== null &&
      day.temperature !== null &&
      (!options.workingDayRegressor || day.workingDay !== undefined),
  );
  const n = usable.length;
  const y = usable.map((day) => day.usage as number);
  const t = usable.map((day) => day.temperature as number);
  const w = usable.map((day) => (options.workingDayRegressor && day.workingDay ? 1 : 0));
  const mean = y.reduce((a, b) => a + b, 0) / n;
  const syy = y.reduce((sum, value) => sum + (value - mean) ** 2, 0);
  const equations = new NormalEquations();
  const enough = (values: number[]) =>
    values.filter((v) => v > 0).length >= options.minDegreeDayDays &&
    values.reduce((a, b) => a + b, 0) >= options.minDegreeDays - 1e-9;
  const heatingColumns = options.heatingBalancePoints
    .map((b) => ({ b, values: t.map((temperature) => hdd(b, temperature)) }))
    .filter((column) => enough(column.values));
  const coolingColumns = options.coolingBalancePoints
    .map((b) => ({ b, values: t.map((temperature) => cdd(b, temperature)) }))
    .filter((column) => enough(column.values));

  let best: ReferenceSelection | undefined;
  let fitted = 0;
  const tryCandidate = (
    type: ModelType,
    workingDay: boolean,
    heating: { b: number; values: number[] } | undefined,
    cooling: { b: number; values: number[] } | undefined,
  ): void => {
    const columns: number[][] = [y.map(() => 1)];
    if (heating) columns.push(heating.values);
    if (cooling) columns.push(cooling.values);
    if (workingDay) columns.push(w);
    const p = columns.length;
    if (n - p < 1) return;
    fitted++;
    for (let i = 0; i < p; i++) {
      let xy = 0;
      for (let d = 0; d < n; d++) xy += (columns[i]?.[d] as number) * (y[d] as number);
      equations.xty[i] = xy;
      for (let j = 0; j <= i; j++) {
        let xx = 0;
        for (let d = 0; d < n; d++) xx += (columns[i]?.[d] as number) * (columns[j]?.[d] as number);
        equations.set(i, j, xx);
      }
    }
    if (!equations.solve(p)) return;
    const beta = Array.from(equations.beta.subarray(0, p));
    let sse = 0;
    for (let d = 0; d < n; d++) {
      let fit = 0;
      for (let i = 0; i < p; i++) fit += (beta[i] as number) * (columns[i]?.[d] as number);
      sse += ((y[d] as number) - fit) ** 2;
    }
    const variance = sse / (n - p);
    const critical = criticalT(options.maxPValue / 2, n - p);
    for (let i = 1; i < p; i++) {
      const standardError = Math.sqrt(variance * (equations.inverseDiagonal[i] as number));
      if (!((beta[i] as number) > 0 && (beta[i] as number) > critical * standardError)) return;
    }
    const adjustedR2 = syy > 0 ? 1 - variance / (syy / (n - 1)) : 0;
    if (!best || adjustedR2 > best.adjustedR2)
      best = {
        type,
        workingDay,
        ...(heating ? { heatingBalancePoint: heating.b } : {}),
        ...(cooling ? { coolingBalancePoint: cooling.b } : {}),
        adjustedR2,
        coefficients: beta,
        candidatesFitted: 0,
      };
  };
  for (const type of MODEL_TYPES) {
    for (const workingDay of options.workingDayRegressor ? [false, true] : [false]) {
      if (type === 'intercept_only') tryCandidate(type, workingDay, undefined, undefined);
      if (type === 'hdd')
        for (const heating of heatingColumns) tryCandidate(type, workingDay, heating, undefined);
      if (type === 'cdd')
        for (const cooling of coolingColumns) tryCandidate(type, workingDay, undefined, cooling);
      if (type === 'hdd_cdd')
        for (const heating of heatingColumns)
          for (const cooling of coolingColumns)
            if (heating.b <= cooling.b) tryCandidate(type, workingDay, heating, cooling);
    }
  }
  const chosen = best as ReferenceSelection | undefined;
  return chosen ? { ...chosen, candidatesFitted: fitted } : undefined;
}
