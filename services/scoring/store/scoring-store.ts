import type { PoolClient } from 'pg';
import type { SiteModel } from '../../../config/load/model.ts';
import type { Contract } from '../../../config/schema/contracts.ts';
import type { ScoringScheme } from '../../../config/schema/scoring.ts';
import { SiteZone } from '../../calendar/site-zone.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { SqlPool } from '../../runtime/connections/postgres.ts';
import { SiteCalendars } from '../../workorders/calendars.ts';
import type { Actor } from '../../workorders/domain/types.ts';
import type { OrderHistory } from '../../workorders/store/histories.ts';
import {
  appendAudit,
  appendAuditEntries,
  auditTrail,
  latestAudit,
  lockAuditLog,
  verifyAuditLog,
} from '../audit/audit-log.ts';
import type { AuditRow, ChainVerdict } from '../audit/chain.ts';
import {
  type AnnualEvaluation,
  type AutomaticFacts,
  annualEvaluation,
  appealDeadlineMs,
  type ContractTerms,
  canonicalJson,
  checkAppealDecision,
  checkAppealFiling,
  contractTermsOf,
  daysOf,
  digestOf,
  type MonthInputs,
  type MonthlyScorecard,
  monthKeyAt,
  monthsOf,
  officeFigures,
  type Period,
  parsePeriodKey,
  periodOf,
  type QuarterlyBulletin,
  quarterlyBulletin,
  ScoringError,
  scoreMonth,
  sha256Hex,
} from '../domain/index.ts';
import {
  AppealDecisionInput,
  AppealInput,
  type AppealRecord,
  CommendationInput,
  type CommendationRecord,
  ComplaintConclusionInput,
  ComplaintInput,
  type ComplaintRecord,
  InspectionInput,
  type InspectionRecord,
  LeadershipReviewInput,
  type LeadershipReviewRecord,
  RectificationNoticeInput,
  type RectificationNoticeRecord,
  RectificationOutcomeInput,
  SurveyInput,
  type SurveyRecord,
  withoutEmptyAttachments,
} from '../domain/records.ts';
import { automaticFacts } from '../facts/order-facts.ts';
import { checkInput } from '../inputs.ts';
import { type ContractInputs, type EvidenceRecords, selectContractInputs, selectEvidence } from './reads.ts';
import type { AppealFilter } from './repository.ts';
import * as repo from './repository.ts';
import {
  insertScorecards,
  isClosed,
  type RevisionSummary,
  type StoredScorecard,
  scorecardAnchorProblems,
  selectLatestScorecards,
  selectPublishedAt,
  selectRevisions,
  selectScorecard,
} from './scorecards.ts';

/** What scoring reads of the work orders: the work-order store's `historiesAsOf`. */
export interface WorkOrderHistories {
  historiesAsOf(fromMs: number, toMs: number): Promise<readonly OrderHistory[]>;
}

export interface ScoringStoreOptions {
  readonly pool: SqlPool;
  readonly clock: Clock;
  readonly model: Pick<SiteModel, 'contracts' | 'scoringSchemes' | 'buildings' | 'sites'>;
  readonly workOrders: WorkOrderHistories;
}

/** The scheme and contract terms a closed scorecard was computed with: stored with it, canonical. */
interface StoredTerms {
  readonly scheme: ScoringScheme;
  readonly contract: ContractTerms;
}

export interface Recomputation {
  readonly contractId: string;
  readonly month: string;
  readonly revision: number;
  /** The recomputed scorecard's canonical JSON equals the stored one, byte for byte. */
  readonly identical: boolean;
  readonly storedSha256: string;
  readonly recomputedSha256: string;
}

const MANAGERS: readonly Actor['role'][] = ['facilities_manager'];
const CLOSERS: readonly Actor['role'][] = ['facilities_manager', 'administrator', 'system'];
/** Namespace of the per-contract advisory lock that orders inputs, closes and appeals of a contract. */
const CONTRACT_LOCK = 7_304_378;

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
 */
export class ScoringStore {
  readonly #pool: SqlPool;
  readonly #clock: Clock;
  readonly #model: ScoringStoreOptions['model'];
  readonly #workOrders: WorkOrderHistories;
  readonly #calendars: SiteCalendars;
  readonly #zones = new Map<string, SiteZone>();

  constructor(options: ScoringStoreOptions) {
    this.#pool = options.pool;
    this.#clock = options.clock;
    this.#model = options.model;
    this.#workOrders = options.workOrders;
    this.#calendars = new SiteCalendars(options.model);
  }

  // Manual inputs (facilities managers).

  async recordInspection(actor: Actor, value: unknown): Promise<InspectionRecord> {
    const input = checkInput(InspectionInput, value);
    return this.#input(actor, input.contractId, [input.conductedAtMs], async (tx, stamp) => {
      const id = await repo.insertInspection(tx, input, stamp);
      return {
        audit: { kind: 'inspection_recorded', body: { id, ...input } },
        result: { ...input, id, ...recordedOf(stamp) },
      };
    });
  }

  async issueRectification(actor: Actor, value: unknown): Promise<RectificationNoticeRecord> {
    const input = withoutEmptyAttachments(checkInput(RectificationNoticeInput, value));
    if (input.deadlineMs < input.issuedAtMs)
      throw new ScoringError('invalid_input', 'deadlineMs: before issuedAtMs');
    return this.#input(actor, input.contractId, [input.issuedAtMs], async (tx, stamp) => {
      if (input.followsNoticeId !== undefined) {
        const followed = await repo.selectNotice(tx, input.followsNoticeId);
        if (!followed || followed.contractId !== input.contractId)
          throw new ScoringError(
            'not_found',
            `no notice ${input.followsNoticeId} of contract ${input.contractId}`,
          );
        if (followed.outcome?.outcome !== 'failed')
          throw new ScoringError(
            'invalid_input',
            `notice ${input.followsNoticeId} has not failed: nothing to re-issue`,
          );
      }
      if (input.inspectionId !== undefined)
        await this.#ownInspection(tx, input.inspectionId, input.contractId);
      if (input.complaintId !== undefined) await this.#ownComplaint(tx, input.complaintId, input.contractId);
      const id = await repo.insertNotice(tx, input, stamp);
      return {
        audit: { kind: 'rectification_issued', body: { id, ...input } },
        result: { ...input, id, ...recordedOf(stamp), outcome: null },
      };
    });
  }

  async recordRectificationOutcome(actor: Actor, value: unknown): Promise<RectificationNoticeRecord> {
    const input = checkInput(RectificationOutcomeInput, value);
    const notice = await repo.selectNotice(this.#pool, input.noticeId);
    if (!notice) throw new ScoringError('not_found', `no rectification notice ${input.noticeId}`);
    return this.#input(actor, notice.contractId, [input.checkedAtMs], async (tx, stamp) => {
      if (input.checkedAtMs < notice.issuedAtMs)
        throw new ScoringError('invalid_input', 'checkedAtMs: before the notice was issued');
      await repo.insertOutcome(tx, input, stamp);
      const { noticeId: _, ...outcome } = input;
      return {
        audit: { kind: 'rectification_checked', body: input },
        result: { ...notice, outcome: { ...outcome, id: notice.id, ...recordedOf(stamp) } },
      };
    });
  }

  async recordComplaint(actor: Actor, value: unknown): Promise<ComplaintRecord> {
    const input = withoutEmptyAttachments(checkInput(ComplaintInput, value));
    // Receiving a complaint scores nothing (its conclusion does): a closed month does not refuse it.
    return this.#input(actor, input.contractId, [], async (tx, stamp) => {
      this.#notFuture(input.receivedAtMs, stamp.atMs);
      const id = await repo.insertComplaint(tx, input, stamp);
      return {
        audit: { kind: 'complaint_recorded', body: { id, ...input } },
        result: { ...input, id, ...recordedOf(stamp), conclusion: null },
      };
    });
  }

  async concludeComplaint(actor: Actor, value: unknown): Promise<ComplaintRecord> {
    const input = checkInput(ComplaintConclusionInput, value);
    const complaint = await repo.selectComplaint(this.#pool, input.complaintId);
    if (!complaint) throw new ScoringError('not_found', `no complaint ${input.complaintId}`);
    return this.#input(actor, complaint.contractId, [input.concludedAtMs], async (tx, stamp) => {
      if (input.concludedAtMs < complaint.receivedAtMs)
        throw new ScoringError('invalid_input', 'concludedAtMs: before the complaint was received');
      await repo.insertConclusion(tx, input, stamp);
      const { complaintId: _, ...conclusion } = input;
      return {
        audit: { kind: 'complaint_concluded', body: input },
        result: { ...complaint, conclusion: { ...conclusion, id: complaint.id, ...recordedOf(stamp) } },
      };
    });
  }

  async recordCommendation(actor: Actor, value: unknown): Promise<CommendationRecord> {
    const input = checkInput(CommendationInput, value);
    return this.#input(actor, input.contractId, [input.awardedAtMs], async (tx, stamp) => {
      const id = await repo.insertCommendation(tx, input, stamp);
      return {
        audit: { kind: 'commendation_recorded', body: { id, ...input } },
        result: { ...input, id, ...recordedOf(stamp) },
      };
    });
  }

  async recordSurvey(actor: Actor, value: unknown): Promise<SurveyRecord> {
    const input = withoutEmptyAttachments(checkInput(SurveyInput, value));
    if (input.returned > input.distributed)
      throw new ScoringError('invalid_input', 'returned: more questionnaires back than were handed out');
    return this.#input(actor, input.contractId, [], async (tx, stamp) => {
      const zone = this.#zoneOf(this.#contract(input.contractId));
      this.#notFuture(periodOf(input.conductedOn.slice(0, 7), zone).startMs, stamp.atMs);
      const id = await repo.insertSurvey(tx, input, stamp);
      return {
        audit: { kind: 'survey_recorded', body: { id, ...input } },
        result: { ...input, id, ...recordedOf(stamp) },
      };
    });
  }

  async recordLeadershipReview(actor: Actor, value: unknown): Promise<LeadershipReviewRecord> {
    const input = withoutEmptyAttachments(checkInput(LeadershipReviewInput, value));
    return this.#input(actor, input.contractId, [], async (tx, stamp) => {
      this.#notFuture(input.reviewedAtMs, stamp.atMs);
      const id = await repo.insertReview(tx, input, stamp);
      return {
        audit: { kind: 'leadership_review_recorded', body: { id, ...input } },
        result: { ...input, id, ...recordedOf(stamp) },
      };
    });
  }

  // Appeals.

  /** A vendor user disputes a deduction of its own contract's closed month, within the window. */
  async fileAppeal(actor: Actor, value: unknown): Promise<AppealRecord> {
    const input = checkInput(AppealInput, value);
    const contract = this.#contract(input.contractId);
    if (actor.role !== 'vendor_user')
      throw new ScoringError('not_allowed_for_role', `a ${actor.role} cannot appeal a score`);
    if (actor.vendorId !== contract.vendor)
      throw new ScoringError(
        'not_own_contract',
        `contract ${contract.id} is not of vendor ${actor.vendorId}`,
      );
    return this.#transaction(async (tx) => {
      await this.#lock(tx, contract.id);
      const nowMs = this.#clock.nowMs();
      const stored = await selectScorecard(tx, contract.id, input.month);
      const publishedAtMs = await selectPublishedAt(tx, contract.id, input.month);
      if (!stored || publishedAtMs === undefined)
        throw new ScoringError(
          'period_not_closed',
          `${input.month} of ${contract.id} has no published scorecard`,
        );
      const existing = await repo.selectAppeals(
        tx,
        { contractIds: [contract.id], asOfMs: nowMs },
        input.month,
      );
      checkAppealFiling({
        scorecard: stored.scorecard,
        lineId: input.lineId,
        filedAtMs: nowMs,
        publishedAtMs,
        windowDays: this.#storedTerms(stored).scheme.appealWindowDays,
        existing,
      });
      const stamp = { by: actor, atMs: nowMs };
      const id = await repo.insertAppeal(tx, input, stamp);
      await appendAudit(tx, {
        atMs: nowMs,
        kind: 'appeal_filed',
        subject: subjectOf(contract.id),
        actor,
        body: { id, ...input },
      });
      return { ...input, id, ...recordedOf(stamp), decision: null };
    });
  }

  /**
   * A manager upholds or overturns an appeal with a reason; the month's scorecard is computed
   * again with the decision and stored as the next revision (an overturned deduction stays on it,
   * with nothing applied).
   */
  async decideAppeal(
    actor: Actor,
    value: unknown,
  ): Promise<{ appeal: AppealRecord; scorecard: StoredScorecard }> {
    const input = checkInput(AppealDecisionInput, value);
    this.#mayRecord(actor);
    const found = await repo.selectAppeal(this.#pool, input.appealId);
    if (!found) throw new ScoringError('appeal_not_found', `no appeal ${input.appealId}`);
    return this.#transaction(async (tx) => {
      await this.#lock(tx, found.contractId);
      const appeal = await repo.selectAppeal(tx, input.appealId, true);
      if (!appeal) throw new ScoringError('appeal_not_found', `no appeal ${input.appealId}`);
      checkAppealDecision(appeal);
      const nowMs = this.#clock.nowMs();
      const stamp = { by: actor, atMs: nowMs };
      await repo.insertDecision(tx, input, stamp);
      await appendAudit(tx, {
        atMs: nowMs,
        kind: 'appeal_decided',
        subject: subjectOf(appeal.contractId),
        actor,
        body: input,
      });
      const previous = await selectScorecard(tx, appeal.contractId, appeal.month);
      if (!previous)
        throw new ScoringError('period_not_closed', `${appeal.month} of ${appeal.contractId} is not closed`);
      const { scheme, contract } = this.#storedTerms(previous);
      const period = periodOf(appeal.month, this.#zoneOf(this.#contract(appeal.contractId)));
      const [scorecard] = await this.#storeRevisions(
        tx,
        actor,
        [{ scheme, contract, revision: previous.revision + 1 }],
        period,
        'appeal_decision',
        nowMs,
        await this.#factsOf(period),
      );
      if (!scorecard) throw new Error('no revision was stored');
      const { appealId: _, ...decision } = input;
      return {
        appeal: { ...appeal, decision: { ...decision, id: appeal.id, ...recordedOf(stamp) } },
        scorecard,
      };
    });
  }

  // Periods.

  /**
   * 月考核: closes `month` for every contract in force in it (or those named), all in one
   * transaction: computes each scorecard from the work orders and the inputs recorded so far,
   * stores it as revision 1 (the publication the appeal window runs from) and audits it. A month
   * closes once its last instant has passed; a contract already closed is returned as it is.
   * Scheme changes since the last close are audited first.
   */
  async closeMonth(actor: Actor, month: string, contractIds?: readonly string[]): Promise<StoredScorecard[]> {
    if (!CLOSERS.includes(actor.role))
      throw new ScoringError('not_allowed_for_role', `a ${actor.role} cannot close a month`);
    for (const id of contractIds ?? []) this.#contract(id);
    const contracts = this.#contractsInForce(month).filter(
      (c) => contractIds === undefined || contractIds.includes(c.id),
    );
    await this.recordSchemes(actor);
    const stored: StoredScorecard[] = [];
    for (const [zone, group] of this.#byZone(contracts)) {
      const period = periodOf(month, zone);
      if (this.#clock.nowMs() < period.endMs)
        throw new ScoringError('period_not_ended', `${month} has not ended yet`);
      const facts = await this.#factsOf(period);
      const ids = group.map((c) => c.id);
      stored.push(
        ...(await this.#transaction(async (tx) => {
          // Every contract's lock, in id order (as any other multi-contract writer must take them).
          await tx.query(
            'select count(pg_advisory_xact_lock($1, hashtext(id))) from (select unnest($2::text[]) as id order by 1) ids',
            [CONTRACT_LOCK, [...ids].sort()],
          );
          const existing = await selectLatestScorecards(tx, [month], ids);
          const open = group.filter((c) => !existing.some((e) => e.contractId === c.id));
          const made = await this.#storeRevisions(
            tx,
            actor,
            open.map((c) => ({ scheme: this.#scheme(c), contract: contractTermsOf(c), revision: 1 })),
            period,
            'close',
            this.#clock.nowMs(),
            facts,
          );
          return ids.map(
            (id) =>
              (existing.find((e) => e.contractId === id) ??
                made.find((m) => m.contractId === id)) as StoredScorecard,
          );
        })),
      );
    }
    return stored;
  }

  /** The latest revision of a closed month's scorecard. */
  scorecard(contractId: string, month: string, revision?: number): Promise<StoredScorecard | undefined> {
    return selectScorecard(this.#pool, contractId, month, revision);
  }

  /** When the vendor's appeals against a closed month close (the window after publication). */
  async appealDeadline(contractId: string, month: string): Promise<number | undefined> {
    // The window of the scheme the month was closed under, as `fileAppeal` applies it.
    const published = await selectScorecard(this.#pool, contractId, month, 1);
    return published === undefined
      ? undefined
      : appealDeadlineMs(published.asOfMs, this.#storedTerms(published).scheme.appealWindowDays);
  }

  // Reads for the API, the reports and the commands.

  /** The latest revision of each closed month among `months`, of the contracts named (all when omitted). */
  latestScorecards(months: readonly string[], contractIds?: readonly string[]): Promise<StoredScorecard[]> {
    for (const month of months) parsePeriodKey(month);
    return selectLatestScorecards(this.#pool, months, contractIds ?? null);
  }

  /** Every revision of a contract's closed month, oldest first (none while the month is open). */
  revisions(contractId: string, month: string): Promise<RevisionSummary[]> {
    return selectRevisions(this.#pool, contractId, month);
  }

  /** The contracts in force in a month, by id: the ones `closeMonth` closes. */
  contractsInForce(month: string): string[] {
    return this.#contractsInForce(month).map((contract) => contract.id);
  }

  /** Appeals as they stand now, oldest first (`state: 'pending'`: the managers' queue). */
  appeals(filter: AppealFilter): Promise<AppealRecord[]> {
    return repo.selectAppealList(this.#pool, filter);
  }

  appeal(appealId: string): Promise<AppealRecord | undefined> {
    return repo.selectAppeal(this.#pool, appealId);
  }

  /**
   * The manual records a scorecard's lines name as evidence (inspections, complaints, notices,
   * commendations), as they stand now; work orders, incidents and equipment are the work-order
   * and incident services' to show.
   */
  evidenceOf(scorecard: Pick<MonthlyScorecard, 'contract' | 'lines'>): Promise<EvidenceRecords> {
    return selectEvidence(this.#pool, scorecard);
  }

  /**
   * A contract's manual inputs of a period (`YYYY-MM`, `YYYY-Qn`, `YYYY-Hn`, `YYYY`) as they stand
   * now: inspections, commendations and surveys in it, complaints received or concluded in it,
   * notices issued or checked in it, and the leadership reviews of its half years.
   */
  inputsOf(contractId: string, periodKey: string): Promise<ContractInputs> {
    const period = periodOf(periodKey, this.#zoneOf(this.#contract(contractId)));
    return selectContractInputs(this.#pool, contractId, period, this.#clock.nowMs());
  }

  /**
   * The month's scorecard as it stands now, not stored: a running month as if it ended now, or a
   * closed one with its pending appeals.
   */
  async previewMonth(contractId: string, month: string): Promise<MonthlyScorecard> {
    const contract = this.#contract(contractId);
    const full = periodOf(month, this.#zoneOf(contract));
    // A running month is scored as if it ended now: its period reads up to now.
    const period = { ...full, endMs: Math.min(full.endMs, Math.max(full.startMs, this.#clock.nowMs())) };
    const inputs = await this.#gather(
      this.#pool,
      [contract.id],
      period,
      this.#clock.nowMs(),
      await this.#factsOf(period),
    );
    return scoreMonth(
      this.#scheme(contract),
      contractTermsOf(contract),
      inputs.get(contract.id) as MonthInputs,
    );
  }

  /**
   * Computes a closed month again from the database, as of the revision's instant, with the
   * scheme and contract terms stored with it, and compares the canonical bytes.
   */
  async recompute(contractId: string, month: string, revision?: number): Promise<Recomputation> {
    const stored = await selectScorecard(this.#pool, contractId, month, revision);
    if (!stored) throw new ScoringError('period_not_closed', `${month} of ${contractId} is not closed`);
    const period = periodOf(month, this.#zoneOf(this.#contract(contractId)));
    const [result] = await this.#recomputeStored([stored], period, await this.#factsOf(period));
    return result as Recomputation;
  }

  /** `recompute` of the latest revision of every closed scorecard of the month (or of the contracts named). */
  async recomputeMonth(month: string, contractIds?: readonly string[]): Promise<Recomputation[]> {
    const stored = await selectLatestScorecards(this.#pool, [month], contractIds ?? null);
    const results: Recomputation[] = [];
    const byZone = this.#byZone(
      [...new Set(stored.map((s) => s.contractId))].map((id) => this.#contract(id)),
    );
    for (const [zone, contracts] of byZone) {
      const period = periodOf(month, zone);
      const cards = stored.filter((s) => contracts.some((c) => c.id === s.contractId));
      results.push(...(await this.#recomputeStored(cards, period, await this.#factsOf(period))));
    }
    return results;
  }

  /** Recomputes stored scorecards of one period, reading the inputs once per `asOf` they were made at. */
  async #recomputeStored(
    stored: readonly StoredScorecard[],
    period: Period,
    facts: AutomaticFacts,
  ): Promise<Recomputation[]> {
    const results: Recomputation[] = [];
    for (const asOfMs of [...new Set(stored.map((s) => s.asOfMs))]) {
      const cards = stored.filter((s) => s.asOfMs === asOfMs);
      const gathered = await this.#gather(
        this.#pool,
        cards.map((card) => card.contractId),
        period,
        asOfMs,
        facts,
      );
      for (const card of cards) {
        const { scheme, contract } = this.#storedTerms(card);
        const inputs = gathered.get(card.contractId) as MonthInputs;
        const text = canonicalJson(scoreMonth(scheme, contract, inputs));
        results.push({
          contractId: card.contractId,
          month: card.month,
          revision: card.revision,
          identical: text === card.text,
          storedSha256: card.sha256,
          recomputedSha256: sha256Hex(text),
        });
      }
    }
    return results;
  }

  /** The automatic facts of a whole period, from the work orders' histories as of its end. */
  async #factsOf(period: Period): Promise<AutomaticFacts> {
    return automaticFacts(
      await this.#workOrders.historiesAsOf(period.startMs, period.endMs),
      period,
      this.#calendars.forBuilding,
    );
  }

  /** 季通报 of every contract with a closed month in the quarter. */
  async quarterlyBulletin(quarter: string): Promise<QuarterlyBulletin> {
    const zone = this.#defaultZone();
    const period = periodOf(quarter, zone);
    const nowMs = this.#clock.nowMs();
    const scope = { contractIds: null, asOfMs: nowMs };
    const cards = await selectLatestScorecards(this.#pool, monthsOf(quarter), null);
    const ids = [...new Set(cards.map((card) => card.contractId))].sort();
    const [notices, surveys, inspections, complaints, histories] = await Promise.all([
      repo.selectNotices(this.#pool, scope),
      repo.selectSurveys(this.#pool, scope, daysOf(quarter).last),
      repo.selectInspections(this.#pool, scope, period.startMs, period.endMs),
      repo.selectComplaints(this.#pool, scope, period.startMs, period.endMs),
      this.#workOrders.historiesAsOf(period.startMs, Math.min(period.endMs, Math.max(period.startMs, nowMs))),
    ]);
    const facts = automaticFacts(
      histories,
      { ...period, endMs: Math.min(period.endMs, Math.max(period.startMs, nowMs)) },
      this.#calendars.forBuilding,
    );
    const entries = ids.map((id) => {
      const contract = this.#contract(id);
      return {
        contract: contractTermsOf(contract),
        scheme: this.#scheme(contract),
        scorecards: cards.filter((card) => card.contractId === id).map((card) => card.scorecard),
        rectifications: notices.filter((n) => n.contractId === id),
        surveys: surveys.filter((s) => s.contractId === id),
      };
    });
    return quarterlyBulletin(
      period,
      entries,
      officeFigures(period, { inspections, verifications: facts.verifications, complaints }),
      [...this.#model.contracts.values()].map(contractTermsOf),
    );
  }

  /** 年考评 of one contract. */
  async annualEvaluation(contractId: string, year: string): Promise<AnnualEvaluation> {
    const contract = this.#contract(contractId);
    const period = periodOf(year, this.#zoneOf(contract));
    const scope = { contractIds: [contractId], asOfMs: this.#clock.nowMs() };
    const [cards, inspections, reviews, surveys, rectifications] = await Promise.all([
      selectLatestScorecards(this.#pool, monthsOf(year), [contractId]),
      repo.selectInspections(this.#pool, scope, period.startMs, period.endMs),
      repo.selectReviews(this.#pool, scope, year),
      repo.selectSurveys(this.#pool, scope, daysOf(year).last),
      repo.selectNotices(this.#pool, scope),
    ]);
    return annualEvaluation(this.#scheme(contract), contractTermsOf(contract), {
      period,
      scorecards: cards.map((card) => card.scorecard),
      inspections,
      reviews,
      surveys,
      rectifications,
      contracts: [...this.#model.contracts.values()].map(contractTermsOf),
    });
  }

  // Schemes and the audit log.

  /** Audits every scheme whose content differs from the one last audited (`scheme_recorded`); returns how many. */
  async recordSchemes(actor: Actor): Promise<number> {
    let recorded = 0;
    for (const scheme of [...this.#model.scoringSchemes.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const digest = digestOf(scheme);
      const subject = `scheme:${scheme.id}`;
      const latest = await latestAudit(this.#pool, subject);
      if ((latest?.body as { digest?: string } | undefined)?.digest === digest) continue;
      await this.#transaction(async (tx) => {
        // Read again under the append lock: several processes start (and close months) at once.
        await lockAuditLog(tx);
        const again = await latestAudit(tx, subject);
        if ((again?.body as { digest?: string } | undefined)?.digest === digest) return;
        await appendAudit(tx, {
          atMs: this.#clock.nowMs(),
          kind: 'scheme_recorded',
          subject,
          actor,
          body: { digest, scheme },
        });
        recorded++;
      });
    }
    return recorded;
  }

  verifyAudit(): Promise<ChainVerdict> {
    return verifyAuditLog(this.#pool);
  }

  /** Closed scorecards that do not match the audit row that recorded them (see `scorecardAnchorProblems`). */
  verifyScorecards(): Promise<string[]> {
    return scorecardAnchorProblems(this.#pool);
  }

  /** The audit rows of a contract (`contract:<id>`) or a scheme (`scheme:<id>`), oldest first. */
  auditTrail(subject: string): Promise<AuditRow[]> {
    return auditTrail(this.#pool, subject);
  }

  // Internals.

  /** Scores the month of each contract as of `asOfMs`, audits and stores every scorecard, in the caller's transaction. */
  async #storeRevisions(
    tx: PoolClient,
    actor: Actor,
    items: readonly { scheme: ScoringScheme; contract: ContractTerms; revision: number }[],
    period: Period,
    reason: StoredScorecard['reason'],
    asOfMs: number,
    facts: AutomaticFacts,
  ): Promise<StoredScorecard[]> {
    if (items.length === 0) return [];
    const inputs = await this.#gather(
      tx,
      items.map((item) => item.contract.id),
      period,
      asOfMs,
      facts,
    );
    const made = items.map(({ scheme, contract, revision }) => {
      const month = inputs.get(contract.id) as MonthInputs;
      const scorecard = scoreMonth(scheme, contract, month);
      const text = canonicalJson(scorecard);
      return {
        contract,
        revision,
        scorecard,
        text,
        sha256: sha256Hex(text),
        termsText: canonicalJson({ scheme, contract }),
      };
    });
    const audit = await appendAuditEntries(
      tx,
      made.map(({ contract, revision, scorecard, sha256 }) => ({
        atMs: asOfMs,
        kind: reason === 'close' ? 'month_closed' : 'scorecard_revised',
        subject: subjectOf(contract.id),
        actor,
        body: {
          month: period.key,
          revision,
          scorecardSha256: sha256,
          total: scorecard.total,
          grade: scorecard.grade,
        },
      })),
    );
    const stored = made.map(
      ({ contract, revision, scorecard, text, sha256, termsText }, i): StoredScorecard => ({
        contractId: contract.id,
        month: period.key,
        revision,
        reason,
        asOfMs,
        text,
        sha256,
        termsText,
        auditSeq: (audit[i] as AuditRow).seq,
        scorecard,
      }),
    );
    await insertScorecards(tx, stored);
    return stored;
  }

  /**
   * A month's inputs for each contract, as of an instant: the automatic facts of its legs, and its
   * manual rows recorded up to then.
   */
  async #gather(
    db: PoolClient | SqlPool,
    contractIds: readonly string[],
    period: Period,
    asOfMs: number,
    facts: AutomaticFacts,
  ): Promise<Map<string, MonthInputs>> {
    const scope = { contractIds, asOfMs };
    // One after the other: inside a transaction they share one client.
    const inspections = await repo.selectInspections(db, scope, period.startMs, period.endMs);
    const complaints = await repo.selectComplaints(db, scope, period.startMs, period.endMs);
    const rectifications = await repo.selectNotices(db, scope);
    const commendations = await repo.selectCommendations(db, scope, period.startMs, period.endMs);
    const appeals = await repo.selectAppeals(db, scope, period.key);
    const byContract = <T extends { contractId: string }>(list: readonly T[]): Map<string, T[]> => {
      const groups = new Map<string, T[]>();
      for (const item of list) {
        const group = groups.get(item.contractId);
        if (group) group.push(item);
        else groups.set(item.contractId, [item]);
      }
      return groups;
    };
    const grouped = {
      slaBreaches: byContract(facts.slaBreaches),
      repeatFailures: byContract(facts.repeatFailures),
      openAtPeriodEnd: byContract(facts.openAtPeriodEnd),
      downtime: byContract(facts.downtime),
      inspections: byContract(inspections),
      complaints: byContract(complaints.filter((c) => c.conclusion !== null)),
      rectifications: byContract(rectifications),
      commendations: byContract(commendations),
      appeals: byContract(appeals),
    };
    return new Map(
      contractIds.map((id): [string, MonthInputs] => [
        id,
        {
          period,
          automatic: {
            slaBreaches: grouped.slaBreaches.get(id) ?? [],
            repeatFailures: grouped.repeatFailures.get(id) ?? [],
            openAtPeriodEnd: grouped.openAtPeriodEnd.get(id) ?? [],
            downtime: grouped.downtime.get(id) ?? [],
            // The office's figures are read over every contract, by the bulletin; a scorecard has no use for them.
            verifications: [],
          },
          inspections: grouped.inspections.get(id) ?? [],
          complaints: grouped.complaints.get(id) ?? [],
          rectifications: grouped.rectifications.get(id) ?? [],
          commendations: grouped.commendations.get(id) ?? [],
          appeals: grouped.appeals.get(id) ?? [],
        },
      ]),
    );
  }

  /** A manual input: the role, the contract, the month of each effective instant still open, not in the future. */
  async #input<T>(
    actor: Actor,
    contractId: string,
    effectiveMs: readonly number[],
    write: (
      tx: PoolClient,
      stamp: { by: Actor; atMs: number },
    ) => Promise<{ audit: { kind: string; body: unknown }; result: T }>,
  ): Promise<T> {
    this.#mayRecord(actor);
    const contract = this.#contract(contractId);
    const zone = this.#zoneOf(contract);
    return this.#transaction(async (tx) => {
      await this.#lock(tx, contractId);
      const atMs = this.#clock.nowMs();
      for (const ms of effectiveMs) {
        this.#notFuture(ms, atMs);
        const month = monthKeyAt(ms, zone);
        if (await isClosed(tx, contractId, month))
          throw new ScoringError(
            'period_closed',
            `${month} of ${contractId} is closed: record it in an open month, or appeal`,
          );
      }
      const { audit, result } = await write(tx, { by: actor, atMs });
      await appendAudit(tx, {
        atMs,
        kind: audit.kind,
        subject: subjectOf(contractId),
        actor,
        body: audit.body,
      });
      return result;
    });
  }

  async #transaction<T>(work: (tx: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('begin');
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw storeErrorOf(error);
    } finally {
      client.release();
    }
  }

  async #lock(tx: PoolClient, contractId: string): Promise<void> {
    await tx.query('select pg_advisory_xact_lock($1, hashtext($2))', [CONTRACT_LOCK, contractId]);
  }

  async #ownInspection(tx: PoolClient, id: string, contractId: string): Promise<void> {
    const { rows } = await tx.query('select 1 from scoring_inspections where id = $1 and contract_id = $2', [
      id,
      contractId,
    ]);
    if (rows.length === 0)
      throw new ScoringError('not_found', `no inspection ${id} of contract ${contractId}`);
  }

  async #ownComplaint(tx: PoolClient, id: string, contractId: string): Promise<void> {
    const complaint = await repo.selectComplaint(tx, id);
    if (complaint?.contractId !== contractId)
      throw new ScoringError('not_found', `no complaint ${id} of contract ${contractId}`);
  }

  #mayRecord(actor: Actor): void {
    if (!MANAGERS.includes(actor.role))
      throw new ScoringError('not_allowed_for_role', `a ${actor.role} cannot record evaluation inputs`);
  }

  #notFuture(ms: number, nowMs: number): void {
    if (ms > nowMs) throw new ScoringError('invalid_input', `${new Date(ms).toISOString()} is in the future`);
  }

  #storedTerms(stored: StoredScorecard): StoredTerms {
    return JSON.parse(stored.termsText) as StoredTerms;
  }

  #contract(id: string): Contract {
    const contract = this.#model.contracts.get(id);
    if (!contract) throw new ScoringError('unknown_contract', `no contract ${id} in the configuration`);
    return contract;
  }

  #scheme(contract: Contract): ScoringScheme {
    const scheme = this.#model.scoringSchemes.get(contract.scoringScheme);
    if (!scheme) throw new ScoringError('unknown_scheme', `no scoring scheme ${contract.scoringScheme}`);
    return scheme;
  }

  #zoneOf(contract: Contract): SiteZone {
    const name = this.#calendars.zoneOf(contract.scope.buildings[0] ?? '');
    let zone = this.#zones.get(name);
    if (!zone) {
      zone = new SiteZone(name);
      this.#zones.set(name, zone);
    }
    return zone;
  }

  #defaultZone(): SiteZone {
    const first = [...this.#model.contracts.values()][0];
    return first ? this.#zoneOf(first) : new SiteZone(this.#model.sites[0]?.timezone ?? 'Asia/Shanghai');
  }

  #contractsInForce(month: string): Contract[] {
    const { first, last } = daysOf(month);
    return [...this.#model.contracts.values()]
      .filter((c) => c.term.start <= last && c.term.end >= first)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  #byZone(contracts: readonly Contract[]): Map<SiteZone, Contract[]> {
    const groups = new Map<SiteZone, Contract[]>();
    for (const contract of contracts) {
      const zone = this.#zoneOf(contract);
      groups.set(zone, [...(groups.get(zone) ?? []), contract]);
    }
    return groups;
  }
}

const subjectOf = (contractId: string): string => `contract:${contractId}`;
const recordedOf = (stamp: { by: Actor; atMs: number }) => ({
  recordedBy: stamp.by,
  recordedAtMs: stamp.atMs,
});

/** PostgreSQL's answers that callers can act on become stable codes. */
function storeErrorOf(error: unknown): unknown {
  if (error instanceof ScoringError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === '23505')
    return new ScoringError('already_recorded', 'this was recorded already', { cause: error });
  if (code === '23503')
    return new ScoringError('not_found', 'a referenced row does not exist', { cause: error });
  if (code === '40001' || code === '40P01')
    return new ScoringError('conflict', 'a concurrent change won; read again and retry', { cause: error });
  return error;
}
