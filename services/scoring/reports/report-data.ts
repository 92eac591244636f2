import type { SiteModel } from '../../../config/load/model.ts';
import { monthsOf } from '../domain/periods.ts';
import type { ScoringStore } from '../store/scoring-store.ts';
import type { ScorecardReport, ScoringReportOptions } from './scorecard-document.ts';

/** What a scorecard report reads of the store. */
export type ScorecardReportSource = Pick<
  ScoringStore,
  'scorecard' | 'revisions' | 'appealDeadline' | 'latestScorecards'
>;

/**
 * A closed month's scorecard with what its printed form shows: the revision (the latest unless
 * named), its publication and appeal deadline, and the contract's month totals of the year for
 * the chart (this revision's total for its own month). Undefined while the month is open.
 */
export async function scorecardReport(
  source: ScorecardReportSource,
  contractId: string,
  month: string,
  revision?: number,
): Promise<ScorecardReport | undefined> {
  const stored = await source.scorecard(contractId, month, revision);
  if (!stored) return undefined;
  const months = monthsOf(month.slice(0, 4));
  const [revisions, deadline, year] = await Promise.all([
    source.revisions(contractId, month),
    source.appealDeadline(contractId, month),
    source.latestScorecards(months, [contractId]),
  ]);
  const publishedAtMs = revisions[0]?.asOfMs ?? stored.asOfMs;
  const totals = new Map(year.map((card) => [card.month, card.scorecard.total]));
  totals.set(month, stored.scorecard.total);
  return {
    scorecard: stored.scorecard,
    revision: stored.revision,
    reason: stored.reason,
    publishedAtMs,
    appealDeadlineMs: deadline ?? publishedAtMs,
    year: months.map((key) => ({ month: key, total: totals.get(key) ?? null })),
  };
}

/** Vendor names and the site's zone from the configuration, in the reader's language. */
export function reportOptionsOf(
  model: Pick<SiteModel, 'vendors' | 'sites' | 'buildings' | 'contracts'>,
  locale: ScoringReportOptions['locale'],
  generatedAt: Date,
  contractId?: string,
): ScoringReportOptions {
  const building = contractId === undefined ? undefined : model.contracts.get(contractId)?.scope.buildings[0];
  const siteId = building === undefined ? undefined : model.buildings.get(building)?.siteId;
  const site = model.sites.find((candidate) => candidate.id === siteId) ?? model.sites[0];
  return {
    locale,
    timeZone: site?.timezone ?? 'Asia/Shanghai',
    vendorName: (vendorId) => model.vendors.get(vendorId)?.name[locale] ?? vendorId,
    generatedAt,
  };
}
