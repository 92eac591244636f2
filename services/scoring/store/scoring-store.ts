import type { Actor } from '../../workorders/domain/types.ts';
import { auditTrail, verifyAuditLog } from '../audit/audit-log.ts';
import type { AuditRow, ChainVerdict } from '../audit/chain.ts';
import {
  type AnnualEvaluation,
  type MonthlyScorecard,
  parsePeriodKey,
  periodOf,
  type QuarterlyBulletin,
} from '../domain/index.ts';
import type {
  AppealRecord,
  CommendationRecord,
  ComplaintRecord,
  InspectionRecord,
  LeadershipReviewRecord,
  RectificationNoticeRecord,
  SurveyRecord,
} from '../domain/records.ts';
import * as appeals from './appeals.ts';
import { readAnnualEvaluation, readQuarterlyBulletin } from './bulletin-evaluation.ts';
import { type ScoringStoreOptions, StoreContext } from './context.ts';
import * as inputs from './manual-inputs.ts';
import * as months from './months.ts';
import { type ContractInputs, type EvidenceRecords, selectContractInputs, selectEvidence } from './reads.ts';
import type { AppealFilter } from './repository.ts';
import * as repo from './repository.ts';
import type { Recomputation } from './revisions.ts';
import { recordSchemes } from './scheme-audit.ts';
import {
  type RevisionSummary,
  type StoredScorecard,
  scorecardAnchorProblems,
  selectLatestScorecards,
  selectRevisions,
  selectScorecard,
} from './scorecards.ts';

export type { ScoringStoreOptions, WorkOrderHistories } from './context.ts';
export type { Recomputation } from './revisions.ts';

/**
 * Vendor evaluation in PostgreSQL: the manual inputs (each checked, stored and audited in one
 * transaction), closing a month into a stored scorecard, appeals and the revisions they cause,
 * recomputation of a closed month against its stored bytes, the quarterly bulletin and the annual
 * evaluation. Automatic facts come from the work-order store's histories; nothing here reads or
 * writes another service's tables.
 *
 * Writes about one contract take a per-contract advisory lock, so an input and the close of its
 * month never interleave: an input either lands before the close (and is in the scorecard) or
 * after it (and is refused as `period_closed`).
 *
 * This class is the one entry point callers use; the work is done by the modules beside it
 * (`manual-inputs.ts`, `appeals.ts`, `months.ts`, `revisions.ts`, `bulletin-evaluation.ts`,
 * `scheme-audit.ts`), which share the pool, clock, model and locks through `StoreContext`.
 */
export class ScoringStore {
  readonly #ctx: StoreContext;

  constructor(options: ScoringStoreOptions) {
    this.#ctx = new StoreContext(options);
  }

  // Manual inputs (facilities managers).

  recordInspection(actor: Actor, value: unknown): Promise<InspectionRecord> {
    return inputs.recordInspection(this.#ctx, actor, value);
  }

  issueRectification(actor: Actor, value: unknown): Promise<RectificationNoticeRecord> {
    return inputs.issueRectification(this.#ctx, actor, value);
  }

  recordRectificationOutcome(actor: Actor, value: unknown): Promise<RectificationNoticeRecord> {
    return inputs.recordRectificationOutcome(this.#ctx, actor, value);
  }

  recordComplaint(actor: Actor, value: unknown): Promise<ComplaintRecord> {
    return inputs.recordComplaint(this.#ctx, actor, value);
  }

  concludeComplaint(actor: Actor, value: unknown): Promise<ComplaintRecord> {
    return inputs.concludeComplaint(this.#ctx, actor, value);
  }

  recordCommendation(actor: Actor, value: unknown): Promise<CommendationRecord> {
    return inputs.recordCommendation(this.#ctx, actor, value);
  }

  recordSurvey(actor: Actor, value: unknown): Promise<SurveyRecord> {
    return inputs.recordSurvey(this.#ctx, actor, value);
  }

  recordLeadershipReview(actor: Actor, value: unknown): Promise<LeadershipReviewRecord> {
    return inputs.recordLeadershipReview(this.#ctx, actor, value);
  }

  // Appeals.

  /** A vendor user disputes a deduction of its own contract's closed month, within the window. */
  fileAppeal(actor: Actor, value: unknown): Promise<AppealRecord> {
    return appeals.fileAppeal(this.#ctx, actor, value);
  }

  /**
   * A manager upholds or overturns an appeal with a reason; the month's scorecard is computed
   * again with the decision and stored as the next revision (an overturned deduction stays on it,
   * with nothing applied).
   */
  decideAppeal(actor: Actor, value: unknown): Promise<{ appeal: AppealRecord; scorecard: StoredScorecard }> {
    return appeals.decideAppeal(this.#ctx, actor, value);
  }

  // Periods.

  /**
   * 月考核: closes `month` for every contract in force in it (or those named), all in one
   * transaction: computes each scorecard from the work orders and the inputs recorded so far,
   * stores it as revision 1 (the publication the appeal window runs from) and audits it. A month
   * closes once its last instant has passed; a contract already closed is returned as it is.
   * Scheme changes since the last close are audited first.
   */
  closeMonth(actor: Actor, month: string, contractIds?: readonly string[]): Promise<StoredScorecard[]> {
    return months.closeMonth(this.#ctx, actor, month, contractIds);
  }

  /** The latest revision of a closed month's scorecard. */
  scorecard(contractId: string, month: string, revision?: number): Promise<StoredScorecard | undefined> {
    return selectScorecard(this.#ctx.pool, contractId, month, revision);
  }

  /** When the vendor's appeals against a closed month close (the window after publication). */
  appealDeadline(contractId: string, month: string): Promise<number | undefined> {
    return appeals.appealDeadline(this.#ctx, contractId, month);
  }

  // Reads for the API, the reports and the commands.

  /** The latest revision of each closed month among `months`, of the contracts named (all when omitted). */
  latestScorecards(months: readonly string[], contractIds?: readonly string[]): Promise<StoredScorecard[]> {
    for (const month of months) parsePeriodKey(month);
    return selectLatestScorecards(this.#ctx.pool, months, contractIds ?? null);
  }

  /** Every revision of a contract's closed month, oldest first (none while the month is open). */
  revisions(contractId: string, month: string): Promise<RevisionSummary[]> {
    return selectRevisions(this.#ctx.pool, contractId, month);
  }

  /** The contracts in force in a month, by id: the ones `closeMonth` closes. */
  contractsInForce(month: string): string[] {
    return this.#ctx.contractsInForce(month).map((contract) => contract.id);
  }

  /** Appeals as they stand now, oldest first (`state: 'pending'`: the managers' queue). */
  appeals(filter: AppealFilter): Promise<AppealRecord[]> {
    return repo.selectAppealList(this.#ctx.pool, filter);
  }

  appeal(appealId: string): Promise<AppealRecord | undefined> {
    return repo.selectAppeal(this.#ctx.pool, appealId);
  }

  /**
   * The manual records a scorecard's lines name as evidence (inspections, complaints, notices,
   * commendations), as they stand now; work orders, incidents and equipment are the work-order
   * and incident services' to show.
   */
  evidenceOf(scorecard: Pick<MonthlyScorecard, 'contract' | 'lines'>): Promise<EvidenceRecords> {
    return selectEvidence(this.#ctx.pool, scorecard);
  }

  /**
   * A contract's manual inputs of a period (`YYYY-MM`, `YYYY-Qn`, `YYYY-Hn`, `YYYY`) as they stand
   * now: inspections, commendations and surveys in it, complaints received or concluded in it,
   * notices issued or checked in it, and the leadership reviews of its half years.
   */
  inputsOf(contractId: string, periodKey: string): Promise<ContractInputs> {
    const ctx = this.#ctx;
    const period = periodOf(periodKey, ctx.zoneOf(ctx.contract(contractId)));
    return selectContractInputs(ctx.pool, contractId, period, ctx.clock.nowMs());
  }

  /**
   * The month's scorecard as it stands now, not stored: a running month as if it ended now, or a
   * closed one with its pending appeals.
   */
  previewMonth(contractId: string, month: string): Promise<MonthlyScorecard> {
    return months.previewMonth(this.#ctx, contractId, month);
  }

  /**
   * Computes a closed month again from the database, as of the revision's instant, with the
   * scheme and contract terms stored with it, and compares the canonical bytes.
   */
  recompute(contractId: string, month: string, revision?: number): Promise<Recomputation> {
    return months.recompute(this.#ctx, contractId, month, revision);
  }

  /** `recompute` of the latest revision of every closed scorecard of the month (or of the contracts named). */
  recomputeMonth(month: string, contractIds?: readonly string[]): Promise<Recomputation[]> {
    return months.recomputeMonth(this.#ctx, month, contractIds);
  }

  /** 季通报 of every contract with a closed month in the quarter. */
  quarterlyBulletin(quarter: string): Promise<QuarterlyBulletin> {
    return readQuarterlyBulletin(this.#ctx, quarter);
  }

  /** 年考评 of one contract. */
  annualEvaluation(contractId: string, year: string): Promise<AnnualEvaluation> {
    return readAnnualEvaluation(this.#ctx, contractId, year);
  }

  // Schemes and the audit log.

  /** Audits every scheme whose content differs from the one last audited (`scheme_recorded`); returns how many. */
  recordSchemes(actor: Actor): Promise<number> {
    return recordSchemes(this.#ctx, actor);
  }

  verifyAudit(): Promise<ChainVerdict> {
    return verifyAuditLog(this.#ctx.pool);
  }

  /** Closed scorecards that do not match the audit row that recorded them (see `scorecardAnchorProblems`). */
  verifyScorecards(): Promise<string[]> {
    return scorecardAnchorProblems(this.#ctx.pool);
  }

  /** The audit rows of a contract (`contract:<id>`) or a scheme (`scheme:<id>`), oldest first. */
  auditTrail(subject: string): Promise<AuditRow[]> {
    return auditTrail(this.#ctx.pool, subject);
  }
}
