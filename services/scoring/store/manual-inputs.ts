import type { PoolClient } from 'pg';
import { dayNumberOf } from '../../calendar/iso-date.ts';
import type { Actor } from '../../workorders/domain/types.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { monthKeyAt, ScoringError } from '../domain/index.ts';
import {
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
import { checkInput } from '../inputs.ts';
import { mayRecord, recordedOf, type Stamp, type StoreContext, subjectOf } from './context.ts';
import * as repo from './repository.ts';
import { isClosed } from './scorecards.ts';

/**
 * The manual inputs a facilities manager records: inspections, rectification notices and their
 * outcomes, complaints and their conclusions, commendations, surveys and leadership reviews.
 * Each is checked (the role, the contract, that the rows it names are the contract's, that its
 * month is still open and its instant not in the future), stored and audited in one transaction
 * under the contract's lock.
 */

export async function recordInspection(
  ctx: StoreContext,
  actor: Actor,
  value: unknown,
): Promise<InspectionRecord> {
  const input = checkInput(InspectionInput, value);
  return recordInput(ctx, actor, input.contractId, [input.conductedAtMs], async (tx, stamp) => {
    const id = await repo.insertInspection(tx, input, stamp);
    return {
      audit: { kind: 'inspection_recorded', body: { id, ...input } },
      result: { ...input, id, ...recordedOf(stamp) },
    };
  });
}

export async function issueRectification(
  ctx: StoreContext,
  actor: Actor,
  value: unknown,
): Promise<RectificationNoticeRecord> {
  const input = withoutEmptyAttachments(checkInput(RectificationNoticeInput, value));
  if (input.deadlineMs < input.issuedAtMs)
    throw new ScoringError('invalid_input', 'deadlineMs: before issuedAtMs');
  return recordInput(ctx, actor, input.contractId, [input.issuedAtMs], async (tx, stamp) => {
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
    if (input.inspectionId !== undefined) await ownInspection(tx, input.inspectionId, input.contractId);
    if (input.complaintId !== undefined) await ownComplaint(tx, input.complaintId, input.contractId);
    const id = await repo.insertNotice(tx, input, stamp);
    return {
      audit: { kind: 'rectification_issued', body: { id, ...input } },
      result: { ...input, id, ...recordedOf(stamp), outcome: null },
    };
  });
}

export async function recordRectificationOutcome(
  ctx: StoreContext,
  actor: Actor,
  value: unknown,
): Promise<RectificationNoticeRecord> {
  const input = checkInput(RectificationOutcomeInput, value);
  const notice = await repo.selectNotice(ctx.pool, input.noticeId);
  if (!notice) throw new ScoringError('not_found', `no rectification notice ${input.noticeId}`);
  return recordInput(ctx, actor, notice.contractId, [input.checkedAtMs], async (tx, stamp) => {
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

export async function recordComplaint(
  ctx: StoreContext,
  actor: Actor,
  value: unknown,
): Promise<ComplaintRecord> {
  const input = withoutEmptyAttachments(checkInput(ComplaintInput, value));
  // Receiving a complaint scores nothing (its conclusion does): a closed month does not refuse it.
  return recordInput(ctx, actor, input.contractId, [], async (tx, stamp) => {
    notFuture(input.receivedAtMs, stamp.atMs);
    const id = await repo.insertComplaint(tx, input, stamp);
    return {
      audit: { kind: 'complaint_recorded', body: { id, ...input } },
      result: { ...input, id, ...recordedOf(stamp), conclusion: null },
    };
  });
}

export async function concludeComplaint(
  ctx: StoreContext,
  actor: Actor,
  value: unknown,
): Promise<ComplaintRecord> {
  const input = checkInput(ComplaintConclusionInput, value);
  const complaint = await repo.selectComplaint(ctx.pool, input.complaintId);
  if (!complaint) throw new ScoringError('not_found', `no complaint ${input.complaintId}`);
  return recordInput(ctx, actor, complaint.contractId, [input.concludedAtMs], async (tx, stamp) => {
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

export async function recordCommendation(
  ctx: StoreContext,
  actor: Actor,
  value: unknown,
): Promise<CommendationRecord> {
  const input = checkInput(CommendationInput, value);
  return recordInput(ctx, actor, input.contractId, [input.awardedAtMs], async (tx, stamp) => {
    const id = await repo.insertCommendation(tx, input, stamp);
    return {
      audit: { kind: 'commendation_recorded', body: { id, ...input } },
      result: { ...input, id, ...recordedOf(stamp) },
    };
  });
}

export async function recordSurvey(ctx: StoreContext, actor: Actor, value: unknown): Promise<SurveyRecord> {
  const input = withoutEmptyAttachments(checkInput(SurveyInput, value));
  if (input.returned > input.distributed)
    throw new ScoringError('invalid_input', 'returned: more questionnaires back than were handed out');
  return recordInput(ctx, actor, input.contractId, [], async (tx, stamp) => {
    // The day it was conducted, at the site: today is fine, tomorrow is not.
    const zone = ctx.zoneOf(ctx.contract(input.contractId));
    notFuture(zone.instantAt(dayNumberOf(input.conductedOn), 0), stamp.atMs);
    const id = await repo.insertSurvey(tx, input, stamp);
    return {
      audit: { kind: 'survey_recorded', body: { id, ...input } },
      result: { ...input, id, ...recordedOf(stamp) },
    };
  });
}

export async function recordLeadershipReview(
  ctx: StoreContext,
  actor: Actor,
  value: unknown,
): Promise<LeadershipReviewRecord> {
  const input = withoutEmptyAttachments(checkInput(LeadershipReviewInput, value));
  return recordInput(ctx, actor, input.contractId, [], async (tx, stamp) => {
    notFuture(input.reviewedAtMs, stamp.atMs);
    const id = await repo.insertReview(tx, input, stamp);
    return {
      audit: { kind: 'leadership_review_recorded', body: { id, ...input } },
      result: { ...input, id, ...recordedOf(stamp) },
    };
  });
}

/** A manual input: the role, the contract, the month of each effective instant still open, not in the future. */
async function recordInput<T>(
  ctx: StoreContext,
  actor: Actor,
  contractId: string,
  effectiveMs: readonly number[],
  write: (tx: PoolClient, stamp: Stamp) => Promise<{ audit: { kind: string; body: unknown }; result: T }>,
): Promise<T> {
  mayRecord(actor);
  const contract = ctx.contract(contractId);
  const zone = ctx.zoneOf(contract);
  return ctx.transaction(async (tx) => {
    await ctx.lock(tx, contractId);
    const atMs = ctx.clock.nowMs();
    for (const ms of effectiveMs) {
      notFuture(ms, atMs);
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

async function ownInspection(tx: PoolClient, id: string, contractId: string): Promise<void> {
  const { rows } = await tx.query('select 1 from scoring_inspections where id = $1 and contract_id = $2', [
    id,
    contractId,
  ]);
  if (rows.length === 0) throw new ScoringError('not_found', `no inspection ${id} of contract ${contractId}`);
}

async function ownComplaint(tx: PoolClient, id: string, contractId: string): Promise<void> {
  const complaint = await repo.selectComplaint(tx, id);
  if (complaint?.contractId !== contractId)
    throw new ScoringError('not_found', `no complaint ${id} of contract ${contractId}`);
}

function notFuture(ms: number, nowMs: number): void {
  if (ms > nowMs) throw new ScoringError('invalid_input', `${new Date(ms).toISOString()} is in the future`);
}
