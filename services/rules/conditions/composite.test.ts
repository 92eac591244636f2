import { describe, expect, it } from 'vitest';
import type { EvaluationContext } from './evaluation.ts';
import type { Condition } from './schema.ts';
import { at, reading, run, tick, transitions } from './test-harness.ts';

/** Fan running AND supply air above setpoint + 3 K, for 10 minutes. */
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
  ],
  forS: 600,
};
const temp = (m: number, v: number) => reading('supply_air_temp', at(m), v);
const setpoint = (m: number, v: number) => reading('supply_air_setpoint', at(m), v);
const fan = (m: number, v: number) => reading('fan_running', at(m), v);

describe('composite all', () => {
  it('fires when every child holds for the composite forS, with the first child value and peak', () => {
    const { results } = run(warmSupply, [
      setpoint(0, 18),
      fan(0, 1),
      temp(0, 22),
      temp(5, 23),
      temp(10, 22.5),
      temp(11, 20),
    ]);
    expect(transitions(results)).toEqual([
      ['fire', at(10)],
      ['clear', at(11)],
    ]);
    expect(results[4]).toMatchObject({ since: at(0), value: 22.5, peak: 23 });
  });

  it('a child turning false interrupts the duration; it starts again when all hold', () => {
    const { results } = run(warmSupply, [
      setpoint(0, 18),
      fan(0, 1),
      temp(0, 22),
      fan(6, 0),
      fan(7, 1),
      temp(12, 22),
      temp(17, 22),
    ]);
    expect(transitions(results)).toEqual([['fire', at(17)]]);
    expect(results[6]?.since).toBe(at(7));
  });

  it('a point without a value makes its child false', () => {
    // No setpoint ever arrives, so the threshold child has nothing to compare with.
    const { results } = run(warmSupply, [fan(0, 1), temp(0, 40), temp(20, 40), fan(30, 1)]);
    expect(results.every((r) => !r.active)).toBe(true);
  });

  it('children keep their hysteresis inside the composite', () => {
    const quick: Condition = { ...warmSupply, forS: 0 } as Condition;
    const { results } = run(quick, [setpoint(0, 18), fan(0, 1), temp(1, 21.2), temp(2, 20.8), temp(3, 20.5)]);
    expect(transitions(results)).toEqual([
      ['fire', at(1)],
      ['clear', at(3)],
    ]);
  });

  it('reports readings of other points as unrelated and out-of-order ones as such', () => {
    const { results } = run(warmSupply, [fan(5, 1), reading('filter_dp', at(6), 0.2), fan(4, 0)]);
    expect(results[1]).toMatchObject({ discarded: 'unrelated' });
    expect(results[2]).toMatchObject({ discarded: 'out_of_order' });
    expect(results[2]?.state).toEqual(results[1]?.state);
  });

  it('survives a checkpoint mid-duration and mid-alarm', () => {
    const script = [
      setpoint(0, 18),
      fan(0, 1),
      temp(0, 22),
      temp(5, 22),
      temp(10, 22),
      temp(12, 24),
      fan(13, 0),
    ];
    const straight = run(warmSupply, script).results.map(({ state: _s, ...r }) => r);
    const firstPart = run(warmSupply, script.slice(0, 4));
    const middle = run(warmSupply, script.slice(4, 6), {
      state: JSON.parse(JSON.stringify(firstPart.state)),
    });
    const rest = run(warmSupply, script.slice(6), { state: JSON.parse(JSON.stringify(middle.state)) });
    const pieced = [...firstPart.results, ...middle.results, ...rest.results].map(({ state: _s, ...r }) => r);
    expect(pieced).toEqual(straight);
    expect(transitions(rest.results)).toEqual([['clear', at(13)]]);
    expect(rest.results[0]?.peak).toBe(24);
  });
});

describe('composite any', () => {
  const trouble: Condition = {
    type: 'composite',
    any: [
      { type: 'threshold', point: 'supply_air_temp', op: 'above', value: 35, hysteresis: 1 },
      { type: 'state', point: 'fault', equals: 1 },
    ],
  };

  it('fires on either child and clears only when none holds', () => {
    const { results } = run(trouble, [
      reading('fault', at(0), 1),
      temp(1, 36),
      reading('fault', at(2), 0),
      temp(3, 33),
      temp(4, 37),
    ]);
    expect(transitions(results)).toEqual([
      ['fire', at(0)],
      ['clear', at(3)],
      ['fire', at(4)],
    ]);
    // The first child had no value when the fault fired it.
    expect(results[0]?.value).toBeUndefined();
    expect(results[4]?.value).toBe(37);
  });

  it('nests: fan running AND (too hot OR faulted)', () => {
    const nested: Condition = {
      type: 'composite',
      all: [{ type: 'state', point: 'fan_running', equals: 1 }, trouble],
    };
    const { results } = run(nested, [
      reading('fault', at(0), 1),
      fan(1, 1),
      fan(2, 0),
      reading('fault', at(3), 0),
    ]);
    expect(transitions(results)).toEqual([
      ['fire', at(1)],
      ['clear', at(2)],
    ]);
  });
});

describe('composite with a stale child', () => {
  const context: EvaluationContext = { points: { supply_air_temp: { intervalS: 30 } } };
  const blindWhileRunning: Condition = {
    type: 'composite',
    all: [
      { type: 'state', point: 'fan_running', equals: 1 },
      { type: 'stale', point: 'supply_air_temp', afterIntervals: 4 },
    ],
  };

  it('is moved by ticks through its stale child and cleared by the next reading', () => {
    const { results } = run(
      blindWhileRunning,
      [fan(0, 1), temp(0, 20), tick(at(1)), tick(at(2)), temp(3, 20), tick(at(4))],
      { context },
    );
    expect(transitions(results)).toEqual([
      ['fire', at(2)],
      ['clear', at(3)],
    ]);
  });

  it('a composite without time-driven children ignores ticks', () => {
    const { results } = run(warmSupply, [setpoint(0, 18), fan(0, 1), temp(0, 22), tick(at(30))]);
    expect(results[3]?.transition).toBeUndefined();
    expect(results[3]?.state).toEqual(results[2]?.state);
  });
});
