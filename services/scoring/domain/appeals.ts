import { ScoringError } from './errors.ts';
import type { AppealRecord } from './records.ts';
import type { MonthlyScorecard } from './scorecard.ts';

const DAY_MS = 86_400_000;

/** The last instant a vendor may appeal a deduction of a scorecard published at `publishedAtMs`. */
export const appealDeadlineMs = (publishedAtMs: number, windowDays: number): number =>
  publishedAtMs + windowDays * DAY_MS;

/**
 * Whether a vendor may appeal `lineId` of a published scorecard at `filedAtMs`: the line must be
 * a deduction on it, the scheme's window (days after publication) still open, and the line not
 * appealed before (one appeal per deduction: a decided appeal is final). Throws the reason.
 */
export function checkAppealFiling(options: {
  readonly scorecard: Pick<MonthlyScorecard, 'lines' | 'contract' | 'period'>;
  readonly lineId: string;
  readonly filedAtMs: number;
  readonly publishedAtMs: number;
  readonly windowDays: number;
  readonly existing: readonly AppealRecord[];
}): void {
  const { scorecard, lineId } = options;
  const line = scorecard.lines.find((candidate) => candidate.id === lineId);
  if (!line)
    throw new ScoringError('line_not_found', `the ${scorecard.period.key} scorecard has no line ${lineId}`);
  if (line.kind !== 'deduction')
    throw new ScoringError('not_a_deduction', `${lineId} is a bonus, not a deduction`);
  const deadline = appealDeadlineMs(options.publishedAtMs, options.windowDays);
  if (options.filedAtMs > deadline) {
    throw new ScoringError(
      'appeal_window_closed',
      `appeals against the ${scorecard.period.key} scorecard closed ${options.windowDays} days after it was published (${new Date(deadline).toISOString()})`,
    );
  }
  const earlier = options.existing.find(
    (appeal) =>
      appeal.contractId === scorecard.contract.id &&
      appeal.month === scorecard.period.key &&
      appeal.lineId === lineId,
  );
  if (earlier)
    throw new ScoringError('appeal_exists', `${lineId} was appealed already (appeal ${earlier.id})`);
}

/** A decision is made once. */
export function checkAppealDecision(appeal: AppealRecord): void {
  if (appeal.decision) {
    throw new ScoringError('appeal_decided', `appeal ${appeal.id} was ${appeal.decision.outcome} already`);
  }
}
