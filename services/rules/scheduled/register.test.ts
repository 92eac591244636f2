import { describe, expect, it } from 'vitest';
import { registerEnergy } from './register.ts';
import type { Sample } from './samples.ts';

const MIN = 60_000;
const s = (minute: number, value: number, uncertain = false): Sample =>
  uncertain ? { ts: minute * MIN, value, uncertain: true } : { ts: minute * MIN, value };

describe('registerEnergy', () => {
  it('counts the rise of the register between the span edges, apportioning straddling intervals', () => {
    const samples = [s(0, 100), s(10, 110), s(20, 130), s(30, 130), s(40, 150)];
    // Span [5, 35): half of 0–10 (5), all of 10–20 (20), 20–30 (0), half of 30–40 (10).
    const used = registerEnergy(samples, 5 * MIN, 35 * MIN, 15 * MIN);
    expect(used.energy).toBeCloseTo(35, 9);
    expect(used).toMatchObject({ samples: 5, resets: 0, complete: true, gaps: [] });
  });

  it('treats a decrease as a reset and counts on from the new value', () => {
    // The meter is replaced between minute 20 and 30: 5,000 → 3. Neither −4,997 nor +3 counts.
    const samples = [s(0, 4_980), s(10, 4_990), s(20, 5_000), s(30, 3), s(40, 13), s(50, 23)];
    const used = registerEnergy(samples, 0, 50 * MIN, 15 * MIN);
    expect(used.energy).toBeCloseTo(40, 9);
    expect(used.resets).toBe(1);
    expect(used.complete).toBe(true);
  });

  it('reports uncovered edges as gaps and the figure as a lower bound', () => {
    const samples = [s(10, 100), s(20, 110)];
    const used = registerEnergy(samples, 0, 30 * MIN, 15 * MIN);
    expect(used.energy).toBe(10);
    expect(used.complete).toBe(false);
    expect(used.gaps).toEqual([
      { fromMs: 0, toMs: 10 * MIN, kind: 'edge' },
      { fromMs: 20 * MIN, toMs: 30 * MIN, kind: 'edge' },
    ]);
  });

  it('bridges a long gap inside the span exactly, and reports it', () => {
    const samples = [s(0, 0), s(10, 5), s(70, 65), s(80, 70)];
    const used = registerEnergy(samples, 0, 80 * MIN, 15 * MIN);
    expect(used.energy).toBe(70);
    expect(used.gaps).toEqual([{ fromMs: 10 * MIN, toMs: 70 * MIN, kind: 'between_samples' }]);
    expect(used.complete).toBe(true);
  });

  it('leaves uncertain readings out', () => {
    const samples = [s(0, 0), s(10, 9_999, true), s(20, 20)];
    expect(registerEnergy(samples, 0, 20 * MIN, 15 * MIN)).toMatchObject({
      energy: 20,
      samples: 2,
      resets: 0,
    });
  });

  it('has nothing to say without samples', () => {
    expect(registerEnergy([], 0, MIN, MIN)).toEqual({
      energy: 0,
      samples: 0,
      resets: 0,
      complete: false,
      gaps: [{ fromMs: 0, toMs: MIN, kind: 'edge' }],
    });
  });
});
