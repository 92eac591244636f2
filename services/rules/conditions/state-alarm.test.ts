import { describe, expect, it } from 'vitest';
import type { StateCondition } from './schema.ts';
import { at, reading, run, transitions } from './test-harness.ts';

describe('state alarms', () => {
  const trapped: StateCondition = { type: 'state', point: 'trapped_passenger', equals: 1 };
  const t = (m: number, v: number, q: 'good' | 'uncertain' = 'good') =>
    reading('trapped_passenger', at(m), v, q);

  it('fires when the point takes the value and clears when it leaves it', () => {
    const { results } = run(trapped, [t(0, 0), t(1, 1), t(2, 1), t(3, 0), t(4, 0)]);
    expect(transitions(results)).toEqual([
      ['fire', at(1)],
      ['clear', at(3)],
    ]);
    expect(results[1]).toMatchObject({ value: 1, since: at(1) });
  });

  it('oneOf matches any listed state (lift running state 3 = fault)', () => {
    const faults: StateCondition = { type: 'state', point: 'fault_code', oneOf: [2, 3, 4] };
    const f = (m: number, v: number) => reading('fault_code', at(m), v);
    const { results } = run(faults, [f(0, 0), f(1, 3), f(2, 4), f(3, 1), f(4, 2)]);
    expect(transitions(results)).toEqual([
      ['fire', at(1)],
      ['clear', at(3)],
      ['fire', at(4)],
    ]);
    // A state alarm's peak is the first matching value of the episode.
    expect(results[2]).toMatchObject({ value: 4, peak: 3 });
  });

  it('forS turns "door open" into "door held open for 5 minutes"', () => {
    const held: StateCondition = { type: 'state', point: 'open', equals: 1, forS: 300 };
    const d = (m: number, v: number) => reading('open', at(m), v);
    const { results } = run(held, [d(0, 1), d(1, 1), d(2, 0), d(3, 1), d(4, 1), d(8, 1)]);
    expect(transitions(results)).toEqual([['fire', at(8)]]);
    expect(results[5]?.since).toBe(at(3));
  });

  it('an uncertain reading neither raises nor clears it', () => {
    const { results } = run(trapped, [t(0, 1, 'uncertain'), t(1, 1), t(2, 0, 'uncertain'), t(3, 0)]);
    expect(transitions(results)).toEqual([
      ['fire', at(1)],
      ['clear', at(3)],
    ]);
  });

  it('a good reading confirming an uncertain one with the same timestamp is not a duplicate', () => {
    const { results } = run(trapped, [t(0, 1, 'uncertain'), t(0, 1)]);
    expect(results[1]).toMatchObject({ transition: 'fire', at: at(0) });
    expect(results[1]?.discarded).toBeUndefined();
  });

  it('a restored active alarm does not fire again on the next matching reading', () => {
    const first = run(trapped, [t(0, 1)]);
    const restored = JSON.parse(JSON.stringify(first.state));
    const again = run(trapped, [t(1, 1), t(2, 1)], { state: restored });
    expect(again.results.map((r) => [r.active, r.transition])).toEqual([
      [true, undefined],
      [true, undefined],
    ]);
  });
});
