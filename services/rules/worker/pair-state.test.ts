import { describe, expect, it } from 'vitest';
import type { Condition, ConditionEvent, EvaluationContext } from '../conditions/index.ts';
import { STATE_VERSION } from '../conditions/index.ts';
import {
  decodePairState,
  encodePairState,
  initialPairState,
  type PairConditions,
  type PairState,
  stepPair,
} from './pair-state.ts';

const context: EvaluationContext = { points: { forced_open: { intervalS: 60 }, open: { intervalS: 60 } } };
const forced: Condition = { type: 'state', point: 'forced_open', equals: 1 };
const closed: Condition = { type: 'state', point: 'open', equals: 0 };
const latching: PairConditions = { condition: forced, clear: closed };
const plain: PairConditions = { condition: forced };

const at = (point: string, ts: number, value: number): ConditionEvent => ({
  kind: 'reading',
  reading: { pointId: `D1.${point}`, ts, value, quality: 'good' },
});

/** Steps through events and lists the transitions with their times. */
function run(rule: PairConditions, events: readonly ConditionEvent[], from = initialPairState(rule)) {
  let state: PairState = from;
  const transitions: string[] = [];
  for (const event of events) {
    const step = stepPair(rule, state, event, context);
    state = step.state;
    if (step.transition) transitions.push(`${step.transition}@${step.evaluation?.at}`);
  }
  return { state, transitions };
}

describe('a pair without a clear condition', () => {
  it('fires and clears with its condition', () => {
    const { transitions } = run(plain, [at('forced_open', 1, 1), at('forced_open', 2, 0)]);
    expect(transitions).toEqual(['fire@1', 'clear@2']);
  });
});

describe('a pair with a clear condition', () => {
  it('stays latched when the condition stops holding, and clears when the clear condition holds', () => {
    const { transitions, state } = run(latching, [
      at('forced_open', 1, 1),
      at('forced_open', 2, 0), // the pulse ends: not a clear
      at('open', 3, 1),
      at('open', 4, 0), // the door is shut again
    ]);
    expect(transitions).toEqual(['fire@1', 'clear@4']);
    expect(state.latched).toBe(false);
  });

  it('needs a clear reading after the fire: a door already shut before does not clear it', () => {
    const { transitions } = run(latching, [
      at('open', 1, 0),
      at('forced_open', 2, 1),
      at('forced_open', 3, 1),
    ]);
    expect(transitions).toEqual(['fire@2']);
  });

  it('passes a new fire of the condition while latched on (the open incident counts it again)', () => {
    const { transitions } = run(latching, [
      at('forced_open', 1, 1),
      at('forced_open', 2, 0),
      at('forced_open', 3, 1),
      at('open', 4, 0),
    ]);
    expect(transitions).toEqual(['fire@1', 'fire@3', 'clear@4']);
  });

  it('ignores the clear condition while not latched, and can fire again after a clear', () => {
    const { transitions } = run(latching, [
      at('open', 1, 0),
      at('forced_open', 2, 1),
      at('open', 3, 0),
      at('forced_open', 4, 0),
      at('forced_open', 5, 1),
    ]);
    expect(transitions).toEqual(['fire@2', 'clear@3', 'fire@5']);
  });

  it('respects the clear condition’s own duration', () => {
    const slow: PairConditions = { condition: forced, clear: { ...closed, forS: 60 } };
    const { transitions } = run(slow, [
      at('forced_open', 0, 1),
      at('open', 1_000, 0),
      at('open', 30_000, 1), // opened again: the count restarts
      at('open', 40_000, 0),
      at('open', 99_000, 0),
      at('open', 100_000, 0),
    ]);
    expect(transitions).toEqual(['fire@0', 'clear@100000']);
  });
});

describe('pair checkpoints', () => {
  it('round-trip through JSON', () => {
    const { state } = run(latching, [at('forced_open', 1, 1), at('open', 2, 1)]);
    expect(decodePairState(encodePairState(state), latching)).toEqual(state);
  });

  it('read a checkpoint from before clear conditions as the condition state, latched when active', () => {
    const { state } = run(plain, [at('forced_open', 1, 1)]);
    const old = JSON.stringify({ v: STATE_VERSION, state: state.main });
    expect(decodePairState(old, plain)).toEqual({ main: state.main });
    expect(decodePairState(old, latching)).toMatchObject({ main: state.main, latched: true });
  });

  it('reject another version, broken JSON and a state of another condition type', () => {
    const { state } = run(plain, [at('forced_open', 1, 1)]);
    expect(decodePairState(JSON.stringify({ v: STATE_VERSION + 1, state }), plain)).toBeUndefined();
    expect(decodePairState('{not json', plain)).toBeUndefined();
    const threshold: PairConditions = {
      condition: { type: 'threshold', point: 'open', op: 'above', value: 1, hysteresis: 0 },
    };
    expect(decodePairState(encodePairState(state), threshold)).toBeUndefined();
  });

  it('restart the clear state when it no longer fits a changed clear condition', () => {
    const { state } = run(latching, [at('forced_open', 1, 1)]);
    const changed: PairConditions = {
      condition: forced,
      clear: { type: 'threshold', point: 'open', op: 'below', value: 1, hysteresis: 0 },
    };
    const decoded = decodePairState(encodePairState(state), changed);
    expect(decoded).toEqual({ main: state.main, clear: initialPairState(changed).clear, latched: true });
  });
});
