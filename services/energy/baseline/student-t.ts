/**
 * Student's t distribution: two-sided p-values of regression coefficients and the critical values
 * of confidence intervals. Through the regularised incomplete beta function,
 * P(|T| > t) = I_x(ν/2, 1/2) with x = ν / (ν + t²).
 */

/** ln Γ(z) for z > 0: Lanczos approximation (g = 7, nine coefficients), accurate to ~1e-15. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function lnGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lnGamma(1 - z);
  const x = z - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction of the incomplete beta function, evaluated with the modified Lentz method. */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let result = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    // Even step.
    let numerator = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + numerator * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + numerator / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    result *= d * c;
    // Odd step.
    numerator = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + numerator * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + numerator / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    result *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return result;
}

/** The regularised incomplete beta function I_x(a, b), for a, b > 0 and 0 ≤ x ≤ 1. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The continued fraction converges fast for x below (a + 1) / (a + b + 2); use the symmetry above.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(|T| ≥ |t|) for T ~ t(ν): the two-sided p-value of a t statistic. */
export function twoSidedPValue(t: number, degreesOfFreedom: number): number {
  if (!Number.isFinite(t)) return 0;
  return regularizedBeta(degreesOfFreedom / (degreesOfFreedom + t * t), degreesOfFreedom / 2, 0.5);
}

/** The t value exceeded with probability `upperTail` (one-sided), e.g. upperTail 0.05 → t₀.₉₅,ν. */
export function tQuantile(upperTail: number, degreesOfFreedom: number): number {
  if (!(upperTail > 0 && upperTail < 0.5)) throw new RangeError('upperTail must be in (0, 0.5)');
  // Bisection on the two-sided p-value, which falls monotonically in t.
  const target = 2 * upperTail;
  let low = 0;
  let high = 1;
  while (twoSidedPValue(high, degreesOfFreedom) > target) high *= 2;
  for (let i = 0; i < 100 && high - low > 1e-12 * high; i++) {
    const mid = (low + high) / 2;
    if (twoSidedPValue(mid, degreesOfFreedom) > target) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

const quantileCache = new Map<string, number>();

/** `tQuantile`, cached: the grid search asks the same few critical values millions of times. */
export function criticalT(upperTail: number, degreesOfFreedom: number): number {
  const key = `${upperTail}:${degreesOfFreedom}`;
  let value = quantileCache.get(key);
  if (value === undefined) {
    value = tQuantile(upperTail, degreesOfFreedom);
    if (quantileCache.size > 10_000) quantileCache.clear();
    quantileCache.set(key, value);
  }
  return value;
}
