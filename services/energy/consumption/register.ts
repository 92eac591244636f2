import { EnergyError } from '../errors.ts';

/** One stored reading of a cumulative register: ms timestamp, value in the canonical unit (kWh, m³). */
export interface RegisterSample {
  readonly ts: number;
  readonly value: number;
  /** Stored as `uncertain` by the gateway: its value is not trusted and is left out. */
  readonly uncertain?: true;
}

export interface RegisterOptions {
  /**
   * The value after which the register wraps to zero (the point's `limits.max` in the canonical
   * unit). Without it every decrease is a reset, since a rollover cannot be told from one.
   */
  readonly registerMax?: number;
  /**
   * Consecutive good samples further apart than this are a gap: the energy between them is known
   * in total but not when it was used, so it is never spread over the intervals the gap crosses.
   */
  readonly maxGapMs: number;
}

/**
 * How far below the top a sample must be, and how close to zero the next, for a decrease to be
 * taken as a rollover: the wrapped increment must be under this share of the register's range.
 * A replaced or cleared meter starts near zero from anywhere, so its wrapped increment is huge.
 */
export const ROLLOVER_SHARE = 0.1;

/** A stretch of a register's time where consumption is not known interval by interval. */
export interface RegisterGap {
  readonly fromMs: number;
  readonly toMs: number;
  /**
   * - `no_data`: no sample before (or after) this stretch of the asked range;
   * - `long_gap`: two samples further apart than `maxGapMs`; `energyAcross` is what the register rose between them;
   * - `reset`: the register fell (meter replaced or cleared): the energy of this stretch is unknown.
   */
  readonly kind: 'no_data' | 'long_gap' | 'reset';
  readonly energyAcross?: number;
}

/** A decrease of the register, and how it was read. */
export interface RegisterEvent {
  /** Timestamp of the sample after the decrease. */
  readonly ts: number;
  readonly kind: 'reset' | 'rollover';
  readonly before: number;
  readonly after: number;
}

/** Two consecutive good samples, with what the register did between them. */
export interface RegisterSegment {
  readonly fromMs: number;
  readonly toMs: number;
  /** Energy between the two samples; undefined across a reset. */
  readonly energy: number | undefined;
  /** `linear`: short enough to apportion by time; `bulk`: a gap, countable only in an interval holding it whole. */
  readonly kind: 'linear' | 'bulk' | 'reset';
}

export interface RegisterSegments {
  readonly segments: readonly RegisterSegment[];
  readonly events: readonly RegisterEvent[];
  /** Good samples used; uncertain and non-finite ones are skipped and counted. */
  readonly samples: number;
  readonly skipped: number;
  readonly firstTs: number | undefined;
  readonly lastTs: number | undefined;
}

/**
 * Reads a register's samples as segments between consecutive good samples. A rise is energy; a
 * fall is a rollover when `registerMax` is known and the wrapped increment is small (a register
 * near its top reading near zero next), otherwise a reset whose segment's energy is unknown.
 * Taking the new reading of a reset as "used since zero" would credit a replacement meter's
 * whole starting reading to one interval, so it is reported as a gap instead.
 */
export function registerSegments(
  samples: readonly RegisterSample[],
  options: RegisterOptions,
): RegisterSegments {
  if (!(options.maxGapMs > 0)) throw new EnergyError('invalid_input', 'maxGapMs must be positive');
  const max = options.registerMax;
  if (max !== undefined && !(max > 0)) throw new EnergyError('invalid_input', 'registerMax must be positive');
  let skipped = 0;
  const good: RegisterSample[] = [];
  let sorted = true;
  for (const sample of samples) {
    if (sample.uncertain === true || !Number.isFinite(sample.value) || !Number.isFinite(sample.ts)) {
      skipped++;
      continue;
    }
    const previous = good[good.length - 1];
    if (previous && sample.ts <= previous.ts) sorted = false;
    good.push(sample);
  }
  if (!sorted) {
    good.sort((a, b) => a.ts - b.ts);
    // One sample per timestamp, as the store keeps (its de-duplication keeps one of them).
    for (let i = good.length - 1; i > 0; i--) if (good[i]?.ts === good[i - 1]?.ts) good.splice(i, 1);
  }
  const segments: RegisterSegment[] = [];
  const events: RegisterEvent[] = [];
  for (let i = 1; i < good.length; i++) {
    const a = good[i - 1] as RegisterSample;
    const b = good[i] as RegisterSample;
    let energy: number | undefined;
    if (b.value >= a.value) {
      energy = b.value - a.value;
    } else if (max !== undefined && a.value <= max && max - a.value + b.value < max * ROLLOVER_SHARE) {
      energy = max - a.value + b.value;
      events.push({ ts: b.ts, kind: 'rollover', before: a.value, after: b.value });
    } else {
      events.push({ ts: b.ts, kind: 'reset', before: a.value, after: b.value });
    }
    const kind = energy === undefined ? 'reset' : b.ts - a.ts > options.maxGapMs ? 'bulk' : 'linear';
    segments.push({ fromMs: a.ts, toMs: b.ts, energy, kind });
  }
  return {
    segments,
    events,
    samples: good.length,
    skipped,
    firstTs: good[0]?.ts,
    lastTs: good[good.length - 1]?.ts,
  };
}
