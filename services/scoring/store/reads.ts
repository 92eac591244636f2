import type { Queryable } from '../audit/audit-log.ts';
import { daysOf, monthsOf, type Period } from '../domain/periods.ts';
import type {
  CommendationRecord,
  ComplaintRecord,
  InspectionRecord,
  LeadershipReviewRecord,
  RectificationNoticeRecord,
  SurveyRecord,
} from '../domain/records.ts';
import type { MonthlyScorecard } from '../domain/scorecard.ts';
import * as repo from './repository.ts';

/**
 * Reads for people rather than for scoring: the records a scorecard's lines name as evidence,
 * and a contract's inputs of a period. Both as they stand now (a later outcome or conclusion
 * included); recomputation reads as of a revision's instant instead (`repository.ts`).
 */

/** The manual records a scorecard's lines point to. */
export interface EvidenceRecords {
  readonly inspections: readonly InspectionRecord[];
  readonly complaints: readonly ComplaintRecord[];
  readonly rectifications: readonly RectificationNoticeRecord[];
  readonly commendations: readonly CommendationRecord[];
}

/** A contract's manual inputs of a period. */
export interface ContractInputs {
  readonly contractId: string;
  readonly period: string;
  readonly inspections: readonly InspectionRecord[];
  readonly rectifications: readonly RectificationNoticeRecord[];
  readonly complaints: readonly ComplaintRecord[];
  readonly commendations: readonly CommendationRecord[];
  readonly surveys: readonly SurveyRecord[];
  readonly leadershipReviews: readonly LeadershipReviewRecord[];
}

/**
 * The inspections, complaints, notices and commendations a scorecard's lines name, of its
 * contract only; work orders, incidents and equipment are the work-order and incident services'.
 */
export async function selectEvidence(
  db: Queryable,
  scorecard: Pick<MonthlyScorecard, 'contract' | 'lines'>,
): Promise<EvidenceRecords> {
  const ids = {
    inspection: new Set<string>(),
    complaint: new Set<string>(),
    notice: new Set<string>(),
    commendation: new Set<string>(),
  };
  for (const ref of scorecard.lines.flatMap((line) => line.evidence)) {
    if (ref.type === 'inspection') ids.inspection.add(ref.inspectionId);
    else if (ref.type === 'complaint') ids.complaint.add(ref.complaintId);
    else if (ref.type === 'rectification_notice') ids.notice.add(ref.noticeId);
    else if (ref.type === 'commendation') ids.commendation.add(ref.commendationId);
  }
  const contractId = scorecard.contract.id;
  return {
    inspections: await repo.selectInspectionsById(db, contractId, [...ids.inspection]),
    complaints: await repo.selectComplaintsById(db, contractId, [...ids.complaint]),
    rectifications: await repo.selectNoticesById(db, contractId, [...ids.notice]),
    commendations: await repo.selectCommendationsById(db, contractId, [...ids.commendation]),
  };
}

/** A contract's inputs of `period` recorded up to `asOfMs`. */
export async function selectContractInputs(
  db: Queryable,
  contractId: string,
  period: Period,
  asOfMs: number,
): Promise<ContractInputs> {
  const { first, last } = daysOf(period.key);
  const months = new Set(monthsOf(period.key));
  const scope = { contractIds: [contractId], asOfMs };
  const within = (ms: number): boolean => ms >= period.startMs && ms < period.endMs;
  const notices = await repo.selectNotices(db, scope);
  const surveys = await repo.selectSurveys(db, scope, last);
  const reviews = await repo.selectReviews(db, scope, period.key.slice(0, 4));
  return {
    contractId,
    period: period.key,
    inspections: await repo.selectInspections(db, scope, period.startMs, period.endMs),
    rectifications: notices.filter(
      (notice) =>
        within(notice.issuedAtMs) || (notice.outcome !== null && within(notice.outcome.checkedAtMs)),
    ),
    complaints: await repo.selectComplaints(db, scope, period.startMs, period.endMs),
    commendations: await repo.selectCommendations(db, scope, period.startMs, period.endMs),
    surveys: surveys.filter((survey) => survey.conductedOn >= first),
    leadershipReviews: reviews.filter((review) => monthsOf(review.half).some((month) => months.has(month))),
  };
}
