import type { Latch } from './state.ts';

/**
 * What one evaluation of a condition says about the present:
 * - `violating`: fire-qualifying (e.g. above 28);
 * - `clearing`: clear-qualifying (e.g. at or below 28 − hysteresis);
 * - `between`: neither, inside the hysteresis band. It interrupts a pending fire and a pending
 *   clear alike: durations count only uninterrupted runs.
 */
export type Verdict = 'violating' | 'clearing' | 'between';

export interface Observation {
  readonly verdict: Verdict;
  /** Event time (ms): the reading's timestamp, or a tick's time for time-driven composites. */
  readonly ts: number;
  /** The condition's value (the point's value, a rate …); a composite may have none yet. */
  readonly value?: number;
  /** Larger is worse; the peak is the value of an episode with the largest severity. */
  readonly severity?: number;
}

export interface Debounce {
  readonly forMs: number;
  readonly clearForMs: number;
}

export interface LatchStep {
  readonly latch: Latch;
  readonly transition?: 'fire' | 'clear';
  /** When the transition happened: the event time that completed the duration. */
  readonly at?: number;
  /** On fire: when the episode began. */
  readonly since?: number;
  /** On clear: the episode's peak, which the latch then forgets. */
  readonly peak?: number;
}

export const debounceOf = (condition: { readonly forS?: number; readonly clearForS?: number }): Debounce => ({
  forMs: (condition.forS ?? 0) * 1000,
  clearForMs: (condition.clearForS ?? 0) * 1000,
});

/**
 * Advances a latch by one observation. Elapsed time is measured on the latch's clock, the
 * newest event time it has seen, so a reading of another point stamped a little earlier
 * (composites, a threshold against a setpoint) never makes a duration run backwards.
 */
export function stepLatch(latch: Latch, observation: Observation, debounce: Debounce): LatchStep {
  const clock = Math.max(latch.clock ?? observation.ts, observation.ts);
  const current = currentOf(observation);

  if (!latch.active) {
    if (observation.verdict !== 'violating') return { latch: { active: false, clock, ...current } };
    const pending = latch.violatingSince !== undefined;
    const violatingSince = latch.violatingSince ?? clock;
    const peak = worst(pending ? latch : {}, observation);
    if (clock - violatingSince >= debounce.forMs) {
      return {
        latch: {
          active: true,
          clock,
          violatingSince,
          firedAt: clock,
          ...(observation.value === undefined ? {} : { trigger: observation.value }),
          ...peak,
          ...current,
        },
        transition: 'fire',
        at: clock,
        since: violatingSince,
      };
    }
    return { latch: { active: false, clock, violatingSince, ...peak, ...current } };
  }

  const { clearingSince: _interrupted, value: _value, severity: _severity, ...episode } = latch;
  const active: Latch = { ...episode, clock, ...worst(latch, observation), ...current };
  if (observation.verdict !== 'clearing') return { latch: active };
  const clearingSince = latch.clearingSince ?? clock;
  if (clock - clearingSince >= debounce.clearForMs) {
    return {
      latch: { active: false, clock, ...current },
      transition: 'clear',
      at: clock,
      ...(active.peak === undefined ? {} : { peak: active.peak }),
    };
  }
  return { latch: { ...active, clearingSince } };
}

function currentOf(observation: Observation): Pick<Latch, 'value' | 'severity'> {
  if (observation.value === undefined) return {};
  return { value: observation.value, severity: observation.severity ?? 0 };
}

function worst(
  latch: Pick<Latch, 'peak' | 'peakSeverity'>,
  observation: Observation,
): Pick<Latch, 'peak' | 'peakSeverity'> {
  const severity = observation.severity ?? 0;
  if (
    observation.value !== undefined &&
    (latch.peak === undefined || latch.peakSeverity === undefined || severity > latch.peakSeverity)
  ) {
    return { peak: observation.value, peakSeverity: severity };
  }
  return latch.peak === undefined || latch.peakSeverity === undefined
    ? {}
    : { peak: latch.peak, peakSeverity: latch.peakSeverity };
}
