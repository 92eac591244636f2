import type { ConditionEvent, Outcome } from './evaluation.ts';
import { evaluateLatched } from './leaf.ts';
import { keepFrom } from './samples.ts';
import type { FlatlineCondition } from './schema.ts';
import type { FlatlineState, Sample } from './state.ts';

const NO_DELAY = { forMs: 0, clearForMs: 0 };

/**
 * Fires when every good reading since `now − windowS` (and the one that held at that instant)
 * lies within `epsilon` of each other: the longest run of latest readings within epsilon must
 * reach back to the window's start, so it needs a window's worth of readings first. Clears on
 * the first reading that takes the run beyond epsilon. The value is the stuck value.
 */
export function evaluateFlatline(
  condition: FlatlineCondition,
  state: FlatlineState,
  event: ConditionEvent,
): Outcome<FlatlineState> {
  return evaluateLatched(state, event, [condition.point], NO_DELAY, (tracked, reading) => {
    const value = tracked.points[condition.point]?.goodValue ?? reading.value;
    const start = reading.ts - condition.windowS * 1000;
    const run = keepFrom(extend(tracked.run, [reading.ts, value], condition.epsilon), start);
    const covered = (run[0]?.[0] ?? Number.POSITIVE_INFINITY) <= start;
    return {
      state: { ...tracked, run },
      observation: { verdict: covered ? 'violating' : 'clearing', ts: reading.ts, value, severity: 0 },
    };
  });
}

/** The longest suffix of `run` + `sample` whose values span at most `epsilon`. */
function extend(run: readonly Sample[], sample: Sample, epsilon: number): Sample[] {
  const [, value] = sample;
  const last = run.at(-1);
  // A repeated value adds nothing: the run already holds it from an earlier time.
  if (last !== undefined && last[1] === value) return [...run];
  let low = value;
  let high = value;
  let first = run.length;
  while (first > 0) {
    const previous = run[first - 1]?.[1] ?? value;
    const nextLow = Math.min(low, previous);
    const nextHigh = Math.max(high, previous);
    if (nextHigh - nextLow > epsilon) break;
    low = nextLow;
    high = nextHigh;
    first--;
  }
  return [...run.slice(first), sample];
}
