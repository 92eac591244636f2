import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import {
  type Condition,
  type ConditionEvent,
  ConditionState,
  type Evaluation,
  type EvaluationContext,
  evaluate,
  initialState,
  STATE_VERSION,
  stateFits,
} from '../conditions/index.ts';

/**
 * The checkpointed state of one (rule, equipment) pair: the state of the rule's `condition`, and
 * for a rule with a separate `clear` condition, that condition's state and whether the pair is
 * latched (fired, and not yet cleared by `clear`).
 */
export const PairState = Type.Object({
  main: ConditionState,
  clear: Type.Optional(ConditionState),
  latched: Type.Optional(Type.Boolean()),
});
export type PairState = Static<typeof PairState>;

/** The conditions of one rule as the pair steps them. */
export interface PairConditions {
  readonly condition: Condition;
  readonly clear?: Condition | undefined;
}

/** What one event did to a pair: its next state, and the transition to record, if any. */
export interface PairStep {
  readonly state: PairState;
  /** `fire` or `clear` as the incident store should see it, with the evaluation that caused it. */
  readonly transition?: 'fire' | 'clear';
  readonly evaluation?: Evaluation;
}

export function initialPairState(rule: PairConditions): PairState {
  return rule.clear === undefined
    ? { main: initialState(rule.condition) }
    : { main: initialState(rule.condition), clear: initialState(rule.clear), latched: false };
}

/**
 * Steps a pair by one event. Without a `clear` condition the pair follows its condition: its fires
 * and clears are the pair's. With one, the pair latches on the condition's fire and ignores the
 * condition's own clears; it clears when the `clear` condition fires (holds, for its `forS`) on an
 * event after the latch. The `clear` state starts afresh at each latch, so a level that already
 * held before the fire (a door that was closed) needs a new reading to clear the alarm. A fire of
 * the condition while latched is passed on (the store counts it as a re-fire of the open incident).
 */
export function stepPair(
  rule: PairConditions,
  state: PairState,
  event: ConditionEvent,
  context: EvaluationContext,
): PairStep {
  const main = evaluate(rule.condition, state.main, event, context);
  if (rule.clear === undefined) {
    return main.transition === undefined
      ? { state: { main: main.state } }
      : { state: { main: main.state }, transition: main.transition, evaluation: main };
  }
  if (main.transition === 'fire') {
    return {
      state: { main: main.state, clear: initialState(rule.clear), latched: true },
      transition: 'fire',
      evaluation: main,
    };
  }
  const clearState = state.clear ?? initialState(rule.clear);
  if (state.latched !== true) return { state: { main: main.state, clear: clearState, latched: false } };
  const clear = evaluate(rule.clear, clearState, event, context);
  if (clear.transition !== 'fire') return { state: { main: main.state, clear: clear.state, latched: true } };
  const peak = main.peak ?? peakOf(state.main);
  return {
    state: { main: main.state, clear: initialState(rule.clear), latched: false },
    transition: 'clear',
    evaluation: {
      ...clear,
      ...(main.value === undefined ? {} : { value: main.value }),
      ...(peak === undefined ? {} : { peak }),
    },
  };
}

/** A checkpoint as written to Redis: `{ v, state }` with the pair's state. */
export function encodePairState(state: PairState): string {
  return JSON.stringify({ v: STATE_VERSION, state });
}

/**
 * A checkpoint read back, or undefined when it has another version, fails the schema or no
 * longer fits the rule's conditions. Checkpoints written before `clear` existed held the
 * condition's state itself; they are read as `{ main }`, latched when that state is active.
 */
export function decodePairState(json: string, rule: PairConditions): PairState | undefined {
  let envelope: { v?: unknown; state?: unknown } | undefined;
  try {
    envelope = JSON.parse(json) as { v?: unknown; state?: unknown } | undefined;
  } catch {
    return undefined;
  }
  if (envelope?.v !== STATE_VERSION) return undefined;
  let state: PairState;
  if (Value.Check(PairState, envelope.state)) {
    state = envelope.state as PairState;
  } else if (Value.Check(ConditionState, envelope.state)) {
    const main = envelope.state as ConditionState;
    state = { main };
    if (rule.clear !== undefined) state = { main, latched: isActive(main) };
  } else {
    return undefined;
  }
  if (!stateFits(rule.condition, state.main)) return undefined;
  if (rule.clear === undefined) return { main: state.main };
  const clear = state.clear !== undefined && stateFits(rule.clear, state.clear) ? state.clear : undefined;
  return { main: state.main, clear: clear ?? initialState(rule.clear), latched: state.latched === true };
}

function isActive(state: ConditionState): boolean {
  return state.type === 'stale' ? state.active : state.latch.active;
}

function peakOf(state: ConditionState): number | undefined {
  return state.type === 'stale' ? state.peak : state.latch.peak;
}
