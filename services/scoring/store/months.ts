import type { Actor } from '../../workorders/domain/types.ts';
import {
  contractTermsOf,
  type MonthInputs,
  type MonthlyScorecard,
  periodOf,
  ScoringError,
  scoreMonth,
} from '../domain/index.ts';
import type { StoreContext } from './context.ts';
import { gatherMonthInputs } from './month-inputs.ts';
import { type Recomputation, recomputeStored, storeRevisions } from './revisions.ts';
import { recordSchemes } from './scheme-audit.ts';
import { type StoredScorecard, selectLatestScorecards, selectScorecard } from './scorecards.ts';

/**
 * The month as a whole (月考核): closing it for every contract in force into revision 1, previewing
 * a running or closed one without storing it, and recomputing closed ones from the database.
 */

const CLOSERS: readonly Actor['role'][] = ['facilities_manager', 'administrator', 'system'];

/**
 * 月考核: closes `month` for every contract in force in it (or those named), one transaction per
 * site time zone (a site's contracts share one): computes each scorecard from the work orders and the inputs recorded so far,
 * stores it as revision 1 (the publication the appeal window runs from) and audits it. A month
 * closes once its last instant has passed; a contract already closed is returned as it is.
 * Scheme changes since the last close are audited first.
 */
export async function closeMonth(
  ctx: StoreContext,
  actor: Actor,
  month: string,
  contractIds?: readonly string[],
): Promise<StoredScorecard[]> {
  if (!CLOSERS.includes(actor.role))
    throw new ScoringError('not_allowed_for_role', `a ${actor.role} cannot close a month`);
  for (const id of contractIds ?? []) ctx.contract(id);
  const contracts = ctx
    .contractsInForce(month)
    .filter((c) => contractIds === undefined || contractIds.includes(c.id));
  // Every zone's month must have ended before anything is written: a refusal leaves no scheme
  // audit row and no zone closed.
  const zones = [...ctx.byZone(contracts)].map(([zone, group]) => ({ period: periodOf(month, zone), group }));
  if (zones.some(({ period }) => ctx.clock.nowMs() < period.endMs))
    throw new ScoringError('period_not_ended', `${month} has not ended yet`);
  await recordSchemes(ctx, actor);
  const stored: StoredScorecard[] = [];
  for (const { period, group } of zones) {
    const facts = await ctx.factsOf(period);
    const ids = group.map((c) => c.id);
    stored.push(
      ...(await ctx.transaction(async (tx) => {
        await ctx.lockAll(tx, ids);
        const existing = await selectLatestScorecards(tx, [month], ids);
        const open = group.filter((c) => !existing.some((e) => e.contractId === c.id));
        const made = await storeRevisions(
          tx,
          actor,
          open.map((c) => ({ scheme: ctx.scheme(c), contract: contractTermsOf(c), revision: 1 })),
          period,
          'close',
          ctx.clock.nowMs(),
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

/**
 * The month's scorecard as it stands now, not stored: a running month as if it ended now, or a
 * closed one with its pending appeals.
 */
export async function previewMonth(
  ctx: StoreContext,
  contractId: string,
  month: string,
): Promise<MonthlyScorecard> {
  const contract = ctx.contract(contractId);
  const full = periodOf(month, ctx.zoneOf(contract));
  // A running month is scored as if it ended now: its period reads up to now.
  const period = { ...full, endMs: Math.min(full.endMs, Math.max(full.startMs, ctx.clock.nowMs())) };
  const inputs = await gatherMonthInputs(
    ctx.pool,
    [contract.id],
    period,
    ctx.clock.nowMs(),
    await ctx.factsOf(period),
  );
  return scoreMonth(ctx.scheme(contract), contractTermsOf(contract), inputs.get(contract.id) as MonthInputs);
}

/**
 * Computes a closed month again from the database, as of the revision's instant, with the
 * scheme and contract terms stored with it, and compares the canonical bytes.
 */
export async function recompute(
  ctx: StoreContext,
  contractId: string,
  month: string,
  revision?: number,
): Promise<Recomputation> {
  const stored = await selectScorecard(ctx.pool, contractId, month, revision);
  if (!stored) throw new ScoringError('period_not_closed', `${month} of ${contractId} is not closed`);
  const period = periodOf(month, ctx.zoneOf(ctx.contract(contractId)));
  const [result] = await recomputeStored(ctx.pool, [stored], period, await ctx.factsOf(period));
  return result as Recomputation;
}

/** `recompute` of the latest revision of every closed scorecard of the month (or of the contracts named). */
export async function recomputeMonth(
  ctx: StoreContext,
  month: string,
  contractIds?: readonly string[],
): Promise<Recomputation[]> {
  const stored = await selectLatestScorecards(ctx.pool, [month], contractIds ?? null);
  const results: Recomputation[] = [];
  const byZone = ctx.byZone([...new Set(stored.map((s) => s.contractId))].map((id) => ctx.contract(id)));
  for (const [zone, contracts] of byZone) {
    const period = periodOf(month, zone);
    const cards = stored.filter((s) => contracts.some((c) => c.id === s.contractId));
    results.push(...(await recomputeStored(ctx.pool, cards, period, await ctx.factsOf(period))));
  }
  return results;
}
