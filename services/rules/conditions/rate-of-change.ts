import type { ConditionEvent, Outcome } from './evaluation.ts';
import { debounceOf, type Observation } from './latch.ts';
import { evaluateLatched } from './leaf.ts';
import { keepFrom } from './samples.ts';
import type { RateOfChangeCondition } from './schema.ts';
import type { RateOfChangeState } from './state.ts';

/**
 * The rate is the change per minute from the newest good reading at or before `now − windowS`
 * (the value that held when the window opened) to the reading just received: the average slope
 * over at least the whole window, so one noisy pair of readings seconds apart cannot fire it.
 * Until a reading that old exists there is no rate and nothing changes. After a gap longer than
 * the window the slope spans the gap (each value is taken to hold until the next reading).
 * Fires when |rate| > maxPerMinute, rate > rise, or −rate > fall; clears when none holds.
 */
export function evaluateRateOfChange(
  condition: RateOfChangeCondition,
  state: RateOfChangeState,
  event: ConditionEvent,
): Outcome<RateOfChangeState> {
  return evaluateLatched(state, event, [condition.point], debounceOf(condition), (tracked, reading) => {
    const value = tracked.points[condition.point]?.goodValue ?? reading.value;
    const window = keepFrom([...tracked.window, [reading.ts, value]], reading.ts - condition.windowS * 1000);
    const next = { ...tracked, window };
    const anchor = window[0];
    if (anchor === undefined || anchor[0] > reading.ts - condition.windowS * 1000) return { state: next };
    const rate = ((value - anchor[1]) / (reading.ts - anchor[0])) * 60_000;
    return { state: next, observation: observe(condition, rate, reading.ts) };
  });
}

function observe(condition: RateOfChangeCondition, rate: number, ts: number): Observation {
  const { maxPerMinute, rise, fall } = condition;
  const violating =
    (maxPerMinute !== undefined && Math.abs(rate) > maxPerMinute) ||
    (rise !== undefined && rate > rise) ||
    (fall !== undefined && -rate > fall);
  // Severity relative to each limit, so a rise and a fall with different limits compare fairly.
  const severity = Math.max(
    maxPerMinute === undefined ? Number.NEGATIVE_INFINITY : Math.abs(rate) / maxPerMinute,
    rise === undefined ? Number.NEGATIVE_INFINITY : rate / rise,
    fall === undefined ? Number.NEGATIVE_INFINITY : -rate / fall,
  );
  return {
    verdict: violating ? 'violating' : 'clearing',
    ts,
    value: rate === 0 ? 0 : rate,
    severity: Number.isFinite(severity) ? severity : 0,
  };
}
