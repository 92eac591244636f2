import { describe, expect, it } from 'vitest';
import { niceScale } from './chart-scale.ts';

describe('value axis of a chart', () => {
  it('starts bars at zero with round steps', () => {
    expect(niceScale(0.7, 4, { includeZero: true })).toEqual({
      min: 0,
      max: 4,
      step: 1,
      ticks: [0, 1, 2, 3, 4],
      decimals: 0,
    });
    const scores = niceScale(84.5, 93.25, { includeZero: true });
    expect(scores.ticks).toEqual([0, 20, 40, 60, 80, 100]);
  });

  it('lets a line start near its data', () => {
    expect(niceScale(84.5, 93.25, { includeZero: false })).toEqual({
      min: 84,
      max: 94,
      step: 2,
      ticks: [84, 86, 88, 90, 92, 94],
      decimals: 0,
    });
  });

  it('covers negative values and keeps zero on a tick', () => {
    const change = niceScale(-0.12, 0.08, { includeZero: true });
    expect(change.ticks).toContain(0);
    expect(change.min).toBeLessThanOrEqual(-0.12);
    expect(change.max).toBeGreaterThanOrEqual(0.08);
    expect(change.ticks).toEqual([-0.15, -0.1, -0.05, 0, 0.05, 0.1]);
    expect(change.decimals).toBe(2);
  });

  it('gives one value or only zeros an axis with room', () => {
    expect(niceScale(0, 0, { includeZero: true }).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    const flat = niceScale(95, 95, { includeZero: false });
    expect(flat.min).toBeLessThan(95);
    expect(flat.max).toBeGreaterThan(95);
  });

  it('produces clean tick values without binary noise', () => {
    const scale = niceScale(0, 0.7, { includeZero: true });
    expect(scale.ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(scale.ticks.every((tick) => String(tick).length <= 4)).toBe(true);
  });
});
