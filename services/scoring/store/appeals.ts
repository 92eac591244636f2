import type { Actor } from '../../workorders/domain/types.ts';
import { appendAudit } from '../audit/audit-log.ts';
import {
  appealDeadlineMs,
  checkAppealDecision,
  checkAppealFiling,
  periodOf,
  ScoringError,
} from '../domain/index.ts';
import { AppealDecisionInput, AppealInput, type AppealRecord } from '../domain/records.ts';
import { checkInput } from '../inputs.ts';
import { mayRecord, recordedOf, type StoreContext, subjectOf } from './context.ts';
import * as repo from './repository.ts';
import { storedTermsOf, storeRevisions } from './revisions.ts';
import { type StoredScorecard, selectPublishedAt, selectScorecard } from './scorecards.ts';

/**
 * Appeals against a closed month's deductions: a vendor user files one within the window of the
 * scheme the month was closed under, a facilities manager decides it and the month is stored as
 * its next revision; and when the window closes.
 */

/** A vendor user disputes a deduction of its own contract's closed month, within the window. */
export async function fileAppeal(ctx: StoreContext, actor: Actor, value: unknown): Promise<AppealRecord> {
  const input = checkInput(AppealInput, value);
  const contract = ctx.contract(input.contractId);
  if (actor.role !== 'vendor_user')
    throw new ScoringError('not_allowed_for_role', `a ${actor.role} cannot appeal a score`);
  if (actor.vendorId !== contract.vendor)
    throw new ScoringError('not_own_contract', `contract ${contract.id} is not of vendor ${actor.vendorId}`);
  return ctx.transaction(async (tx) => {
    await ctx.lock(tx, contract.id);
    const nowMs = ctx.clock.nowMs();
    const stored = await selectScorecard(tx, contract.id, input.month);
    const publishedAtMs = await selectPublishedAt(tx, contract.id, input.month);
    if (!stored || publishedAtMs === undefined)
      throw new ScoringError(
        'period_not_closed',
        `${input.month} of ${contract.id} has no published scorecard`,
      );
    const existing = await repo.selectAppeals(tx, { contractIds: [contract.id], asOfMs: nowMs }, input.month);
    checkAppealFiling({
      scorecard: stored.scorecard,
      lineId: input.lineId,
      filedAtMs: nowMs,
      publishedAtMs,
      windowDays: storedTermsOf(stored).scheme.appealWindowDays,
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
export async function decideAppeal(
  ctx: StoreContext,
  actor: Actor,
  value: unknown,
): Promise<{ appeal: AppealRecord; scorecard: StoredScorecard }> {
  const input = checkInput(AppealDecisionInput, value);
  mayRecord(actor);
  const found = await repo.selectAppeal(ctx.pool, input.appealId);
  if (!found) throw new ScoringError('appeal_not_found', `no appeal ${input.appealId}`);
  return ctx.transaction(async (tx) => {
    await ctx.lock(tx, found.contractId);
    const appeal = await repo.selectAppeal(tx, input.appealId, true);
    if (!appeal) throw new ScoringError('appeal_not_found', `no appeal ${input.appealId}`);
    checkAppealDecision(appeal);
    const nowMs = ctx.clock.nowMs();
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
    const { scheme, contract } = storedTermsOf(previous);
    const period = periodOf(appeal.month, ctx.zoneOf(ctx.contract(appeal.contractId)));
    const [scorecard] = await storeRevisions(
      tx,
      actor,
      [{ scheme, contract, revision: previous.revision + 1 }],
      period,
      'appeal_decision',
      nowMs,
      await ctx.factsOf(period),
    );
    if (!scorecard) throw new Error('no revision was stored');
    const { appealId: _, ...decision } = input;
    return {
      appeal: { ...appeal, decision: { ...decision, id: appeal.id, ...recordedOf(stamp) } },
      scorecard,
    };
  });
}

/** When the vendor's appeals against a closed month close (the window after publication). */
export async function appealDeadline(
  ctx: StoreContext,
  contractId: string,
  month: string,
): Promise<number | undefined> {
  // The window of the scheme the month was closed under, as `fileAppeal` applies it.
  const published = await selectScorecard(ctx.pool, contractId, month, 1);
  return published === undefined
    ? undefined
    : appealDeadlineMs(published.asOfMs, storedTermsOf(published).scheme.appealWindowDays);
}
