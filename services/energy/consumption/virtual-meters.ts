import { EnergyError } from '../errors.ts';
import type { IntervalConsumption, IntervalStatus, PeriodTotal } from './intervals.ts';
import type { VirtualMeter } from './meter-tree.ts';

/** A measured figure with its completeness: an interval's value or a period's total. */
export interface Measured {
  readonly value: number | null;
  readonly status: IntervalStatus;
  readonly coverage: number;
}

/**
 * Signed sum of measured figures. A sum of lower bounds is a lower bound, so with only positive
 * terms a partial figure keeps the measured part; a difference of partial figures means nothing,
 * so with a negative term the value is null unless every term is complete.
 */
export function combineMeasured(
  terms: readonly { readonly figure: Measured; readonly sign: 1 | -1 }[],
): Measured {
  if (terms.length === 0) return { value: null, status: 'missing', coverage: 0 };
  let value = 0;
  let anyValue = false;
  let allComplete = true;
  let allMissing = true;
  let coverage = 1;
  const hasNegative = terms.some((term) => term.sign < 0);
  for (const { figure, sign } of terms) {
    if (figure.value !== null) {
      value += sign * figure.value;
      anyValue = true;
    }
    if (figure.status !== 'complete') allComplete = false;
    if (figure.status !== 'missing') allMissing = false;
    coverage = Math.min(coverage, figure.coverage);
  }
  if (allComplete) return { value, status: 'complete', coverage };
  const status: IntervalStatus = allMissing ? 'missing' : 'partial';
  return { value: anyValue && !hasNegative ? value : null, status, coverage };
}

/** A virtual meter's period total from its terms' totals. */
export function virtualTotal(
  meter: VirtualMeter,
  totals: (meterId: string) => PeriodTotal | undefined,
): Measured {
  return combineMeasured(
    meter.terms.map((term) => {
      const figure = totals(term.meterId);
      if (!figure) throw new EnergyError('unknown_meter', `no consumption for meter ${term.meterId}`);
      return { figure, sign: term.sign };
    }),
  );
}

/** A virtual meter's intervals from its terms' intervals, which must share one grid. */
export function virtualIntervals(
  meter: VirtualMeter,
  intervals: (meterId: string) => readonly IntervalConsumption[] | undefined,
): IntervalConsumption[] {
  const series = meter.terms.map((term) => {
    const list = intervals(term.meterId);
    if (!list) throw new EnergyError('unknown_meter', `no consumption for meter ${term.meterId}`);
    return { list, sign: term.sign };
  });
  const first = series[0]?.list ?? [];
  for (const { list } of series) {
    if (list.length !== first.length || list.some((interval, i) => interval.fromMs !== first[i]?.fromMs))
      throw new EnergyError('invalid_input', `the terms of ${meter.id} are not on one grid`);
  }
  return first.map((interval, i) => {
    const length = interval.toMs - interval.fromMs;
    const combined = combineMeasured(
      series.map(({ list, sign }) => {
        const term = list[i] as IntervalConsumption;
        return {
          figure: { value: term.value, status: term.status, coverage: term.coveredMs / length },
          sign,
        };
      }),
    );
    return {
      fromMs: interval.fromMs,
      toMs: interval.toMs,
      value: combined.value,
      status: combined.status,
      coveredMs: combined.coverage * length,
    };
  });
}
