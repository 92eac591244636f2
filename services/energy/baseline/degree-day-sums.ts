/**
 * The sums a degree-day regression needs, for any balance point, in O(log n) each.
 *
 * With days sorted by temperature, the days with HDD(b) > 0 are a prefix (T < b) and those with
 * CDD(b) > 0 a suffix (T > b), so every sum over degree-days expands into prefix sums of the
 * sorted data, e.g. ΣHDD = k·b − Σ_{T<b} T, ΣHDD² = k·b² − 2b·Σ T + Σ T², ΣHDD·y = b·Σ y − Σ T·y.
 * A grid search then costs a handful of flops per candidate instead of a pass over every day.
 * And since CalTRACK keeps the heating balance point at or below the cooling one, no day has
 * both HDD and CDD: the cross term ΣHDD·CDD is zero and needs no sum at all.
 */
export interface DegreeDayStats {
  readonly balancePoint: number;
  /** Days with a non-zero degree-day value. */
  readonly days: number;
  /** Σ dd, Σ dd², Σ dd·y (y centred on its mean), Σ dd·w (w the working-day indicator). */
  readonly sum: number;
  readonly sumSquares: number;
  readonly sumY: number;
  readonly sumW: number;
}

export class DegreeDaySums {
  readonly n: number;
  /** Temperatures in ascending order. */
  readonly #t: Float64Array;
  // Prefix sums over the sorted days: entry k holds the sum over the k coldest days.
  readonly #sT: Float64Array;
  readonly #sTT: Float64Array;
  readonly #sY: Float64Array;
  readonly #sTY: Float64Array;
  readonly #sW: Float64Array;
  readonly #sTW: Float64Array;

  /** `y` centred on its mean; `w` 0/1 (all zeros without a working-day regressor). */
  constructor(temperature: ArrayLike<number>, y: ArrayLike<number>, w: ArrayLike<number>) {
    const n = temperature.length;
    this.n = n;
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => (temperature[a] as number) - (temperature[b] as number),
    );
    this.#t = new Float64Array(n);
    this.#sT = new Float64Array(n + 1);
    this.#sTT = new Float64Array(n + 1);
    this.#sY = new Float64Array(n + 1);
    this.#sTY = new Float64Array(n + 1);
    this.#sW = new Float64Array(n + 1);
    this.#sTW = new Float64Array(n + 1);
    for (let k = 0; k < n; k++) {
      const i = order[k] as number;
      const t = temperature[i] as number;
      const yi = y[i] as number;
      const wi = w[i] as number;
      this.#t[k] = t;
      this.#sT[k + 1] = (this.#sT[k] as number) + t;
      this.#sTT[k + 1] = (this.#sTT[k] as number) + t * t;
      this.#sY[k + 1] = (this.#sY[k] as number) + yi;
      this.#sTY[k + 1] = (this.#sTY[k] as number) + t * yi;
      this.#sW[k + 1] = (this.#sW[k] as number) + wi;
      this.#sTW[k + 1] = (this.#sTW[k] as number) + t * wi;
    }
  }

  /** Number of days with temperature below `b` (strictly: HDD > 0), or at or below with `orEqual`. */
  #countBelow(b: number, orEqual: boolean): number {
    let low = 0;
    let high = this.n;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const t = this.#t[mid] as number;
      if (t < b || (orEqual && t === b)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  heating(b: number): DegreeDayStats {
    const k = this.#countBelow(b, false);
    const sT = this.#sT[k] as number;
    return {
      balancePoint: b,
      days: k,
      sum: k * b - sT,
      sumSquares: k * b * b - 2 * b * sT + (this.#sTT[k] as number),
      sumY: b * (this.#sY[k] as number) - (this.#sTY[k] as number),
      sumW: b * (this.#sW[k] as number) - (this.#sTW[k] as number),
    };
  }

  cooling(b: number): DegreeDayStats {
    const j = this.#countBelow(b, true);
    const n = this.n;
    const count = n - j;
    const sT = (this.#sT[n] as number) - (this.#sT[j] as number);
    return {
      balancePoint: b,
      days: count,
      sum: sT - count * b,
      sumSquares: (this.#sTT[n] as number) - (this.#sTT[j] as number) - 2 * b * sT + count * b * b,
      sumY:
        (this.#sTY[n] as number) -
        (this.#sTY[j] as number) -
        b * ((this.#sY[n] as number) - (this.#sY[j] as number)),
      sumW:
        (this.#sTW[n] as number) -
        (this.#sTW[j] as number) -
        b * ((this.#sW[n] as number) - (this.#sW[j] as number)),
    };
  }
}
