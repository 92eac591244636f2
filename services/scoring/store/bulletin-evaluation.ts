import {
  type AnnualEvaluation,
  annualEvaluation,
  contractTermsOf,
  daysOf,
  monthsOf,
  officeFigures,
  periodOf,
  type QuarterlyBulletin,
  quarterlyBulletin,
} from '../domain/index.ts';
import { automaticFacts } from '../facts/order-facts.ts';
import type { StoreContext } from './context.ts';
import * as repo from './repository.ts';
import { selectLatestScorecards } from './scorecards.ts';

/**
 * The periods above the month, read from the closed scorecards and the inputs as they stand now:
 * 季通报 (the quarterly bulletin ranking every contract, with the office's own figures) and
 * 年考评 (the annual evaluation of one contract). Nothing here is stored.
 */

/** 季通报 of every contract with a closed month in the quarter. */
export async function readQuarterlyBulletin(ctx: StoreContext, quarter: string): Promise<QuarterlyBulletin> {
  const zone = ctx.defaultZone();
  const period = periodOf(quarter, zone);
  const nowMs = ctx.clock.nowMs();
  const scope = { contractIds: null, asOfMs: nowMs };
  const cards = await selectLatestScorecards(ctx.pool, monthsOf(quarter), null);
  const ids = [...new Set(cards.map((card) => card.contractId))].sort();
  const [notices, surveys, inspections, complaints, histories] = await Promise.all([
    repo.selectNotices(ctx.pool, scope),
    repo.selectSurveys(ctx.pool, scope, daysOf(quarter).last),
    repo.selectInspections(ctx.pool, scope, period.startMs, period.endMs),
    repo.selectComplaints(ctx.pool, scope, period.startMs, period.endMs),
    ctx.workOrders.historiesAsOf(period.startMs, Math.min(period.endMs, Math.max(period.startMs, nowMs))),
  ]);
  const facts = automaticFacts(
    histories,
    { ...period, endMs: Math.min(period.endMs, Math.max(period.startMs, nowMs)) },
    ctx.calendars.forBuilding,
  );
  const entries = ids.map((id) => {
    const contract = ctx.contract(id);
    return {
      contract: contractTermsOf(contract),
      scheme: ctx.scheme(contract),
      scorecards: cards.filter((card) => card.contractId === id).map((card) => card.scorecard),
      rectifications: notices.filter((n) => n.contractId === id),
      surveys: surveys.filter((s) => s.contractId === id),
    };
  });
  return quarterlyBulletin(
    period,
    entries,
    officeFigures(period, { inspections, verifications: facts.verifications, complaints }),
    [...ctx.model.contracts.values()].map(contractTermsOf),
  );
}

/** 年考评 of one contract. */
export async function readAnnualEvaluation(
  ctx: StoreContext,
  contractId: string,
  year: string,
): Promise<AnnualEvaluation> {
  const contract = ctx.contract(contractId);
  const period = periodOf(year, ctx.zoneOf(contract));
  const scope = { contractIds: [contractId], asOfMs: ctx.clock.nowMs() };
  const [cards, inspections, reviews, surveys, rectifications] = await Promise.all([
    selectLatestScorecards(ctx.pool, monthsOf(year), [contractId]),
    repo.selectInspections(ctx.pool, scope, period.startMs, period.endMs),
    repo.selectReviews(ctx.pool, scope, year),
    repo.selectSurveys(ctx.pool, scope, daysOf(year).last),
    repo.selectNotices(ctx.pool, scope),
  ]);
  return annualEvaluation(ctx.scheme(contract), contractTermsOf(contract), {
    period,
    scorecards: cards.map((card) => card.scorecard),
    inspections,
    reviews,
    surveys,
    rectifications,
    contracts: [...ctx.model.contracts.values()].map(contractTermsOf),
  });
}
