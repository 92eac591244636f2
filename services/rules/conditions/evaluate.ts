import { evaluateComposite } from './composite.ts';
import { ConditionError } from './errors.ts';
import type { ConditionEvent, Evaluation, EvaluationContext, Outcome } from './evaluation.ts';
import { evaluateFlatline } from './flatline.ts';
import { evaluateRateOfChange } from './rate-of-change.ts';
import type { Condition } from './schema.ts';
import { evaluateStale } from './stale.ts';
import { type ConditionState, childrenOf, stateFits } from './state.ts';
import { evaluateStateAlarm } from './state-alarm.ts';
import { evaluateThreshold } from './threshold.ts';

/**
 * Evaluates one condition of one piece of equipment against one event. Pure: the result
 * depends only on the arguments, nothing is mutated, no clock is read; the returned state is
 * plain JSON. Readings of points the condition does not read, out-of-order, duplicate and
 * non-finite readings change nothing and say so in `discarded`.
 *
 * Throws `ConditionError` only for calling mistakes: a state made for another condition
 * (`STATE_MISMATCH`), or a tick for a stale point the context has no interval for
 * (`MISSING_POINT_FACTS`; check once with `missingPointFacts`).
 */
export function evaluate(
  condition: Condition,
  state: ConditionState,
  event: ConditionEvent,
  context: EvaluationContext,
): Evaluation {
  if (!stateFits(condition, state)) {
    throw new ConditionError(
      'STATE_MISMATCH',
      `a ${state.type} state does not fit this ${condition.type} condition`,
    );
  }
  const { evaluated: _evaluated, ...evaluation } = evaluateAny(condition, state, event, context);
  return evaluation;
}

function evaluateAny(
  condition: Condition,
  state: ConditionState,
  event: ConditionEvent,
  context: EvaluationContext,
): Outcome {
  switch (condition.type) {
    case 'threshold':
      return evaluateThreshold(condition, narrow(state, 'threshold'), event);
    case 'rate_of_change':
      return evaluateRateOfChange(condition, narrow(state, 'rate_of_change'), event);
    case 'state':
      return evaluateStateAlarm(condition, narrow(state, 'state'), event);
    case 'stale':
      return evaluateStale(condition, narrow(state, 'stale'), event, context);
    case 'flatline':
      return evaluateFlatline(condition, narrow(state, 'flatline'), event);
    case 'composite':
      return evaluateComposite(condition, narrow(state, 'composite'), event, context, evaluateAny);
  }
}

function narrow<Type extends ConditionState['type']>(
  state: ConditionState,
  type: Type,
): Extract<ConditionState, { type: Type }> {
  if (state.type !== type) {
    throw new ConditionError('STATE_MISMATCH', `a ${state.type} state does not fit a ${type} condition`);
  }
  return state as Extract<ConditionState, { type: Type }>;
}

/**
 * The points a condition needs registry facts for that the context lacks: the worker checks
 * this once per rule and equipment, so a tick never meets a missing interval.
 */
export function missingPointFacts(condition: Condition, context: EvaluationContext): string[] {
  return stalePoints(condition).filter((key) => {
    const intervalS = Object.hasOwn(context.points, key) ? context.points[key]?.intervalS : undefined;
    return intervalS === undefined || !Number.isFinite(intervalS) || intervalS <= 0;
  });
}

function stalePoints(condition: Condition): string[] {
  if (condition.type === 'stale') return [condition.point];
  if (condition.type !== 'composite') return [];
  const keys = new Set<string>();
  for (const child of childrenOf(condition)) for (const key of stalePoints(child)) keys.add(key);
  return [...keys];
}
