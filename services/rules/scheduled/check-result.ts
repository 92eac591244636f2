/**
 * What one scheduled check concluded for one piece of equipment:
 *
 * - `fire`: the condition holds; an incident is opened (or refired) at `at`;
 * - `clear`: the data is complete and the condition does not hold; an open incident clears at `at`;
 * - `no_data`: no usable sample in the period; nothing is recorded (`data_gap` rules report silence);
 * - `incomplete`: the period is not covered, and what is known stays within the limit; nothing is
 *   recorded, because the missing part could still exceed it;
 * - `no_baseline`: `energy_above_baseline` without a baseline for that day; nothing is recorded.
 */
export type Verdict = 'fire' | 'clear' | 'no_data' | 'incomplete' | 'no_baseline';

export interface CheckResult {
  readonly verdict: Verdict;
  /**
   * The instant the fire or clear is recorded at: the end of the period looked at, so every
   * evaluation of the same period (a redelivered job, a second process) records the same `at`
   * and the incident store answers `duplicate`.
   */
  readonly at: number;
  /** The figure the title's `{value}` shows: kWh, or seconds for a gap. */
  readonly value?: number;
  /** The figures behind the verdict, as JSON for the incident's evidence. */
  readonly facts: Readonly<Record<string, unknown>>;
}

import type { Gap } from './register.ts';

export const iso = (ms: number): string => new Date(ms).toISOString();

/** Rounds a figure for evidence (kWh to the Wh); the verdict uses the exact value. */
export const rounded = (value: number): number => Math.round(value * 1000) / 1000;

/** Gaps listed in evidence at most; the count says how many there were. */
export const EVIDENCE_GAPS = 20;

export function gapFacts(gaps: readonly Gap[]): {
  gapCount: number;
  gaps: { from: string; to: string; kind: string }[];
} {
  return {
    gapCount: gaps.length,
    gaps: gaps
      .slice(0, EVIDENCE_GAPS)
      .map((gap) => ({ from: iso(gap.fromMs), to: iso(gap.toMs), kind: gap.kind })),
  };
}
