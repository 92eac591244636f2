import { type CheckResult, iso } from './check-result.ts';
import type { Period } from './periods.ts';

export interface DataGapInput {
  /** Timestamps of the point's samples of any quality (an uncertain reading still proves life). */
  readonly timestamps: readonly number[];
  /** The evaluation window (fromMs exclusive, toMs inclusive here: a gap ending at its end counts). */
  readonly window: Period;
  readonly maxGapS: number;
}

export interface DataGap {
  readonly fromMs: number;
  readonly toMs: number;
  readonly seconds: number;
  /** No sample within `maxGapS` before the window: the gap began earlier, its length is a lower bound. */
  readonly openStart: boolean;
  /** No sample after it up to the window's end: the gap is still going on. */
  readonly ongoing: boolean;
}

/**
 * The gaps a window is responsible for: those that end inside it, (window.fromMs, window.toMs],
 * including the silence from the last sample to the window's end. Gaps are measured in full back
 * to `maxGapS` before the window (samples from there on must be passed in), so a gap across the
 * boundary of two windows is found whole, by the window in which it ends, and tiled windows
 * report each finished gap once. An ongoing gap is reported by every window it reaches into.
 */
export function longestGap(
  timestamps: readonly number[],
  window: Period,
  maxGapS: number,
): DataGap | undefined {
  const lookbackMs = window.fromMs - maxGapS * 1000;
  const inRange = [...new Set(timestamps)]
    .filter((ts) => ts >= lookbackMs && ts <= window.toMs)
    .sort((a, b) => a - b);
  const points = [lookbackMs, ...inRange, window.toMs];
  let longest: DataGap | undefined;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as number;
    const b = points[i] as number;
    if (b <= window.fromMs || b - a <= (longest ? longest.toMs - longest.fromMs : 0)) continue;
    longest = {
      fromMs: a,
      toMs: b,
      seconds: (b - a) / 1000,
      openStart: i === 1 && inRange[0] !== lookbackMs,
      ongoing: i === points.length - 1 && inRange[inRange.length - 1] !== window.toMs,
    };
  }
  return longest;
}

/**
 * `data_gap`: fires when the window is responsible for a gap longer than `maxGapS` (`value` is its
 * length in seconds), clears otherwise. `at` is the window's end.
 */
export function evaluateDataGap(input: DataGapInput): CheckResult {
  const { window, maxGapS } = input;
  const gap = longestGap(input.timestamps, window, maxGapS);
  const facts = {
    window: { from: iso(window.fromMs), to: iso(window.toMs) },
    maxGapS,
    samples: input.timestamps.filter((ts) => ts > window.fromMs && ts <= window.toMs).length,
    ...(gap
      ? {
          longestGap: {
            from: iso(gap.fromMs),
            to: iso(gap.toMs),
            seconds: gap.seconds,
            openStart: gap.openStart,
            ongoing: gap.ongoing,
          },
        }
      : {}),
  };
  const at = window.toMs;
  if (gap && gap.seconds > maxGapS) return { verdict: 'fire', at, value: gap.seconds, facts };
  return { verdict: 'clear', at, value: gap?.seconds ?? 0, facts };
}
