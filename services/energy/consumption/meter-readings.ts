import type { ReadingSource } from '../store/readings.ts';
import type { Resolution, SiteDay, SiteGrid } from './grid.ts';
import { intervalConsumption, type MeterConsumption, type PeriodTotal, periodTotal } from './intervals.ts';
import type { MeterNode, MeterTree } from './meter-tree.ts';

/** Gaps shorter than this are apportioned: one interval of the finest grid. */
const MIN_GAP_MS = 15 * 60_000;

/** A meter's longest span between two samples that is still apportioned by time. */
export const maxGapOf = (meter: MeterNode): number => Math.max(MIN_GAP_MS, 3 * meter.intervalMs);

export interface DailyConsumption extends SiteDay {
  readonly value: number | null;
  readonly status: PeriodTotal['status'];
  readonly coverage: number;
}

export interface MeterPeriod {
  readonly total: PeriodTotal;
  readonly consumption: MeterConsumption;
}

/**
 * Consumption of configured meters from the store: reads each register a little beyond the asked
 * range (so the edges are bracketed by a sample when there is one within the meter's gap limit)
 * and cuts it into intervals with the meter's register maximum and gap limit.
 */
export class MeterReadings {
  readonly #tree: MeterTree;
  readonly #source: ReadingSource;

  constructor(options: { readonly tree: MeterTree; readonly source: ReadingSource }) {
    this.#tree = options.tree;
    this.#source = options.source;
  }

  get tree(): MeterTree {
    return this.#tree;
  }

  /** Intervals of each meter over the boundaries of one grid. */
  async intervals(
    meterIds: readonly string[],
    boundaries: readonly number[],
  ): Promise<Map<string, MeterConsumption>> {
    const meters = meterIds.map((id) => this.#tree.meter(id));
    const first = boundaries[0] ?? 0;
    const last = boundaries[boundaries.length - 1] ?? 0;
    const margin = Math.max(...meters.map(maxGapOf), MIN_GAP_MS);
    const samples = await this.#source.samples(
      meters.map((meter) => meter.registerPointId),
      first - margin,
      last + margin,
    );
    const result = new Map<string, MeterConsumption>();
    for (const meter of meters) {
      result.set(
        meter.id,
        intervalConsumption(samples.get(meter.registerPointId) ?? [], boundaries, {
          maxGapMs: maxGapOf(meter),
          registerMax: meter.registerMax,
        }),
      );
    }
    return result;
  }

  /** Intervals of a resolution in a site's grid. */
  async series(
    meterIds: readonly string[],
    grid: SiteGrid,
    resolution: Resolution,
    fromMs: number,
    toMs: number,
  ): Promise<Map<string, MeterConsumption>> {
    return this.intervals(meterIds, grid.boundaries(resolution, fromMs, toMs));
  }

  /**
   * Each meter's total over [fromMs, toMs), computed on that one interval so a gap inside it
   * leaves the total exact (the register's rise across it is known).
   */
  async totals(meterIds: readonly string[], fromMs: number, toMs: number): Promise<Map<string, MeterPeriod>> {
    const consumption = await this.intervals(meterIds, [fromMs, toMs]);
    return new Map(
      [...consumption].map(([id, result]) => [
        id,
        { total: periodTotal(result.intervals), consumption: result },
      ]),
    );
  }

  /** Daily consumption of each meter over site days (baselines, reports). */
  async daily(
    meterIds: readonly string[],
    days: readonly SiteDay[],
  ): Promise<Map<string, DailyConsumption[]>> {
    const first = days[0];
    if (!first) return new Map(meterIds.map((id) => [id, []]));
    const boundaries = [first.fromMs, ...days.map((day) => day.toMs)];
    const consumption = await this.intervals(meterIds, boundaries);
    const result = new Map<string, DailyConsumption[]>();
    for (const [id, { intervals }] of consumption) {
      result.set(
        id,
        days.map((day, i) => {
          const interval = intervals[i];
          return {
            ...day,
            value: interval?.value ?? null,
            status: interval?.status ?? 'missing',
            coverage: interval ? interval.coveredMs / (interval.toMs - interval.fromMs) : 0,
          };
        }),
      );
    }
    return result;
  }
}
