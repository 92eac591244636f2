import type { VerificationFact } from './automatic.ts';
import type { OfficeFigures } from './evaluation-schemas.ts';
import type { Period } from './periods.ts';
import { type ComplaintRecord, INSPECTION_KINDS, type InspectionRecord } from './records.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const round2 = (value: number): number => Math.round(value * 100) / 100;
const mean = (values: readonly number[]): number | null =>
  values.length === 0 ? null : round2(values.reduce((sum, v) => sum + v, 0) / values.length);

/**
 * 双向考评: the office is evaluated too — how many inspections it ran, how long resolved orders
 * waited for it to verify them, how fast it concluded complaints. Over every contract of the period.
 */
export function officeFigures(
  period: Period,
  inputs: {
    readonly inspections: readonly InspectionRecord[];
    readonly verifications: readonly VerificationFact[];
    readonly complaints: readonly ComplaintRecord[];
  },
): OfficeFigures {
  const within = (ms: number): boolean => ms >= period.startMs && ms < period.endMs;
  const counts = Object.fromEntries(INSPECTION_KINDS.map((kind) => [kind, 0])) as Record<
    (typeof INSPECTION_KINDS)[number],
    number
  >;
  let total = 0;
  for (const inspection of inputs.inspections) {
    if (!within(inspection.conductedAtMs)) continue;
    counts[inspection.kind]++;
    total++;
  }
  const waits: number[] = [];
  const waiting: number[] = [];
  for (const fact of inputs.verifications) {
    if (fact.checkedAtMs !== null && within(fact.checkedAtMs))
      waits.push((fact.checkedAtMs - fact.resolvedAtMs) / HOUR_MS);
    else if (fact.outcome === 'waiting' && fact.resolvedAtMs < period.endMs)
      waiting.push((period.endMs - fact.resolvedAtMs) / HOUR_MS);
  }
  const concludedDays = inputs.complaints.flatMap((complaint) =>
    complaint.conclusion && within(complaint.conclusion.concludedAtMs)
      ? [(complaint.conclusion.concludedAtMs - complaint.receivedAtMs) / DAY_MS]
      : [],
  );
  return {
    period: period.key,
    inspections: { ...counts, total },
    verification: {
      checked: waits.length,
      meanHours: mean(waits),
      maxHours: waits.length === 0 ? null : round2(Math.max(...waits)),
      waitingAtEnd: waiting.length,
      longestWaitingHours: waiting.length === 0 ? null : round2(Math.max(...waiting)),
    },
    complaints: {
      received: inputs.complaints.filter((complaint) => within(complaint.receivedAtMs)).length,
      concluded: concludedDays.length,
      meanDaysToConclude: mean(concludedDays),
    },
  };
}
