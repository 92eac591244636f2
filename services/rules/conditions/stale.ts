import { ConditionError } from './errors.ts';
import type { ConditionEvent, EvaluationContext, Outcome } from './evaluation.ts';
import type { StaleCondition } from './schema.ts';
import type { StaleState } from './state.ts';
import { pointKeyOf, track } from './tracking.ts';

/**
 * Silence is measured from the newest reading's timestamp (any quality: an uncertain reading
 * still proves the device is alive) or, before any reading, from the first tick. The condition
 * fires on the first tick at or after silence start + afterIntervals × intervalS, once, with
 * `at` = that deadline; it clears on the next newer reading, whose gap is the episode's value.
 */
export function evaluateStale(
  condition: StaleCondition,
  state: StaleState,
  event: ConditionEvent,
  context: EvaluationContext,
): Outcome<StaleState> {
  return event.kind === 'reading'
    ? onReading(condition, state, event.reading)
    : onTick(condition, state, event.now, context);
}

function onReading(
  condition: StaleCondition,
  state: StaleState,
  reading: Extract<ConditionEvent, { kind: 'reading' }>['reading'],
): Outcome<StaleState> {
  if (pointKeyOf(reading.pointId) !== condition.point) return unchanged(state, 'unrelated');
  const arrival = track(state.points, condition.point, reading);
  if (arrival.kind === 'discarded') return unchanged(state, arrival.discard);
  const points = arrival.points;
  // A second reading stamped with the same instant is no news of life.
  if (arrival.kind === 'correction') return { ...unchanged({ ...state, points }), evaluated: false };
  const next: StaleState = { type: 'stale', points, active: false };
  if (!state.active || state.silentSince === undefined)
    return { state: next, active: false, evaluated: true };
  const gap = Math.max(0, reading.ts - state.silentSince) / 1000;
  return {
    state: next,
    active: false,
    evaluated: true,
    transition: 'clear',
    at: reading.ts,
    value: gap,
    peak: Math.max(gap, state.peak ?? 0),
  };
}

function onTick(
  condition: StaleCondition,
  state: StaleState,
  now: number,
  context: EvaluationContext,
): Outcome<StaleState> {
  if (!Number.isFinite(now)) return unchanged(state, 'invalid');
  const intervalMs = intervalOf(condition, context) * 1000;
  const lastTs = Object.hasOwn(state.points, condition.point) ? state.points[condition.point]?.ts : undefined;
  const silentSince = lastTs ?? state.watchSince;
  if (silentSince === undefined) return { ...unchanged({ ...state, watchSince: now }), evaluated: true };
  const silence = Math.max(0, now - silentSince) / 1000;

  if (state.active) {
    const peak = Math.max(silence, state.peak ?? 0);
    return { state: { ...state, value: silence, peak }, active: true, evaluated: true, value: silence, peak };
  }
  const deadline = silentSince + condition.afterIntervals * intervalMs;
  if (now < deadline) return { ...unchanged(state), evaluated: true };
  return {
    state: { ...state, active: true, silentSince, firedAt: deadline, value: silence, peak: silence },
    active: true,
    evaluated: true,
    transition: 'fire',
    at: deadline,
    since: silentSince,
    value: silence,
    peak: silence,
  };
}

function intervalOf(condition: StaleCondition, context: EvaluationContext): number {
  const facts = Object.hasOwn(context.points, condition.point) ? context.points[condition.point] : undefined;
  const intervalS = facts?.intervalS;
  if (intervalS === undefined || !Number.isFinite(intervalS) || intervalS <= 0) {
    throw new ConditionError(
      'MISSING_POINT_FACTS',
      `stale condition on ${condition.point}: the context has no positive intervalS for that point`,
    );
  }
  return intervalS;
}

function unchanged(state: StaleState, discard?: Outcome['discarded']): Outcome<StaleState> {
  return {
    state,
    active: state.active,
    evaluated: false,
    ...(state.active && state.peak !== undefined ? { peak: state.peak } : {}),
    ...(discard === undefined ? {} : { discarded: discard }),
  };
}
