/**
 * Points, scores and money in whole units so that sums never drift: points in hundredths
 * (centipoints), money in fen (分). Only the edges convert from and to decimal numbers.
 */

/** Points (given to the hundredth, which the configuration loader enforces) → hundredths. */
export const toCenti = (points: number): number => Math.round(points * 100);

/** Hundredths → points, e.g. 9750 → 97.5. */
export const fromCenti = (centi: number): number => centi / 100;

/** A ratio rounded to hundredths of a point on the 100-point scale: 0.9512 → 9512 (95.12 points). */
export const ratioToCenti = (numerator: number, denominator: number): number =>
  Math.round((numerator * 10_000) / denominator);

/** Fen → yuan for display, e.g. 531667 → 5316.67. */
export const fenToCny = (fen: number): number => fen / 100;

/** A share of a whole number of fen, rounded to the fen. */
export const shareOfFen = (fen: number, share: number): number => Math.round(fen * share);

/** A fraction (0.95) in basis points (9500), for exact comparisons of rates. */
export const toBasisPoints = (fraction: number): number => Math.round(fraction * 10_000);
