/**
 * Shared by the condition tests (not used by production code): builds readings and runs a
 * condition over a script of events, round-tripping the state through JSON between every step
 * exactly as a worker checkpointing to Redis would, and checking every state against its schema.
 */
import { Value } from 'typebox/value';
import type { Quality, Reading } from '../../../gateway/ingest/reading.ts';
import { evaluate } from './evaluate.ts';
import type { ConditionEvent, Evaluation, EvaluationContext } from './evaluation.ts';
import { Condition } from './schema.ts';
import { ConditionState, initialState } from './state.ts';

export const EQUIPMENT = 'MB-AHU-01';
export const T0 = Date.UTC(2026, 10, 23, 2, 0, 0);
export const MINUTE = 60_000;

export const at = (minutes: number): number => T0 + minutes * MINUTE;

export function reading(key: string, ts: number, value: number, quality: Quality = 'good'): ConditionEvent {
  const r: Reading = { pointId: `${EQUIPMENT}.${key}`, ts, value, quality };
  return { kind: 'reading', reading: r };
}

export const tick = (now: number): ConditionEvent => ({ kind: 'tick', now });

export const NO_FACTS: EvaluationContext = { points: {} };

export interface RunOptions {
  readonly context?: EvaluationContext;
  /** Round-trip the state through JSON between steps (default true). */
  readonly roundTrip?: boolean;
  readonly state?: ConditionState;
}

export interface Run {
  readonly results: Evaluation[];
  readonly state: ConditionState;
}

/** Evaluates a script of events; throws if the condition or any state breaks its schema. */
export function run(condition: Condition, events: readonly ConditionEvent[], options: RunOptions = {}): Run {
  if (!Value.Check(Condition, condition)) {
    throw new Error(`test condition is invalid: ${JSON.stringify([...Value.Errors(Condition, condition)])}`);
  }
  const context = options.context ?? NO_FACTS;
  let state = options.state ?? initialState(condition);
  const results: Evaluation[] = [];
  for (const event of events) {
    const result = evaluate(condition, state, event, context);
    if (!Value.Check(ConditionState, result.state)) {
      throw new Error(`state breaks its schema: ${JSON.stringify(result.state)}`);
    }
    results.push(result);
    state =
      options.roundTrip === false
        ? result.state
        : (JSON.parse(JSON.stringify(result.state)) as ConditionState);
  }
  return { results, state };
}

/** The transitions of a run as `[kind, at]` pairs, for compact expectations. */
export const transitions = (results: readonly Evaluation[]): [string, number][] =>
  results.flatMap((r) => (r.transition === undefined || r.at === undefined ? [] : [[r.transition, r.at]]));

/** Index of each result that carries a transition, with its kind: `[[3, 'fire'], [7, 'clear']]`. */
export const transitionSteps = (results: readonly Evaluation[]): [number, string][] =>
  results.flatMap((r, index) => (r.transition === undefined ? [] : [[index, r.transition]]));
