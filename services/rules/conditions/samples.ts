import type { Sample } from './state.ts';

/**
 * Drops the samples a window starting at `start` no longer needs: all before the newest one at
 * or before `start`, which is kept because its value held when the window opened.
 */
export function keepFrom(samples: Sample[], start: number): Sample[] {
  let first = 0;
  while (first + 1 < samples.length && (samples[first + 1]?.[0] ?? Number.POSITIVE_INFINITY) <= start)
    first++;
  return first === 0 ? samples : samples.slice(first);
}
