import { EnergyError } from '../errors.ts';
import {
  type RegisterEvent,
  type RegisterGap,
  type RegisterOptions,
  type RegisterSample,
  type RegisterSegment,
  registerSegments,
} from './register.ts';

/**
 * - `complete`: every instant of the interval lies between two good samples whose energy is known
 *   and attributable (the value is exact, up to the linear apportioning of edge increments);
 * - `partial`: part of it is uncovered (a gap, a reset, no data yet): the value is what was
 *   measured, a lower bound;
 * - `missing`: nothing of it is covered; the value is null, never a guess.
 */
export type IntervalStatus = 'complete' | 'partial' | 'missing';

export interface IntervalConsumption {
  readonly fromMs: number;
  readonly toMs: number;
  readonly value: number | null;
  readonly status: IntervalStatus;
  /** Milliseconds of the interval covered by known energy. */
  readonly coveredMs: number;
}

export interface MeterConsumption {
  readonly intervals: readonly IntervalConsumption[];
  /** Where consumption is not known interval by interval, clipped to the asked range. */
  readonly gaps: readonly RegisterGap[];
  /** Resets and rollovers inside the asked range. */
  readonly events: readonly RegisterEvent[];
  readonly samples: number;
  readonly skippedSamples: number;
}

/**
 * Consumption per interval of a grid from a cumulative register.
 *
 * Between two good samples at most `maxGapMs` apart the register is taken to rise linearly, so an
 * increment that straddles an interval boundary counts in proportion to the overlap: that is
 * apportioning a measured increment, not filling a gap. Samples further apart are a gap: their
 * increment counts only in an interval that holds the whole gap (a 2-hour outage inside a day
 * leaves the day exact), and every interval it touches otherwise is `partial` or `missing`, with
 * the gap and its `energyAcross` reported. Resets make their segment unknown; rollovers (see
 * `RegisterOptions.registerMax`) count the wrapped increment.
 *
 * `boundaries` are the grid's instants, strictly increasing: interval i is [b[i], b[i+1]).
 * Samples should reach a little beyond both ends, so the first and last intervals are bracketed.
 */
export function intervalConsumption(
  samples: readonly RegisterSample[],
  boundaries: readonly number[],
  options: RegisterOptions,
): MeterConsumption {
  for (let i = 1; i < boundaries.length; i++) {
    if (!((boundaries[i] as number) > (boundaries[i - 1] as number)))
      throw new EnergyError('invalid_input', 'interval boundaries must be strictly increasing');
  }
  const read = registerSegments(samples, options);
  const startMs = boundaries[0];
  const endMs = boundaries[boundaries.length - 1];
  if (startMs === undefined || endMs === undefined || boundaries.length < 2) {
    return { intervals: [], gaps: [], events: [], samples: read.samples, skippedSamples: read.skipped };
  }

  const intervals: IntervalConsumption[] = [];
  const segments = read.segments;
  let s = 0; // first segment that may still overlap the current interval
  for (let i = 0; i + 1 < boundaries.length; i++) {
    const from = boundaries[i] as number;
    const to = boundaries[i + 1] as number;
    while (s < segments.length && (segments[s] as RegisterSegment).toMs <= from) s++;
    let value = 0;
    let covered = 0;
    for (let k = s; k < segments.length; k++) {
      const segment = segments[k] as RegisterSegment;
      if (segment.fromMs >= to) break;
      if (segment.energy === undefined) continue;
      const overlap = Math.min(segment.toMs, to) - Math.max(segment.fromMs, from);
      if (overlap <= 0) continue;
      if (segment.kind === 'linear') {
        value += (segment.energy * overlap) / (segment.toMs - segment.fromMs);
        covered += overlap;
      } else if (segment.fromMs >= from && segment.toMs <= to) {
        value += segment.energy;
        covered += overlap;
      }
    }
    const length = to - from;
    // Float sums of overlaps can miss the length by a rounding error; 1 ms is the store's resolution.
    const status: IntervalStatus = covered >= length - 0.5 ? 'complete' : covered > 0 ? 'partial' : 'missing';
    intervals.push({
      fromMs: from,
      toMs: to,
      value: status === 'missing' ? null : value,
      status,
      coveredMs: Math.min(covered, length),
    });
  }

  const gaps: RegisterGap[] = [];
  const clip = (gap: RegisterGap): void => {
    const fromMs = Math.max(gap.fromMs, startMs);
    const toMs = Math.min(gap.toMs, endMs);
    if (toMs > fromMs) gaps.push({ ...gap, fromMs, toMs });
  };
  if (read.firstTs === undefined || read.lastTs === undefined) {
    clip({ fromMs: startMs, toMs: endMs, kind: 'no_data' });
  } else {
    clip({ fromMs: startMs, toMs: read.firstTs, kind: 'no_data' });
    for (const segment of segments) {
      if (segment.kind === 'reset') clip({ fromMs: segment.fromMs, toMs: segment.toMs, kind: 'reset' });
      else if (segment.kind === 'bulk')
        clip({
          fromMs: segment.fromMs,
          toMs: segment.toMs,
          kind: 'long_gap',
          ...(segment.energy === undefined ? {} : { energyAcross: segment.energy }),
        });
    }
    clip({ fromMs: read.lastTs, toMs: endMs, kind: 'no_data' });
  }
  const events = read.events.filter((event) => event.ts > startMs && event.ts <= endMs);
  return { intervals, gaps, events, samples: read.samples, skippedSamples: read.skipped };
}

/** A period's total from its intervals: exact only when every interval is complete. */
export interface PeriodTotal {
  /** Sum of the measured values; null when every interval is missing. */
  readonly value: number | null;
  readonly status: IntervalStatus;
  /** Share of the period's time covered, 0…1. */
  readonly coverage: number;
}

export function periodTotal(intervals: readonly IntervalConsumption[]): PeriodTotal {
  let value = 0;
  let covered = 0;
  let length = 0;
  let anyValue = false;
  let allComplete = intervals.length > 0;
  for (const interval of intervals) {
    length += interval.toMs - interval.fromMs;
    covered += interval.coveredMs;
    if (interval.value !== null) {
      value += interval.value;
      anyValue = true;
    }
    if (interval.status !== 'complete') allComplete = false;
  }
  const status: IntervalStatus = allComplete ? 'complete' : anyValue ? 'partial' : 'missing';
  return { value: anyValue ? value : null, status, coverage: length > 0 ? covered / length : 0 };
}
