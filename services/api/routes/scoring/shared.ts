import type { SiteModel } from '../../../../config/load/model.ts';
import type { Principal } from '../../../accounts/principal.ts';
import type { ReportRenderer } from '../../../reports/index.ts';
import type { Clock } from '../../../runtime/clock.ts';
import { monthsOf, type ScoringStore, type StoredScorecard } from '../../../scoring/index.ts';
import { roles } from '../../access.ts';
import { ApiError, ErrorBody } from '../../errors.ts';
import type { Limiters } from '../../rate-limits.ts';
import type { ScorecardSummary } from '../../scoring-schemas.ts';

/** What the scoring routes share: their roles, dependencies, error replies and the vendor scope. */

export const errors = { '4xx': ErrorBody, '5xx': ErrorBody };
export const TAGS = ['scoring'];

/**
 * Who does what, as the evaluation domain has it: facilities managers record the office's
 * supervision (inspections, notices and outcomes, complaints and conclusions, commendations,
 * surveys, leadership reviews) and decide appeals; they or an administrator close a month (the
 * store's closers, less `system`); the vendor user appeals its own contract's deductions; staff
 * read everything (the auditor never acts); a vendor user reads its own contracts' scorecards,
 * appeals, previews and annual evaluations, and another vendor's are 404, and every quarterly
 * bulletin once it is published (`mayReadBulletin`).
 */
export const STAFF = roles('operator', 'facilities_manager', 'administrator', 'auditor');
export const RECORDERS = roles('facilities_manager');
export const CLOSERS = roles('facilities_manager', 'administrator');
export const APPELLANTS = roles('vendor_user');

/** What the routes call on the scoring store. */
export type ApiScoring = Pick<
  ScoringStore,
  | 'recordInspection'
  | 'issueRectification'
  | 'recordRectificationOutcome'
  | 'recordComplaint'
  | 'concludeComplaint'
  | 'recordCommendation'
  | 'recordSurvey'
  | 'recordLeadershipReview'
  | 'fileAppeal'
  | 'decideAppeal'
  | 'closeMonth'
  | 'scorecard'
  | 'latestScorecards'
  | 'revisions'
  | 'contractsInForce'
  | 'appealDeadline'
  | 'previewMonth'
  | 'recompute'
  | 'appeals'
  | 'appeal'
  | 'evidenceOf'
  | 'inputsOf'
  | 'quarterlyBulletin'
  | 'annualEvaluation'
>;

export interface ScoringRouteDeps {
  /** Contracts (whose vendor a vendor user is), vendors' names and the sites' zones for reports. */
  readonly model: Pick<SiteModel, 'contracts' | 'vendors' | 'sites' | 'buildings'>;
  readonly scoring: ApiScoring;
  readonly reports: ReportRenderer;
  readonly clock: Clock;
  readonly limiters: Pick<Limiters, 'write'>;
}

export const notFound = (what: string): ApiError => new ApiError(404, 'not_found', `no ${what}`);

// The vendor scope.

/** The contract, if the principal may see it: staff see every one, a vendor user its vendor's. */
export function visibleContract(deps: ScoringRouteDeps, principal: Principal, contractId: string) {
  const contract = deps.model.contracts.get(contractId);
  if (!contract || (principal.role === 'vendor_user' && contract.vendor !== principal.vendorId))
    throw notFound(`contract ${contractId}`);
  return contract;
}

/** The contracts a principal's lists are limited to: undefined for staff (all). */
export function scopeOf(deps: ScoringRouteDeps, principal: Principal): string[] | undefined {
  if (principal.role !== 'vendor_user') return undefined;
  return [...deps.model.contracts.values()]
    .filter((contract) => contract.vendor === principal.vendorId)
    .map((contract) => contract.id);
}

// 通报制: the quarterly bulletin as published.

/**
 * A vendor user reads a quarter's bulletin (JSON, CSV, PDF) once it is published: every contract
 * in force in each of the quarter's three months has that month closed, so the ranking it sees is
 * the one every vendor sees and moves only by appeal decisions, which revise it openly. Until
 * then it is a draft that staff read at any time; a vendor gets 403 `bulletin_not_published`.
 * A quarter no contract was in force in is never published (there is nothing to rank).
 */
export async function mayReadBulletin(
  deps: ScoringRouteDeps,
  principal: Principal,
  quarter: string,
): Promise<void> {
  if (principal.role !== 'vendor_user') return;
  const months = monthsOf(quarter);
  const due = months.flatMap((month) => deps.scoring.contractsInForce(month).map((id) => `${month} ${id}`));
  const closed = new Set(
    (await deps.scoring.latestScorecards(months)).map((card) => `${card.month} ${card.contractId}`),
  );
  if (due.length === 0 || due.some((key) => !closed.has(key)))
    throw new ApiError(
      403,
      'bulletin_not_published',
      `the bulletin of ${quarter} is published once all three of its months are closed`,
    );
}

export async function summaryOf(deps: ScoringRouteDeps, stored: StoredScorecard): Promise<ScorecardSummary> {
  const card = stored.scorecard;
  return {
    contractId: stored.contractId,
    vendorId: card.contract.vendorId,
    lot: card.contract.lot,
    month: stored.month,
    revision: stored.revision,
    reason: stored.reason,
    asOfMs: stored.asOfMs,
    appealDeadlineMs: (await deps.scoring.appealDeadline(stored.contractId, stored.month)) ?? stored.asOfMs,
    total: card.total,
    grade: card.grade,
    gradeLabelKey: card.gradeLabelKey,
    deductions: card.deductions,
    bonuses: card.bonuses,
    appeals: card.appeals,
  };
}
