import type { Sample } from './samples.ts';

/** An instant given as wall-clock time in China (UTC+8), e.g. `cst('2025-10-01T00:00:00')`. */
export const cst = (local: string): number => Date.parse(`${local}+08:00`);

/**
 * For tests: a kWh register read every `stepMs` from `fromMs` to `toMs` (both included), rising
 * by `kwhPerMinute(t)` over each step that starts at t. With minute steps and a profile that
 * changes on whole minutes, the energy of any whole-minute period is the sum of the profile.
 */
export function meterSamples(
  fromMs: number,
  toMs: number,
  kwhPerMinute: (ms: number) => number,
  options: { readonly start?: number; readonly stepMs?: number } = {},
): Sample[] {
  const stepMs = options.stepMs ?? 60_000;
  const samples: Sample[] = [];
  let value = options.start ?? 1_000;
  for (let ts = fromMs; ts <= toMs; ts += stepMs) {
    samples.push({ ts, value });
    value += (kwhPerMinute(ts) * stepMs) / 60_000;
  }
  return samples;
}
