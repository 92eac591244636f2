import { type CheckResult, gapFacts, iso, rounded } from './check-result.ts';
import type { OffHoursSpan } from './periods.ts';
import { registerEnergy } from './register.ts';
import type { Sample } from './samples.ts';

export interface AfterHoursInput {
  /** The meter's register (kWh), from a little before the span to a little after it. */
  readonly samples: readonly Sample[];
  /** The newest completed off-hours span (`SitePeriods.lastOffHoursSpanBefore`). */
  readonly span: OffHoursSpan;
  readonly limitKwh: number;
  /** Samples further apart than this are reported as gaps. */
  readonly maxSampleGapMs: number;
}

/**
 * `after_hours_consumption`: the energy of one off-hours span against `limitKwh`. Fires when it
 * is above the limit, also when the span is not fully covered (the known part is a lower bound,
 * already too much); clears only on a complete span within the limit. `at` is the span's end.
 */
export function evaluateAfterHours(input: AfterHoursInput): CheckResult {
  const { span, limitKwh } = input;
  const used = registerEnergy(input.samples, span.fromMs, span.toMs, input.maxSampleGapMs);
  const facts = {
    span: {
      date: span.date,
      dayKind: span.dayKind,
      kind: span.kind,
      from: iso(span.fromMs),
      to: iso(span.toMs),
    },
    energyKwh: rounded(used.energy),
    limitKwh,
    samples: used.samples,
    resets: used.resets,
    complete: used.complete,
    ...gapFacts(used.gaps),
  };
  const at = span.toMs;
  if (used.samples === 0) return { verdict: 'no_data', at, facts };
  if (used.energy > limitKwh) return { verdict: 'fire', at, value: used.energy, facts };
  if (!used.complete) return { verdict: 'incomplete', at, value: used.energy, facts };
  return { verdict: 'clear', at, value: used.energy, facts };
}
