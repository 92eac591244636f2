import fc from 'fast-check';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { ConditionError } from './errors.ts';
import { evaluate, missingPointFacts } from './evaluate.ts';
import type { ConditionEvent, Evaluation, EvaluationContext } from './evaluation.ts';
import { isTimeDriven, pointsOf } from './points-of.ts';
import { conditionProblems } from './problems.ts';
import { Condition } from './schema.ts';
import { initialState, stateFits } from './state.ts';
import { reading, run, T0, tick } from './test-harness.ts';

const warmSupply: Condition = {
  type: 'composite',
  all: [
    {
      type: 'threshold',
      point: 'supply_air_temp',
      op: 'above',
      value: { point: 'supply_air_setpoint', offset: 3 },
      hysteresis: 0.5,
    },
    { type: 'state', point: 'fan_running', equals: 1 },
    { type: 'stale', point: 'supply_air_temp', afterIntervals: 3 },
  ],
  forS: 600,
};

describe('condition schema', () => {
  it('accepts the conditions rules are written with', () => {
    const examples: unknown[] = [
      { type: 'threshold', point: 'zone_temp', op: 'above', value: 28, hysteresis: 0.5, forS: 600 },
      {
        type: 'threshold',
        point: 'zone_temp',
        op: 'outside',
        low: 18,
        high: 26,
        hysteresis: 1,
        clearForS: 300,
      },
      { type: 'rate_of_change', point: 'chw_supply_temp', maxPerMinute: 0.5, windowS: 300 },
      { type: 'rate_of_change', point: 'chw_supply_temp', rise: 1, fall: 2, windowS: 300 },
      { type: 'state', point: 'trapped_passenger', equals: 1 },
      { type: 'state', point: 'running_state', oneOf: [3], forS: 30 },
      { type: 'stale', point: 'online', afterIntervals: 3 },
      { type: 'flatline', point: 'zone_temp', epsilon: 0.05, windowS: 3600 },
      warmSupply,
    ];
    for (const example of examples)
      expect(Value.Check(Condition, example), JSON.stringify(example)).toBe(true);
  });

  it('rejects malformed conditions', () => {
    const bad: unknown[] = [
      { type: 'threshold', point: 'zone_temp', op: 'above', value: 28 }, // hysteresis is required
      { type: 'threshold', point: 'zone_temp', op: 'above', value: 28, hysteresis: -1 },
      { type: 'threshold', point: 'zone_temp', op: 'above', low: 1, high: 2, hysteresis: 0 },
      { type: 'threshold', point: 'zone_temp', op: 'outside', value: 28, hysteresis: 0 },
      { type: 'threshold', point: 'Zone-Temp', op: 'above', value: 28, hysteresis: 0 },
      { type: 'threshold', point: 'zone_temp', op: 'above', value: { point: 'sp', gain: 2 }, hysteresis: 0 },
      { type: 'state', point: 'fault' },
      { type: 'state', point: 'fault', oneOf: [] },
      { type: 'stale', point: 'online', afterIntervals: 0.5 },
      { type: 'flatline', point: 'zone_temp', epsilon: 0.1, windowS: 0 },
      { type: 'composite', all: [] },
      { type: 'composite', all: [{ type: 'state', point: 'fault', equals: 1 }], any: [] },
      { type: 'composite', any: [{ type: 'state', point: 'fault', equals: 1, extra: true }] },
      { type: 'threshold', point: 'zone_temp', op: 'above', value: 28, hysteresis: 0, forS: -5 },
    ];
    for (const example of bad) expect(Value.Check(Condition, example), JSON.stringify(example)).toBe(false);
  });
});

describe('conditionProblems', () => {
  it('finds what the schema cannot, with paths into nested composites', () => {
    const condition: Condition = {
      type: 'composite',
      any: [
        { type: 'threshold', point: 'zone_temp', op: 'outside', low: 26, high: 18, hysteresis: 0 },
        { type: 'threshold', point: 'zone_temp', op: 'outside', low: 18, high: 20, hysteresis: 1.5 },
        {
          type: 'composite',
          all: [
            { type: 'rate_of_change', point: 'zone_temp', windowS: 60 },
            {
              type: 'threshold',
              point: 'zone_temp',
              op: 'above',
              value: { point: 'zone_temp' },
              hysteresis: 0,
            },
          ],
        },
      ],
    };
    expect(conditionProblems(condition)).toEqual([
      { path: 'any[0].low', message: 'low (26) must be below high (18)' },
      {
        path: 'any[1].hysteresis',
        message: 'hysteresis 1.5 leaves no value between 18 and 20 that clears the alarm',
      },
      { path: 'any[2].all[0]', message: 'needs maxPerMinute, rise or fall' },
      { path: 'any[2].all[1].value.point', message: 'compares zone_temp with itself' },
    ]);
    expect(conditionProblems({ type: 'rate_of_change', point: 'x', windowS: 60 })).toEqual([
      { path: '(root)', message: 'needs maxPerMinute, rise or fall' },
    ]);
    expect(conditionProblems(warmSupply)).toEqual([]);
  });
});

describe('pointsOf and registry facts', () => {
  it('lists every point a condition reads, once, in order of mention', () => {
    expect(pointsOf(warmSupply)).toEqual(['supply_air_temp', 'supply_air_setpoint', 'fan_running']);
    expect(
      pointsOf({
        type: 'threshold',
        point: 'zone_temp',
        op: 'outside',
        low: { point: 'low_limit' },
        high: { point: 'high_limit', offset: 1 },
        hysteresis: 0,
      }),
    ).toEqual(['zone_temp', 'low_limit', 'high_limit']);
    expect(pointsOf({ type: 'stale', point: 'online', afterIntervals: 2 })).toEqual(['online']);
  });

  it('knows which conditions need ticks and which intervals they need', () => {
    expect(isTimeDriven(warmSupply)).toBe(true);
    expect(isTimeDriven({ type: 'state', point: 'fault', equals: 1 })).toBe(false);
    expect(missingPointFacts(warmSupply, { points: {} })).toEqual(['supply_air_temp']);
    expect(missingPointFacts(warmSupply, { points: { supply_air_temp: { intervalS: 30 } } })).toEqual([]);
    expect(missingPointFacts({ type: 'state', point: 'fault', equals: 1 }, { points: {} })).toEqual([]);
  });
});

describe('state checks', () => {
  it('refuses a state made for another condition', () => {
    const threshold: Condition = { type: 'threshold', point: 'a', op: 'above', value: 1, hysteresis: 0 };
    const other = initialState({ type: 'state', point: 'a', equals: 1 });
    expect(stateFits(threshold, other)).toBe(false);
    expect(() => evaluate(threshold, other, tick(T0), { points: {} })).toThrow(ConditionError);
    const twoChildren = initialState({
      type: 'composite',
      all: [threshold, threshold],
    });
    expect(stateFits({ type: 'composite', all: [threshold] }, twoChildren)).toBe(false);
    expect(stateFits({ type: 'composite', any: [threshold, threshold] }, twoChildren)).toBe(true);
  });

  it('does not mutate the state it is given', () => {
    const condition: Condition = { type: 'rate_of_change', point: 'a', maxPerMinute: 1, windowS: 60 };
    const state = initialState(condition);
    const before = JSON.stringify(state);
    const after = evaluate(condition, state, reading('a', T0, 1), { points: {} });
    expect(JSON.stringify(state)).toBe(before);
    expect(after.state).not.toBe(state);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: a JSON round trip of the state after every step changes nothing a worker can see.

const KEYS = ['a', 'b', 'c'] as const;
const CONTEXT: EvaluationContext = {
  points: { a: { intervalS: 10 }, b: { intervalS: 30 }, c: { intervalS: 60 } },
};

const key = fc.constantFrom(...KEYS);
const operand = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.record({ point: key, offset: fc.constantFrom(-1, 0, 0.5, 2) }, { requiredKeys: ['point'] }),
);
const delays = { forS: fc.constantFrom(0, 20, 90), clearForS: fc.constantFrom(0, 20, 90) };
const hysteresis = fc.constantFrom(0, 0.5, 1);

const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record(
    {
      type: fc.constant('threshold' as const),
      point: key,
      op: fc.constantFrom('above' as const, 'below' as const),
      value: operand,
      hysteresis,
      ...delays,
    },
    { requiredKeys: ['type', 'point', 'op', 'value', 'hysteresis'] },
  ),
  fc.record(
    {
      type: fc.constant('threshold' as const),
      point: key,
      op: fc.constant('outside' as const),
      low: operand,
      high: operand,
      hysteresis,
      ...delays,
    },
    { requiredKeys: ['type', 'point', 'op', 'low', 'high', 'hysteresis'] },
  ),
  fc
    .record(
      {
        type: fc.constant('rate_of_change' as const),
        point: key,
        maxPerMinute: fc.constantFrom(0.5, 2),
        rise: fc.constantFrom(0.5, 2),
        fall: fc.constantFrom(0.5, 2),
        windowS: fc.constantFrom(20, 60, 300),
        ...delays,
      },
      { requiredKeys: ['type', 'point', 'windowS'] },
    )
    .filter((c) => c.maxPerMinute !== undefined || c.rise !== undefined || c.fall !== undefined),
  fc.record(
    { type: fc.constant('state' as const), point: key, equals: fc.integer({ min: 0, max: 2 }), ...delays },
    { requiredKeys: ['type', 'point', 'equals'] },
  ),
  fc.record(
    {
      type: fc.constant('state' as const),
      point: key,
      oneOf: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
      ...delays,
    },
    { requiredKeys: ['type', 'point', 'oneOf'] },
  ),
  fc.record({ type: fc.constant('stale' as const), point: key, afterIntervals: fc.constantFrom(1, 2, 3.5) }),
  fc.record({
    type: fc.constant('flatline' as const),
    point: key,
    epsilon: fc.constantFrom(0, 0.5, 1),
    windowS: fc.constantFrom(30, 120),
  }),
);

const composite = (children: fc.Arbitrary<Condition>): fc.Arbitrary<Condition> =>
  fc.oneof(
    fc.record(
      {
        type: fc.constant('composite' as const),
        all: fc.array(children, { minLength: 1, maxLength: 3 }),
        ...delays,
      },
      { requiredKeys: ['type', 'all'] },
    ),
    fc.record(
      {
        type: fc.constant('composite' as const),
        any: fc.array(children, { minLength: 1, maxLength: 3 }),
        ...delays,
      },
      { requiredKeys: ['type', 'any'] },
    ),
  );

const condition: fc.Arbitrary<Condition> = fc.oneof(
  { arbitrary: leaf, weight: 3 },
  { arbitrary: composite(leaf), weight: 2 },
  { arbitrary: composite(fc.oneof(leaf, composite(leaf))), weight: 1 },
);

type Step =
  | { kind: 'reading'; key: string; advanceS: number; value: number; uncertain: boolean }
  | { kind: 'repeat' }
  | { kind: 'tick'; advanceS: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('reading' as const),
      key: fc.constantFrom('a', 'b', 'c', 'other'),
      // Negative advances make out-of-order readings, zero ones corrections.
      advanceS: fc.integer({ min: -40, max: 120 }),
      value: fc.oneof(fc.integer({ min: -4, max: 4 }), fc.constantFrom(-0, 0.25, 2.5, 1e-9)),
      uncertain: fc.integer({ min: 0, max: 9 }).map((n) => n < 3),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'repeat' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('tick' as const), advanceS: fc.integer({ min: 0, max: 200 }) }),
  },
);

function eventsOf(steps: readonly Step[]): ConditionEvent[] {
  let clock = T0;
  let previous: ConditionEvent | undefined;
  const events: ConditionEvent[] = [];
  for (const s of steps) {
    if (s.kind === 'repeat') {
      if (previous) events.push(previous);
      continue;
    }
    clock += s.advanceS * 1000;
    const event =
      s.kind === 'tick' ? tick(clock) : reading(s.key, clock, s.value, s.uncertain ? 'uncertain' : 'good');
    events.push(event);
    previous = event;
  }
  return events;
}

const visible = (results: readonly Evaluation[]) => results.map(({ state: _state, ...rest }) => rest);

describe('checkpointing (property)', () => {
  it('round-tripping the state through JSON after every step gives identical results', () => {
    fc.assert(
      fc.property(condition, fc.array(step, { maxLength: 80 }), (c, steps) => {
        const events = eventsOf(steps);
        const tripped = run(c, events, { context: CONTEXT });
        const straight = run(c, events, { context: CONTEXT, roundTrip: false });
        expect(visible(tripped.results)).toEqual(visible(straight.results));
        expect(JSON.parse(JSON.stringify(straight.state))).toEqual(tripped.state);
      }),
      { numRuns: 400 },
    );
  });

  it('fires and clears alternate, and `active` agrees with the transitions', () => {
    fc.assert(
      fc.property(condition, fc.array(step, { maxLength: 80 }), (c, steps) => {
        let active = false;
        for (const result of run(c, eventsOf(steps), { context: CONTEXT }).results) {
          if (result.transition === 'fire') expect(active).toBe(false);
          if (result.transition === 'clear') expect(active).toBe(true);
          if (result.transition !== undefined) active = !active;
          expect(result.active).toBe(active);
          if (result.discarded !== undefined) expect(result.transition).toBeUndefined();
        }
      }),
      { numRuns: 300 },
    );
  });
});
