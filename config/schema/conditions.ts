import Type, { type Static } from 'typebox';
import { PointKey } from './common.ts';

/**
 * Streaming conditions: what a rule watches on one piece of equipment, evaluated by the rule
 * workers on every reading (and on ticks for `stale`). Point keys are the equipment's keys
 * (`supply_air_temp`), never full point ids, so one rule serves every piece of a class.
 * Part of the configuration schema (rules.yaml); the rule workers' evaluators in
 * services/rules/conditions implement these semantics.
 */

/**
 * Durations and windows in seconds, at most a day (the registry's longest interval): beyond any
 * sensible alarm delay, and it bounds the samples a window keeps in the checkpointed state.
 */
const MAX_SECONDS = 86_400;
const Window = Type.Number({ exclusiveMinimum: 0, maximum: MAX_SECONDS });

/** A comparison value: a constant, or another point of the same equipment plus an offset. */
export const PointOffset = Type.Object(
  {
    point: PointKey,
    /** Added to the other point's value, in the canonical unit (e.g. setpoint + 3 K). */
    offset: Type.Optional(Type.Number({ default: 0 })),
  },
  { additionalProperties: false },
);
export const Operand = Type.Union([Type.Number(), PointOffset]);

/** How long the condition must hold before it fires, and its absence before it clears. */
const debounce = {
  forS: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_SECONDS, default: 0 })),
  clearForS: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_SECONDS, default: 0 })),
};

/** In the point's canonical unit: the band the value must cross back over before clearing. */
const Hysteresis = Type.Number({ minimum: 0 });

/** `above 28 for 600 s, hysteresis 0.5`: fires over 28, clears at or below 27.5. */
export const ThresholdLimitCondition = Type.Object(
  {
    type: Type.Literal('threshold'),
    point: PointKey,
    op: Type.Enum(['above', 'below']),
    value: Operand,
    hysteresis: Hysteresis,
    ...debounce,
  },
  { additionalProperties: false },
);

/** `outside [low, high]`: fires outside the band, clears inside it narrowed by the hysteresis. */
export const ThresholdBandCondition = Type.Object(
  {
    type: Type.Literal('threshold'),
    point: PointKey,
    op: Type.Literal('outside'),
    low: Operand,
    high: Operand,
    hysteresis: Hysteresis,
    ...debounce,
  },
  { additionalProperties: false },
);

export const ThresholdCondition = Type.Union([ThresholdLimitCondition, ThresholdBandCondition]);

/**
 * Change per minute over the last `windowS`: `maxPerMinute` limits either direction, `rise` and
 * `fall` each one (both positive numbers). At least one of the three (checked by
 * `conditionProblems`, since JSON Schema cannot say it readably).
 */
export const RateOfChangeCondition = Type.Object(
  {
    type: Type.Literal('rate_of_change'),
    point: PointKey,
    maxPerMinute: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    rise: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    fall: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    windowS: Window,
    ...debounce,
  },
  { additionalProperties: false },
);

/** Binary and multistate alarms: 困人 = 1, door forced open = 1, lift running state = 3 (fault). */
export const StateEqualsCondition = Type.Object(
  {
    type: Type.Literal('state'),
    point: PointKey,
    equals: Type.Number(),
    ...debounce,
  },
  { additionalProperties: false },
);

export const StateOneOfCondition = Type.Object(
  {
    type: Type.Literal('state'),
    point: PointKey,
    oneOf: Type.Array(Type.Number(), { minItems: 1 }),
    ...debounce,
  },
  { additionalProperties: false },
);

export const StateCondition = Type.Union([StateEqualsCondition, StateOneOfCondition]);

/** No reading for `afterIntervals` × the point's expected interval (`intervalS` in the registry). */
export const StaleCondition = Type.Object(
  {
    type: Type.Literal('stale'),
    point: PointKey,
    afterIntervals: Type.Number({ minimum: 1, maximum: 10_000 }),
  },
  { additionalProperties: false },
);

/** A stuck sensor: no change beyond `epsilon` (canonical unit) for `windowS`. */
export const FlatlineCondition = Type.Object(
  {
    type: Type.Literal('flatline'),
    point: PointKey,
    epsilon: Type.Number({ minimum: 0 }),
    windowS: Window,
  },
  { additionalProperties: false },
);

/**
 * Composites nest: `all`/`any` take any condition, including other composites. All points are
 * keys of the one piece of equipment the rule is evaluated for.
 */
export const Condition = Type.Cyclic(
  {
    Condition: Type.Union([
      ThresholdLimitCondition,
      ThresholdBandCondition,
      RateOfChangeCondition,
      StateEqualsCondition,
      StateOneOfCondition,
      StaleCondition,
      FlatlineCondition,
      Type.Object(
        {
          type: Type.Literal('composite'),
          all: Type.Array(Type.Ref('Condition'), { minItems: 1 }),
          ...debounce,
        },
        { additionalProperties: false },
      ),
      Type.Object(
        {
          type: Type.Literal('composite'),
          any: Type.Array(Type.Ref('Condition'), { minItems: 1 }),
          ...debounce,
        },
        { additionalProperties: false },
      ),
    ]),
  },
  'Condition',
);

export type PointOffset = Static<typeof PointOffset>;
export type Operand = Static<typeof Operand>;
export type ThresholdLimitCondition = Static<typeof ThresholdLimitCondition>;
export type ThresholdBandCondition = Static<typeof ThresholdBandCondition>;
export type ThresholdCondition = Static<typeof ThresholdCondition>;
export type RateOfChangeCondition = Static<typeof RateOfChangeCondition>;
export type StateEqualsCondition = Static<typeof StateEqualsCondition>;
export type StateOneOfCondition = Static<typeof StateOneOfCondition>;
export type StateCondition = Static<typeof StateCondition>;
export type StaleCondition = Static<typeof StaleCondition>;
export type FlatlineCondition = Static<typeof FlatlineCondition>;
export type Condition = Static<typeof Condition>;
export type CompositeCondition = Extract<Condition, { type: 'composite' }>;
