import type { ScoringScheme } from '../../../config/schema/scoring.ts';
import { exitWarnings, reTenderFlag, terminationRecommendation } from './consequences.ts';
import type { ContractTerms } from './contract-terms.ts';
import type { BulletinRow, OfficeFigures, QuarterlyBulletin } from './evaluation-schemas.ts';
import { gradeLabelKey, gradeOf } from './grades.ts';
import { daysOf, monthsOf, type Period } from './periods.ts';
import { fromCenti, toCenti } from './points.ts';
import type { RectificationNoticeRecord, SurveyRecord } from './records.ts';
import { satisfactionBy } from './satisfaction.ts';
import type { Consequence, MonthlyScorecard } from './scorecard.ts';

/** One contract's part of a quarter: its scorecards and what its consequences are read from. */
export interface BulletinEntry {
  readonly contract: ContractTerms;
  readonly scheme: ScoringScheme;
  /** The quarter's closed monthly scorecards (latest revision each), in any order. */
  readonly scorecards: readonly MonthlyScorecard[];
  readonly rectifications: readonly RectificationNoticeRecord[];
  /** The contract's surveys up to the quarter's end (earlier quarters make the run). */
  readonly surveys: readonly SurveyRecord[];
}

const HIGHLIGHTS = 3;

function row(
  quarter: Period,
  entry: BulletinEntry,
  contracts: readonly ContractTerms[],
): Omit<BulletinRow, 'rank'> | undefined {
  const { contract, scheme } = entry;
  const months = monthsOf(quarter.key);
  const cards = months.flatMap((month) => {
    const card = entry.scorecards.find((c) => c.period.key === month && c.contract.id === contract.id);
    return card ? [card] : [];
  });
  if (cards.length === 0) return undefined;
  const average = Math.round(cards.reduce((sum, card) => sum + toCenti(card.total), 0) / cards.length);
  const grade = gradeOf(average, scheme.grades);

  const byItem = new Map<
    string,
    { item: BulletinRow['highlights'][number]['item']; occurrences: number; centi: number }
  >();
  let deductions = 0;
  let bonuses = 0;
  for (const card of cards) {
    deductions += toCenti(card.deductions);
    bonuses += toCenti(card.bonuses);
    for (const total of card.items) {
      if (total.kind !== 'deduction') continue;
      const sum = byItem.get(total.item) ?? { item: total.item, occurrences: 0, centi: 0 };
      sum.occurrences += total.occurrences;
      sum.centi += toCenti(total.appliedPoints);
      byItem.set(total.item, sum);
    }
  }
  const order = cards[0]?.items.map((t) => t.item) ?? [];
  const highlights = [...byItem.values()]
    .filter((sum) => sum.centi > 0)
    .sort((a, b) => b.centi - a.centi || order.indexOf(a.item) - order.indexOf(b.item))
    .slice(0, HIGHLIGHTS)
    .map((sum) => ({
      item: sum.item,
      labelKey: `scoring.item.${sum.item}`,
      occurrences: sum.occurrences,
      appliedPoints: fromCenti(sum.centi),
    }));

  const { first, last } = daysOf(quarter.key);
  const warnings = exitWarnings(
    entry.rectifications,
    contract.id,
    scheme.exit.failedRectificationsInChain,
    quarter.startMs,
    quarter.endMs,
  );
  const quarters = satisfactionBy(entry.surveys, 'quarter', scheme, contract.committedSatisfaction);
  const termination = terminationRecommendation(quarters, 'quarters', scheme.exit.satisfactionQuarters, [
    quarter.key,
  ]);
  const reTender = reTenderFlag(contract, contracts, scheme.exit, first, last);
  const consequences: Consequence[] = [
    ...warnings,
    ...(termination ? [termination] : []),
    ...(reTender ? [reTender] : []),
  ];
  const monthGrades = cards.map((card) => card.grade);
  // 通报批评: a failing average or month, an exit warning or a termination recommendation in the quarter.
  const criticised =
    grade === 'fail' || monthGrades.includes('fail') || warnings.length > 0 || termination !== undefined;

  return {
    contract: { id: contract.id, vendorId: contract.vendor, lot: contract.lot },
    schemeId: scheme.id,
    months: months.map((key) => {
      const card = cards.find((c) => c.period.key === key);
      return { key, total: card?.total ?? null, grade: card?.grade ?? null };
    }),
    average: fromCenti(average),
    grade,
    gradeLabelKey: gradeLabelKey(grade),
    deductions: fromCenti(deductions),
    bonuses: fromCenti(bonuses),
    highlights,
    praised: grade === 'excellent' && !criticised,
    criticised,
    consequences,
  };
}

/**
 * 季通报: every contract with a closed month in the quarter, ranked by the mean of its month
 * scores (highest first; equal means share a rank, then by contract id), with the month scores,
 * the heaviest deduction items, praise and criticism, the consequences standing in the quarter,
 * and the office's own figures.
 */
export function quarterlyBulletin(
  quarter: Period,
  entries: readonly BulletinEntry[],
  office: OfficeFigures,
  /** Every contract of the configuration (earlier contracts of a lot make its years of service). */
  contracts: readonly ContractTerms[] = entries.map((entry) => entry.contract),
): QuarterlyBulletin {
  const rows = entries
    .flatMap((entry) => {
      const r = row(quarter, entry, contracts);
      return r ? [r] : [];
    })
    .sort((a, b) => b.average - a.average || (a.contract.id < b.contract.id ? -1 : 1));
  return {
    format: 'steward.bulletin.quarter.v1',
    period: { key: quarter.key, startMs: quarter.startMs, endMs: quarter.endMs },
    rows: rows.map((r) => ({ rank: 1 + rows.filter((other) => other.average > r.average).length, ...r })),
    office,
  };
}
