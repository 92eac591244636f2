import { type CheckResult, gapFacts, iso, rounded } from './check-result.ts';
import type { SiteDay } from './periods.ts';
import { registerEnergy } from './register.ts';
import type { Sample } from './samples.ts';

/**
 * Where `energy_above_baseline` gets the energy a meter was expected to use on a day. The energy
 * issue implements it (weather-normalised baselines); until then `noBaselines` answers nothing.
 */
export interface BaselineProvider {
  /** Expected kWh of a meter point (full id) on a site date, or undefined when there is no baseline. */
  expectedKwh(pointId: string, isoDate: string): Promise<number | undefined>;
}

/** The default: no baselines yet, so every evaluation is `no_baseline`, never a made-up result. */
export const noBaselines: BaselineProvider = {
  expectedKwh: async () => undefined,
};

export interface EnergyBaselineInput {
  /** The meter's register (kWh), from a little before the day to a little after it. */
  readonly samples: readonly Sample[];
  readonly day: SiteDay;
  /** The provider's answer for that day. */
  readonly expectedKwh: number | undefined;
  /** Fraction above the baseline, e.g. 0.15. */
  readonly margin: number;
  readonly maxSampleGapMs: number;
}

/**
 * `energy_above_baseline`: a day's energy against expected × (1 + margin). Fires when above (also
 * on an incomplete day, whose known part is a lower bound); clears on a complete day within it.
 * Without a baseline the verdict is `no_baseline` and nothing is recorded. `at` is the day's end.
 */
export function evaluateEnergyAboveBaseline(input: EnergyBaselineInput): CheckResult {
  const { day, expectedKwh, margin } = input;
  const at = day.toMs;
  const dayFacts = { date: day.date, from: iso(day.fromMs), to: iso(day.toMs) };
  if (expectedKwh === undefined || !Number.isFinite(expectedKwh)) {
    return { verdict: 'no_baseline', at, facts: { day: dayFacts, margin } };
  }
  const thresholdKwh = expectedKwh * (1 + margin);
  const used = registerEnergy(input.samples, day.fromMs, day.toMs, input.maxSampleGapMs);
  const facts = {
    day: dayFacts,
    energyKwh: rounded(used.energy),
    expectedKwh,
    margin,
    thresholdKwh: rounded(thresholdKwh),
    samples: used.samples,
    resets: used.resets,
    complete: used.complete,
    ...gapFacts(used.gaps),
  };
  if (used.samples === 0) return { verdict: 'no_data', at, facts };
  if (used.energy > thresholdKwh) return { verdict: 'fire', at, value: used.energy, facts };
  if (!used.complete) return { verdict: 'incomplete', at, value: used.energy, facts };
  return { verdict: 'clear', at, value: used.energy, facts };
}
