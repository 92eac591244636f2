/** Largest number of parameters of a baseline model: intercept, HDD, CDD, working day. */
export const MAX_PARAMETERS = 4;

/**
 * Scratch space of `solveNormalEquations`, allocated once per fit so the grid search allocates
 * nothing per candidate.
 */
export class NormalEquations {
  /** X'X, row-major p×p (only the lower triangle is read). */
  readonly xtx = new Float64Array(MAX_PARAMETERS * MAX_PARAMETERS);
  /** X'y. */
  readonly xty = new Float64Array(MAX_PARAMETERS);
  /** The solution β. */
  readonly beta = new Float64Array(MAX_PARAMETERS);
  /** diag((X'X)⁻¹): times σ² the variances of β. */
  readonly inverseDiagonal = new Float64Array(MAX_PARAMETERS);
  /** (X'X)⁻¹ in full (row-major), after `fullInverse(p)`: times σ² the covariance of β. */
  readonly inverse = new Float64Array(MAX_PARAMETERS * MAX_PARAMETERS);
  readonly #l = new Float64Array(MAX_PARAMETERS * MAX_PARAMETERS);
  readonly #lInverse = new Float64Array(MAX_PARAMETERS * MAX_PARAMETERS);
  readonly #z = new Float64Array(MAX_PARAMETERS);

  /**
   * Solves X'X β = X'y for `p` parameters by Cholesky decomposition, and fills
   * `inverseDiagonal`. False when X'X is singular or nearly so (collinear regressors, e.g. a
   * degree-day column of zeros): such a candidate is not a model.
   */
  solve(p: number): boolean {
    const a = this.xtx;
    const l = this.#l;
    const n = MAX_PARAMETERS;
    for (let i = 0; i < p; i++) {
      for (let j = 0; j <= i; j++) {
        let sum = a[i * n + j] as number;
        for (let k = 0; k < j; k++) sum -= (l[i * n + k] as number) * (l[j * n + k] as number);
        if (i === j) {
          // Relative pivot test: the column's own scale, so kWh and degree-day units both work.
          if (!(sum > 1e-10 * (a[i * n + i] as number))) return false;
          l[i * n + i] = Math.sqrt(sum);
        } else {
          l[i * n + j] = sum / (l[j * n + j] as number);
        }
      }
    }
    // L z = X'y, then L' β = z.
    const z = this.#z;
    for (let i = 0; i < p; i++) {
      let sum = this.xty[i] as number;
      for (let k = 0; k < i; k++) sum -= (l[i * n + k] as number) * (z[k] as number);
      z[i] = sum / (l[i * n + i] as number);
    }
    for (let i = p - 1; i >= 0; i--) {
      let sum = z[i] as number;
      for (let k = i + 1; k < p; k++) sum -= (l[k * n + i] as number) * (this.beta[k] as number);
      this.beta[i] = sum / (l[i * n + i] as number);
    }
    // (X'X)⁻¹ = L⁻ᵀ L⁻¹, so its diagonal entry j is the squared norm of column j of L⁻¹.
    const m = this.#lInverse;
    for (let j = 0; j < p; j++) {
      for (let i = 0; i < p; i++) {
        if (i < j) {
          m[i * n + j] = 0;
          continue;
        }
        let sum = i === j ? 1 : 0;
        for (let k = j; k < i; k++) sum -= (l[i * n + k] as number) * (m[k * n + j] as number);
        m[i * n + j] = sum / (l[i * n + i] as number);
      }
    }
    for (let j = 0; j < p; j++) {
      let sum = 0;
      for (let i = j; i < p; i++) sum += (m[i * n + j] as number) ** 2;
      this.inverseDiagonal[j] = sum;
    }
    return true;
  }

  /** Fills `inverse` with (X'X)⁻¹ = L⁻ᵀ L⁻¹ after a successful `solve(p)`; the grid search never needs it. */
  fullInverse(p: number): void {
    const m = this.#lInverse;
    const n = MAX_PARAMETERS;
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        let sum = 0;
        for (let k = Math.max(i, j); k < p; k++) sum += (m[k * n + i] as number) * (m[k * n + j] as number);
        this.inverse[i * n + j] = sum;
      }
    }
  }

  /** Sets X'X[i][j] and X'X[j][i]. */
  set(i: number, j: number, value: number): void {
    this.xtx[i * MAX_PARAMETERS + j] = value;
    this.xtx[j * MAX_PARAMETERS + i] = value;
  }
}
