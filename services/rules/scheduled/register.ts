import type { Sample } from './samples.ts';

/** An interval of a span that no pair of samples covers, or that two samples far apart bridge. */
export interface Gap {
  readonly fromMs: number;
  readonly toMs: number;
  /** `edge`: no sample before the span's start (or after its end), so its energy is unknown. */
  readonly kind: 'edge' | 'between_samples';
}

export interface RegisterEnergy {
  /** Energy used in [fromMs, toMs), in the register's unit; never negative. */
  readonly energy: number;
  /** Good samples used (those in the span plus one on each side where there is one). */
  readonly samples: number;
  /** Decreases of the register, each taken as a reset (a new or reset meter). */
  readonly resets: number;
  /** True when samples at or before `fromMs` and at or after `toMs` bracket the span. */
  readonly complete: boolean;
  readonly gaps: readonly Gap[];
}

/**
 * The energy a cumulative register (kWh, `kind: counter`) recorded over [fromMs, toMs).
 *
 * Between two consecutive good samples the register is taken to rise linearly, so an increment
 * that straddles a boundary of the span counts in proportion to the overlap. Across a gap inside
 * the span this is exact for the span's total (the register only rises); at the span's edges it
 * apportions one interval.
 *
 * A decrease is a reset (meter replaced, register cleared, rollover): the pair contributes
 * nothing and counting continues from the new value. A reset therefore loses at most the energy
 * of one interval, and never yields a negative or a huge figure (which taking the new value as
 * "used since zero" would, for a replacement meter that starts from its own reading).
 *
 * Uncertain samples are left out: their values are not trusted. Without a sample at or before
 * `fromMs` (or at or after `toMs`) the energy of that edge is unknown, the figure is a lower
 * bound and `complete` is false. Consecutive samples further apart than `maxSampleGapMs` are
 * reported as gaps (their energy is still counted).
 */
export function registerEnergy(
  samples: readonly Sample[],
  fromMs: number,
  toMs: number,
  maxSampleGapMs: number,
): RegisterEnergy {
  const good = samples.filter((sample) => sample.uncertain !== true && Number.isFinite(sample.value));
  // The last sample at or before the start, everything inside, the first at or after the end.
  let first = 0;
  while (first + 1 < good.length && (good[first + 1]?.ts ?? Number.POSITIVE_INFINITY) <= fromMs) first++;
  let last = good.length - 1;
  while (last - 1 >= 0 && (good[last - 1]?.ts ?? Number.NEGATIVE_INFINITY) >= toMs) last--;
  const used = good
    .slice(first, last + 1)
    .filter((sample, i, list) => i === 0 || sample.ts > (list[i - 1]?.ts ?? 0));

  const gaps: Gap[] = [];
  const head = used[0];
  const tail = used[used.length - 1];
  if (!head || !tail) {
    return { energy: 0, samples: 0, resets: 0, complete: false, gaps: [{ fromMs, toMs, kind: 'edge' }] };
  }
  if (head.ts > fromMs) gaps.push({ fromMs, toMs: Math.min(head.ts, toMs), kind: 'edge' });

  let energy = 0;
  let resets = 0;
  for (let i = 1; i < used.length; i++) {
    const a = used[i - 1] as Sample;
    const b = used[i] as Sample;
    const overlap = Math.min(b.ts, toMs) - Math.max(a.ts, fromMs);
    if (b.value < a.value) {
      resets++;
    } else if (overlap > 0) {
      energy += ((b.value - a.value) * overlap) / (b.ts - a.ts);
    }
    if (overlap > 0 && b.ts - a.ts > maxSampleGapMs) {
      gaps.push({ fromMs: Math.max(a.ts, fromMs), toMs: Math.min(b.ts, toMs), kind: 'between_samples' });
    }
  }
  if (tail.ts < toMs) gaps.push({ fromMs: Math.max(tail.ts, fromMs), toMs, kind: 'edge' });
  return {
    energy,
    samples: used.length,
    resets,
    complete: head.ts <= fromMs && tail.ts >= toMs,
    gaps,
  };
}
