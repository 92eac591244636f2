import { Random } from '../../../gateway/simulator/random.ts';
import { dayNumberOf, isoDateOf, isoWeekday } from '../../calendar/iso-date.ts';
import { type BaselineDay, cdd, hdd } from './model.ts';

/** The true daily model behind synthetic data. */
export interface SyntheticTruth {
  /** kWh per day at no degree-days (on a non-working day when `workingDay` is set). */
  readonly intercept: number;
  readonly heating?: { readonly balancePoint: number; readonly slope: number };
  readonly cooling?: { readonly balancePoint: number; readonly slope: number };
  /** kWh added on working days (Monday–Friday here). */
  readonly workingDay?: number;
  /** Standard deviation of the daily noise, kWh. */
  readonly noise: number;
}

export interface SyntheticOptions {
  readonly seed: number;
  readonly startDate: string;
  readonly days: number;
  readonly truth: SyntheticTruth;
  /** Annual mean and half the annual swing of daily mean temperature (°C); default 18 and 10. */
  readonly meanTemperature?: number;
  readonly amplitude?: number;
  /** Weather noise: AR(1) with this innovation sd (°C, default 2) and persistence (default 0.7). */
  readonly weatherNoise?: number;
  /** Share of days whose usage is dropped (missing); default 0. */
  readonly missingShare?: number;
  /** Usage multiplied by (1 − reduction): an efficiency measure of known size; default 0. */
  readonly reduction?: number;
}

export interface SyntheticDay extends BaselineDay {
  /** The truth's expectation for the day, before noise and reduction. */
  readonly expected: number;
}

/**
 * Days of weather and consumption generated from a known model, reproducible from the seed:
 * a seasonal temperature cycle with autocorrelated day-to-day weather, usage from the truth plus
 * Gaussian noise. For the acceptance tests (the fit must recover the truth) and the benchmark.
 */
export function syntheticDays(options: SyntheticOptions): SyntheticDay[] {
  const random = new Random(options.seed);
  const first = dayNumberOf(options.startDate);
  const mean = options.meanTemperature ?? 18;
  const amplitude = options.amplitude ?? 10;
  const innovation = options.weatherNoise ?? 2;
  const persistence = 0.7;
  const { truth } = options;
  let anomaly = 0;
  const days: SyntheticDay[] = [];
  for (let k = 0; k < options.days; k++) {
    const day = first + k;
    const date = isoDateOf(day);
    // Coldest around 20 January, warmest around 20 July (day of year ~20 and ~201).
    const dayOfYear = day - dayNumberOf(`${date.slice(0, 4)}-01-01`) + 1;
    anomaly = persistence * anomaly + random.normal(0, innovation);
    const temperature = mean - amplitude * Math.cos((2 * Math.PI * (dayOfYear - 20)) / 365.25) + anomaly;
    const workingDay = isoWeekday(day) <= 5;
    let expected = truth.intercept;
    if (truth.heating) expected += truth.heating.slope * hdd(truth.heating.balancePoint, temperature);
    if (truth.cooling) expected += truth.cooling.slope * cdd(truth.cooling.balancePoint, temperature);
    if (truth.workingDay && workingDay) expected += truth.workingDay;
    const noisy = (expected + random.normal(0, truth.noise)) * (1 - (options.reduction ?? 0));
    const missing = random.next() < (options.missingShare ?? 0);
    days.push({ date, usage: missing ? null : noisy, temperature, workingDay, expected });
  }
  return days;
}
