import { describe, expect, it } from 'vitest';
import { ConditionError } from './errors.ts';
import { evaluate } from './evaluate.ts';
import type { EvaluationContext } from './evaluation.ts';
import type { StaleCondition } from './schema.ts';
import { initialState } from './state.ts';
import { at, reading, run, T0, tick, transitions } from './test-harness.ts';

const offline: StaleCondition = { type: 'stale', point: 'online', afterIntervals: 3 };
const context: EvaluationContext = { points: { online: { intervalS: 60 } } };
const r = (m: number, q: 'good' | 'uncertain' = 'good') => reading('online', at(m), 1, q);

describe('stale', () => {
  it('fires on the first tick at or after last reading + k × interval, attributed to that instant, once', () => {
    const { results } = run(
      offline,
      [r(0), tick(at(1)), tick(at(3) - 1), tick(at(3)), tick(at(4)), tick(at(9))],
      {
        context,
      },
    );
    expect(results.map((x) => x.transition)).toEqual([
      undefined,
      undefined,
      undefined,
      'fire',
      undefined,
      undefined,
    ]);
    expect(results[3]).toMatchObject({ at: at(3), since: at(0), value: 180, peak: 180, active: true });
    expect(results[5]).toMatchObject({ active: true, value: 540, peak: 540 });
  });

  it('a late tick still attributes the fire to the deadline', () => {
    const { results } = run(offline, [r(0), tick(at(7.5))], { context });
    expect(results[1]).toMatchObject({ transition: 'fire', at: at(3), value: 450 });
  });

  it('is not detected by readings alone: a reading after a long gap only clears', () => {
    const { results } = run(offline, [r(0), r(10)], { context });
    expect(transitions(results)).toEqual([]);
  });

  it('clears on the next reading, reporting the gap, and can go stale again', () => {
    const { results } = run(offline, [r(0), tick(at(5)), r(6), tick(at(8.9)), tick(at(9))], { context });
    expect(transitions(results)).toEqual([
      ['fire', at(3)],
      ['clear', at(6)],
      ['fire', at(9)],
    ]);
    expect(results[2]).toMatchObject({ value: 360, peak: 360, active: false });
  });

  it('an uncertain reading is still a sign of life', () => {
    const { results } = run(offline, [r(0), tick(at(4)), r(5, 'uncertain'), tick(at(7))], { context });
    expect(transitions(results)).toEqual([
      ['fire', at(3)],
      ['clear', at(5)],
    ]);
  });

  it('out-of-order and duplicate readings neither clear it nor push the deadline', () => {
    const { results } = run(offline, [r(2), r(1), r(2), tick(at(5))], { context });
    expect(results.map((x) => x.discarded)).toEqual([undefined, 'out_of_order', 'duplicate', undefined]);
    expect(results[3]).toMatchObject({ transition: 'fire', at: at(5) });
    const active = run(offline, [r(2), tick(at(6)), r(1), reading('online', at(2), 0)], { context });
    expect(active.results[2]).toMatchObject({ active: true, discarded: 'out_of_order' });
    // Another value stamped with the same instant as the last reading is old news, not life.
    expect(active.results[3]).toMatchObject({ active: true });
    expect(active.results[3]?.transition).toBeUndefined();
  });

  it('a point that never reports goes stale counted from the first tick', () => {
    const { results } = run(offline, [tick(at(0)), tick(at(2)), tick(at(3))], { context });
    expect(results[2]).toMatchObject({ transition: 'fire', at: at(3), since: at(0) });
  });

  it('survives a checkpoint: a restored active state does not fire again', () => {
    const first = run(offline, [r(0), tick(at(3))], { context });
    const restored = JSON.parse(JSON.stringify(first.state));
    const second = run(offline, [tick(at(4)), tick(at(5)), r(6)], { context, state: restored });
    expect(transitions(second.results)).toEqual([['clear', at(6)]]);
  });

  it('refuses a tick without the point interval, with a stable code', () => {
    const state = initialState(offline);
    expect(() => evaluate(offline, state, tick(T0), { points: {} })).toThrow(ConditionError);
    try {
      evaluate(offline, state, tick(T0), { points: { online: { intervalS: 0 } } });
    } catch (error) {
      expect(error).toMatchObject({ code: 'MISSING_POINT_FACTS' });
    }
    // Readings need no facts.
    expect(evaluate(offline, state, r(0), { points: {} }).active).toBe(false);
  });
});
