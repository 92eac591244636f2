import type { Reading } from '../../../gateway/ingest/reading.ts';
import type { LatchStep } from './latch.ts';
import type { ConditionState, Latch } from './state.ts';
import type { Discard } from './tracking.ts';

/** A reading of one of the condition's points, or the passing of time (for `stale`). */
export type ConditionEvent =
  | { readonly kind: 'reading'; readonly reading: Reading }
  | { readonly kind: 'tick'; readonly now: number };

/** What the point registry says about one point of the equipment. */
export interface PointFacts {
  /** How often the device is expected to report, in seconds. */
  readonly intervalS: number;
}

/** Registry facts about the equipment's points, by key; `stale` needs its point's `intervalS`. */
export interface EvaluationContext {
  readonly points: Readonly<Record<string, PointFacts>>;
}

export interface Evaluation<State = ConditionState> {
  /** The next state: checkpoint it, and pass it to the next evaluation. */
  readonly state: State;
  /** Whether the condition is firing after this event (an incident should be open). */
  readonly active: boolean;
  readonly transition?: 'fire' | 'clear';
  /**
   * When the transition happened (epoch ms): the timestamp of the reading that completed the
   * duration, or for `stale` the instant the silence reached its limit (not the tick's time).
   */
  readonly at?: number;
  /** On fire: when the episode began (first violating reading, or the last reading for `stale`). */
  readonly since?: number;
  /** The condition's value from this event; on fire, the value that triggered it. */
  readonly value?: number;
  /** The episode's most severe value: present while active, on fire and on clear. */
  readonly peak?: number;
  /** Set when the event changed nothing, and why. */
  readonly discarded?: Discard;
}

/** An evaluation plus whether the event was taken into account (composites step only then). */
export interface Outcome<State = ConditionState> extends Evaluation<State> {
  readonly evaluated: boolean;
}

/** An event that left the latch where it was. */
export function idle<State>(state: State, latch: Latch, discard?: Discard): Outcome<State> {
  return {
    state,
    active: latch.active,
    evaluated: false,
    ...(latch.active && latch.peak !== undefined ? { peak: latch.peak } : {}),
    ...(discard === undefined ? {} : { discarded: discard }),
  };
}

/** An event that moved the latch. */
export function stepped<State>(state: State, step: LatchStep, value: number | undefined): Outcome<State> {
  const peak = step.latch.active ? step.latch.peak : step.peak;
  return {
    state,
    active: step.latch.active,
    evaluated: true,
    ...(step.transition === undefined ? {} : { transition: step.transition }),
    ...(step.at === undefined ? {} : { at: step.at }),
    ...(step.since === undefined ? {} : { since: step.since }),
    ...(value === undefined ? {} : { value }),
    ...(peak === undefined ? {} : { peak }),
  };
}
