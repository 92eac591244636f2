import { describe, expect, it } from 'vitest';
import { lnGamma, regularizedBeta, tQuantile, twoSidedPValue } from './student-t.ts';

// Reference values from published t tables (two-sided p, one-sided quantiles).
describe("Student's t", () => {
  it('matches table quantiles', () => {
    expect(tQuantile(0.05, 10)).toBeCloseTo(1.812461, 5);
    expect(tQuantile(0.025, 30)).toBeCloseTo(2.042272, 5);
    expect(tQuantile(0.05, 363)).toBeCloseTo(1.649, 3);
    expect(tQuantile(0.16, 1000)).toBeCloseTo(0.995, 3);
  });

  it('gives two-sided p-values that invert the quantiles', () => {
    expect(twoSidedPValue(2, 10)).toBeCloseTo(0.07339, 4);
    expect(twoSidedPValue(tQuantile(0.05, 57), 57)).toBeCloseTo(0.1, 9);
    expect(twoSidedPValue(0, 5)).toBeCloseTo(1, 12);
    expect(twoSidedPValue(Number.POSITIVE_INFINITY, 5)).toBe(0);
  });

  it('has a sound gamma and incomplete beta', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    // I_x(1, 1) = x; I_x(a, b) = 1 − I_{1−x}(b, a).
    expect(regularizedBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(regularizedBeta(0.2, 2.5, 4) + regularizedBeta(0.8, 4, 2.5)).toBeCloseTo(1, 12);
  });
});
