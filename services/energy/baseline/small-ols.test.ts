import { describe, expect, it } from 'vitest';
import { NormalEquations } from './small-ols.ts';

describe('normal equations of up to four parameters', () => {
  it('solves a known system and gives the inverse diagonal', () => {
    // A = [[4, 2, 0], [2, 3, 1], [0, 1, 2]], b = A · [1, −2, 3].
    const equations = new NormalEquations();
    const a = [
      [4, 2, 0],
      [2, 3, 1],
      [0, 1, 2],
    ];
    a.forEach((row, i) => {
      row.forEach((value, j) => {
        equations.set(i, j, value);
      });
    });
    equations.xty.set([0, -1, 4]);
    expect(equations.solve(3)).toBe(true);
    expect(Array.from(equations.beta.subarray(0, 3)).map((v) => Number(v.toFixed(12)))).toEqual([1, -2, 3]);
    // det A = 12 and A⁻¹ = (1/12)·[[5, −4, 2], [−4, 8, −4], [2, −4, 8]].
    expect(Array.from(equations.inverseDiagonal.subarray(0, 3)).map((v) => Number(v.toFixed(12)))).toEqual([
      Number((5 / 12).toFixed(12)),
      Number((8 / 12).toFixed(12)),
      Number((8 / 12).toFixed(12)),
    ]);
  });

  it('refuses a singular system (a column of zeros)', () => {
    const equations = new NormalEquations();
    equations.set(0, 0, 10);
    equations.set(0, 1, 0);
    equations.set(1, 1, 0);
    equations.xty.set([5, 0]);
    expect(equations.solve(2)).toBe(false);
  });
});
