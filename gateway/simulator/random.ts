/**
 * Seeded randomness. Every simulated piece of equipment draws from its own stream, forked from the
 * run's seed and its id, so adding a device to the configuration does not change what the others do.
 */

/** 32-bit FNV-1a: stable across runs and platforms, unlike anything derived from object identity. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A murmur3-style finaliser over several integers: decorrelates neighbouring inputs. */
export function mix(...values: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    // Split doubles beyond 32 bits (knot indexes, epoch seconds) so high bits are not lost.
    const lo = value >>> 0;
    const hi = Math.floor(value / 4_294_967_296) >>> 0;
    for (const part of [lo, hi]) {
      h ^= part;
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      h ^= h >>> 16;
    }
  }
  return h >>> 0;
}

/** Uniform in [0, 1) from a hash of the inputs: randomness that is a pure function of its inputs. */
export const hashUnit = (...values: readonly number[]): number => mix(...values) / 4_294_967_296;

/** sfc32: small, fast, and good enough statistically for a simulation. */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    this.#a = mix(seed, 1);
    this.#b = mix(seed, 2);
    this.#c = mix(seed, 3);
    this.#d = 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A stream of its own for `key`, reproducible from the parent seed. */
  static fork(seed: number, key: string): Random {
    return new Random(mix(seed, hashString(key)));
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** Standard normal (Box–Muller). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Waiting time of a Poisson process with `ratePerMs`; Infinity for a zero rate. */
  exponential(ratePerMs: number): number {
    if (ratePerMs <= 0) return Number.POSITIVE_INFINITY;
    return -Math.log(1 - this.next()) / ratePerMs;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }
}

/**
 * Smooth noise in [-1, 1] as a pure function of time: hashed values at knots `periodMs` apart,
 * joined by cosine interpolation. Weather uses it so its value at an instant does not depend on
 * how often the simulation was stepped before.
 */
export function valueNoise(seed: number, channel: number, ms: number, periodMs: number): number {
  const position = ms / periodMs;
  const knot = Math.floor(position);
  const fraction = position - knot;
  const a = hashUnit(seed, channel, knot) * 2 - 1;
  const b = hashUnit(seed, channel, knot + 1) * 2 - 1;
  const weight = (1 - Math.cos(Math.PI * fraction)) / 2;
  return a + (b - a) * weight;
}

export const clamp = (value: number, min: number, max: number): number => Math.min(Math.max(value, min), max);

/** First-order approach of `value` towards `target` with time constant `tauMs` over `dtMs`. */
export const approach = (value: number, target: number, dtMs: number, tauMs: number): number =>
  target + (value - target) * Math.exp(-dtMs / tauMs);
