import { describe, expect, it } from 'vitest';
import type { FlatlineCondition } from './schema.ts';
import { at, reading, run, T0, transitions } from './test-harness.ts';

const stuck: FlatlineCondition = { type: 'flatline', point: 'zone_temp', epsilon: 0.05, windowS: 1800 };
const z = (m: number, v: number, q: 'good' | 'uncertain' = 'good') => reading('zone_temp', at(m), v, q);
const every = (minutes: number[], value: (m: number) => number) => minutes.map((m) => z(m, value(m)));
const range = (from: number, to: number, step: number) =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

describe('flatline', () => {
  it('cannot fire before it has a window of readings', () => {
    const { results } = run(
      stuck,
      every(range(0, 29, 1), () => 22),
    );
    expect(transitions(results)).toEqual([]);
  });

  it('fires once the value has stayed within epsilon for the whole window', () => {
    const { results } = run(
      stuck,
      every(range(0, 35, 1), (m) => (m % 2 === 0 ? 22 : 22.04)),
    );
    expect(transitions(results)).toEqual([['fire', at(30)]]);
    expect(results[30]).toMatchObject({ value: 22 });
  });

  it('a spread of exactly epsilon still counts as flat', () => {
    const wide: FlatlineCondition = { ...stuck, epsilon: 0.5 };
    const { results } = run(wide, [z(0, 22), z(10, 22.5), z(20, 22), z(30, 22.5)]);
    expect(transitions(results)).toEqual([['fire', at(30)]]);
    const beyond = run(wide, [z(0, 22), z(10, 22.5), z(20, 21.75), z(30, 22.5)]);
    expect(transitions(beyond.results)).toEqual([]);
  });

  it('a healthy sensor that moves beyond epsilon never fires', () => {
    const { results } = run(
      stuck,
      every(range(0, 120, 1), (m) => 22 + Math.sin(m / 3) * 0.5),
    );
    expect(transitions(results)).toEqual([]);
  });

  it('clears on the first reading that moves beyond epsilon, and needs a new window to fire again', () => {
    const { results } = run(stuck, [
      ...every(range(0, 30, 5), () => 22),
      z(31, 22.3),
      z(40, 22.3),
      z(61, 22.3),
    ]);
    expect(transitions(results)).toEqual([
      ['fire', at(30)],
      ['clear', at(31)],
      ['fire', at(61)],
    ]);
  });

  it('a change inside the window restarts the run even if values come back', () => {
    const { results } = run(stuck, [z(0, 22), z(10, 23), z(11, 22), z(35, 22), z(41, 22)]);
    expect(transitions(results)).toEqual([['fire', at(41)]]);
  });

  it('a stuck sensor keeps a single sample in its state', () => {
    const events = Array.from({ length: 500 }, (_, i) => reading('zone_temp', T0 + i * 30_000, 21.5));
    const { state } = run(stuck, events);
    expect(state.type === 'flatline' && state.run).toEqual([[T0, 21.5]]);
  });

  it('uncertain readings do not count towards the window', () => {
    const { results } = run(stuck, [z(0, 22, 'uncertain'), z(10, 22), z(35, 22), z(40, 22)]);
    expect(transitions(results)).toEqual([['fire', at(40)]]);
  });
});
