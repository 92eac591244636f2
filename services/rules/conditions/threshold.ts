import type { ConditionEvent, Outcome } from './evaluation.ts';
import { debounceOf, type Observation, type Verdict } from './latch.ts';
import { evaluateLatched } from './leaf.ts';
import type { Operand, ThresholdCondition } from './schema.ts';
import type { PointTracks, ThresholdState } from './state.ts';
import { goodValueOf } from './tracking.ts';

/**
 * `above L`: fires when value > L, clears when value ≤ L − hysteresis.
 * `below L`: fires when value < L, clears when value ≥ L + hysteresis.
 * `outside [low, high]`: fires when value < low or > high, clears when low + h ≤ value ≤ high − h.
 * With hysteresis 0 "not violating" and "clearing" coincide, so an integer count `above 0`
 * clears at 0. Between the two lies the hysteresis band, where nothing changes but pending
 * durations are interrupted. L may be another point's value plus an offset (setpoint + 3 K).
 */
export function evaluateThreshold(
  condition: ThresholdCondition,
  state: ThresholdState,
  event: ConditionEvent,
): Outcome<ThresholdState> {
  return evaluateLatched(
    state,
    event,
    thresholdPoints(condition),
    debounceOf(condition),
    (tracked, reading) => {
      const observation = observe(condition, tracked.points, reading.ts);
      return observation === undefined ? { state: tracked } : { state: tracked, observation };
    },
  );
}

export function thresholdPoints(condition: ThresholdCondition): string[] {
  const operands = condition.op === 'outside' ? [condition.low, condition.high] : [condition.value];
  const keys = [condition.point];
  for (const operand of operands) {
    if (typeof operand !== 'number' && !keys.includes(operand.point)) keys.push(operand.point);
  }
  return keys;
}

/** Undefined until the point and every point it is compared with have a good value. */
function observe(condition: ThresholdCondition, points: PointTracks, ts: number): Observation | undefined {
  const value = goodValueOf(points, condition.point);
  if (value === undefined) return undefined;
  const h = condition.hysteresis;
  if (condition.op === 'outside') {
    const low = resolve(condition.low, points);
    const high = resolve(condition.high, points);
    if (low === undefined || high === undefined) return undefined;
    const verdict: Verdict =
      value < low || value > high
        ? 'violating'
        : value >= low + h && value <= high - h
          ? 'clearing'
          : 'between';
    return { verdict, ts, value, severity: Math.max(low - value, value - high) };
  }
  const limit = resolve(condition.value, points);
  if (limit === undefined) return undefined;
  if (condition.op === 'above') {
    const verdict: Verdict = value > limit ? 'violating' : value <= limit - h ? 'clearing' : 'between';
    return { verdict, ts, value, severity: value - limit };
  }
  const verdict: Verdict = value < limit ? 'violating' : value >= limit + h ? 'clearing' : 'between';
  return { verdict, ts, value, severity: limit - value };
}

function resolve(operand: Operand, points: PointTracks): number | undefined {
  if (typeof operand === 'number') return operand;
  const other = goodValueOf(points, operand.point);
  return other === undefined ? undefined : other + (operand.offset ?? 0);
}
