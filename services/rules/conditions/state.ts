import Type, { type Static } from 'typebox';
import { PointKey } from '../../../config/schema/common.ts';
import type { Condition } from './schema.ts';

/**
 * The state of one condition for one piece of equipment: plain JSON, so the worker checkpoints
 * it to Redis as is and validates it against `ConditionState` when it restores it. Times are
 * epoch milliseconds from reading timestamps (or tick times for `stale`); never wall-clock reads.
 * Optional fields are omitted, never `undefined`, so a JSON round trip gives an equal object.
 */

/** Bump when the shape changes; the worker stores it beside the state and drops older ones. */
export const STATE_VERSION = 1;

/** The newest reading seen of one point and the newest good value, which comparisons use. */
export const PointTrack = Type.Object(
  {
    /** Newest reading of any quality: orders the stream and recognises duplicates. */
    ts: Type.Number(),
    value: Type.Number(),
    quality: Type.Enum(['good', 'uncertain']),
    /** Newest good reading; uncertain readings never become the value a condition compares. */
    goodTs: Type.Optional(Type.Number()),
    goodValue: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

export const PointTracks = Type.Record(PointKey, PointTrack);

/** `[ts, value]`: a good reading kept in a window. */
export const Sample = Type.Tuple([Type.Number(), Type.Number()]);

/**
 * The debounce and episode memory shared by every condition but `stale`.
 *
 * - inactive, `violatingSince` set: violating since then, waiting for `forS`;
 * - active: fired at `firedAt`; `violatingSince` is when that episode began; `clearingSince` set
 *   while clear-qualifying, waiting for `clearForS`.
 * `peak` is the most severe value since the episode began (including the wait before firing).
 */
export const Latch = Type.Object(
  {
    active: Type.Boolean(),
    /** Newest event time the latch has seen: durations never run backwards. */
    clock: Type.Optional(Type.Number()),
    violatingSince: Type.Optional(Type.Number()),
    clearingSince: Type.Optional(Type.Number()),
    firedAt: Type.Optional(Type.Number()),
    trigger: Type.Optional(Type.Number()),
    peak: Type.Optional(Type.Number()),
    peakSeverity: Type.Optional(Type.Number()),
    /** The condition's value and severity at its last evaluation (a composite reports its first child's). */
    value: Type.Optional(Type.Number()),
    severity: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

export const ThresholdState = Type.Object(
  { type: Type.Literal('threshold'), points: PointTracks, latch: Latch },
  { additionalProperties: false },
);

export const RateOfChangeState = Type.Object(
  {
    type: Type.Literal('rate_of_change'),
    points: PointTracks,
    /** Good readings within the window, led by the newest one at or before the window's start. */
    window: Type.Array(Sample),
    latch: Latch,
  },
  { additionalProperties: false },
);

export const StateAlarmState = Type.Object(
  { type: Type.Literal('state'), points: PointTracks, latch: Latch },
  { additionalProperties: false },
);

export const StaleState = Type.Object(
  {
    type: Type.Literal('stale'),
    points: PointTracks,
    /** First tick seen before any reading: a point that never reports goes stale from here. */
    watchSince: Type.Optional(Type.Number()),
    active: Type.Boolean(),
    /** While active: when the silence began (last reading or `watchSince`) and when it went stale. */
    silentSince: Type.Optional(Type.Number()),
    firedAt: Type.Optional(Type.Number()),
    /** Seconds of silence at the last evaluation, and the longest while active. */
    value: Type.Optional(Type.Number()),
    peak: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

export const FlatlineState = Type.Object(
  {
    type: Type.Literal('flatline'),
    points: PointTracks,
    /**
     * The longest run of latest good readings that stays within epsilon, trimmed to the window
     * (its first sample is the newest at or before the window's start); a repeated value is
     * kept once, at its first time, so a stuck sensor costs one sample.
     */
    run: Type.Array(Sample),
    latch: Latch,
  },
  { additionalProperties: false },
);

export const ConditionState = Type.Cyclic(
  {
    ConditionState: Type.Union([
      ThresholdState,
      RateOfChangeState,
      StateAlarmState,
      StaleState,
      FlatlineState,
      Type.Object(
        {
          type: Type.Literal('composite'),
          /** One state per child condition, in the condition's order. */
          children: Type.Array(Type.Ref('ConditionState')),
          latch: Latch,
        },
        { additionalProperties: false },
      ),
    ]),
  },
  'ConditionState',
);

export type PointTrack = Static<typeof PointTrack>;
export type PointTracks = Static<typeof PointTracks>;
export type Sample = Static<typeof Sample>;
export type Latch = Static<typeof Latch>;
export type ThresholdState = Static<typeof ThresholdState>;
export type RateOfChangeState = Static<typeof RateOfChangeState>;
export type StateAlarmState = Static<typeof StateAlarmState>;
export type StaleState = Static<typeof StaleState>;
export type FlatlineState = Static<typeof FlatlineState>;
export type ConditionState = Static<typeof ConditionState>;
export type CompositeState = Extract<ConditionState, { type: 'composite' }>;

const inactive = (): Latch => ({ active: false });

/** The state of a condition that has seen nothing yet. */
export function initialState(condition: Condition): ConditionState {
  switch (condition.type) {
    case 'threshold':
      return { type: 'threshold', points: {}, latch: inactive() };
    case 'rate_of_change':
      return { type: 'rate_of_change', points: {}, window: [], latch: inactive() };
    case 'state':
      return { type: 'state', points: {}, latch: inactive() };
    case 'stale':
      return { type: 'stale', points: {}, active: false };
    case 'flatline':
      return { type: 'flatline', points: {}, run: [], latch: inactive() };
    case 'composite':
      return {
        type: 'composite',
        children: childrenOf(condition).map(initialState),
        latch: inactive(),
      };
  }
}

/** The children of a composite, whichever of `all` and `any` it uses. */
export function childrenOf(condition: Extract<Condition, { type: 'composite' }>): readonly Condition[] {
  return 'all' in condition ? condition.all : condition.any;
}

/**
 * Whether a (restored) state has the shape this condition needs. A checkpoint written for an
 * edited condition of another type or with other children does not fit; the worker then starts
 * from `initialState` (and decides what to do with an incident the old state had open).
 */
export function stateFits(condition: Condition, state: ConditionState): boolean {
  if (condition.type !== state.type) return false;
  if (condition.type !== 'composite' || state.type !== 'composite') return true;
  const children = childrenOf(condition);
  return (
    children.length === state.children.length &&
    children.every((child, index) => {
      const childState = state.children[index];
      return childState !== undefined && stateFits(child, childState);
    })
  );
}
