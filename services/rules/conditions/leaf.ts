import type { Reading } from '../../../gateway/ingest/reading.ts';
import { type ConditionEvent, idle, type Outcome, stepped } from './evaluation.ts';
import { type Debounce, type Observation, stepLatch } from './latch.ts';
import type { Latch, PointTracks } from './state.ts';
import { pointKeyOf, track } from './tracking.ts';

interface LatchedState {
  readonly points: PointTracks;
  readonly latch: Latch;
}

/** What a condition makes of a good reading once it is tracked: maybe a new window, maybe a verdict. */
export interface Look<State> {
  readonly state: State;
  readonly observation?: Observation;
}

/**
 * The common course of a value-driven condition: ignore ticks and other points, order and
 * de-duplicate readings, let only good readings move the latch (the uncertain-quality policy),
 * then step the latch with what `look` observes.
 */
export function evaluateLatched<State extends LatchedState>(
  state: State,
  event: ConditionEvent,
  keys: readonly string[],
  debounce: Debounce,
  look: (tracked: State, reading: Reading) => Look<State>,
): Outcome<State> {
  if (event.kind === 'tick') return idle(state, state.latch);
  const key = pointKeyOf(event.reading.pointId);
  if (!keys.includes(key)) return idle(state, state.latch, 'unrelated');
  const arrival = track(state.points, key, event.reading);
  if (arrival.kind === 'discarded') return idle(state, state.latch, arrival.discard);
  const tracked: State = { ...state, points: arrival.points };
  if (event.reading.quality !== 'good') return idle(tracked, tracked.latch);
  const looked = look(tracked, event.reading);
  if (looked.observation === undefined) return idle(looked.state, looked.state.latch);
  const step = stepLatch(looked.state.latch, looked.observation, debounce);
  return stepped({ ...looked.state, latch: step.latch }, step, looked.observation.value);
}
