import type { ScoringScheme } from '../../../config/schema/scoring.ts';
import { type ContractTerms, monthlyDepositFen } from './contract-terms.ts';
import { addDays, addYears, shiftQuarter } from './periods.ts';
import { fromCenti, shareOfFen, toCenti } from './points.ts';
import type { RectificationNoticeRecord } from './records.ts';
import type { Consequence, RatePoint } from './scorecard.ts';

/**
 * The consequences of evaluation (DOMAIN.md, "Evaluation"), computed and listed for the office,
 * never applied: deposit deductions and rewards by score band, exit warnings after rectification
 * failed twice, termination after satisfaction below the commitment three quarters or two years in
 * a row, and re-tender once a vendor's service in a lot reaches three years.
 */

type DepositConsequence = Extract<Consequence, { kind: 'deposit' }>;
type ExitWarning = Extract<Consequence, { kind: 'exit_warning' }>;
type Termination = Extract<Consequence, { kind: 'termination_recommended' }>;
type ReTender = Extract<Consequence, { kind: 're_tender' }>;

/** The band with the highest `minScore` not above the score, applied to the month's share of the deposit. */
export function depositConsequence(
  scheme: Pick<ScoringScheme, 'depositBands'>,
  contract: ContractTerms,
  period: string,
  totalCenti: number,
): DepositConsequence {
  const band = [...scheme.depositBands]
    .sort((a, b) => b.minScore - a.minScore)
    .find((candidate) => totalCenti >= toCenti(candidate.minScore));
  // The loader ensures a band starts at or below the floor, and a total is never below the floor.
  if (!band) throw new Error(`no deposit band covers ${fromCenti(totalCenti)}`);
  const baseFen = monthlyDepositFen(contract);
  return {
    kind: 'deposit',
    labelKey: `scoring.consequence.deposit.${band.action}`,
    period,
    score: fromCenti(totalCenti),
    action: band.action,
    minScore: band.minScore,
    share: band.share,
    baseFen,
    amountFen: band.action === 'release' ? 0 : shareOfFen(baseFen, band.share),
  };
}

/**
 * 整改不合格，再次整改无明显成效 → 书面退出警告: a notice whose failed outcome is the
 * `failedRectificationsInChain`-th failure in a row along its chain (notice → the notice that
 * re-issued it → …) triggers a warning when that outcome was checked in [fromMs, toMs). A chain
 * that goes on failing is not warned again; a passed outcome ends the run.
 */
export function exitWarnings(
  notices: readonly RectificationNoticeRecord[],
  contractId: string,
  threshold: number,
  fromMs: number,
  toMs: number,
): ExitWarning[] {
  const byId = new Map(notices.filter((n) => n.contractId === contractId).map((n) => [n.id, n]));
  const warnings: ExitWarning[] = [];
  for (const notice of byId.values()) {
    const checkedAtMs = notice.outcome?.checkedAtMs;
    if (notice.outcome?.outcome !== 'failed' || checkedAtMs === undefined) continue;
    if (checkedAtMs < fromMs || checkedAtMs >= toMs) continue;
    const run: RectificationNoticeRecord[] = [];
    const seen = new Set<string>();
    let cursor: RectificationNoticeRecord | undefined = notice;
    while (cursor && cursor.outcome?.outcome === 'failed' && !seen.has(cursor.id)) {
      seen.add(cursor.id);
      run.unshift(cursor);
      cursor = cursor.followsNoticeId === undefined ? undefined : byId.get(cursor.followsNoticeId);
    }
    if (run.length !== threshold) continue;
    warnings.push({
      kind: 'exit_warning',
      labelKey: 'scoring.consequence.exit_warning',
      noticeIds: run.map((n) => n.id),
      triggeredAtMs: checkedAtMs,
      evidence: run.map((n) => ({ type: 'rectification_notice' as const, noticeId: n.id })),
    });
  }
  return warnings.sort((a, b) => a.triggeredAtMs - b.triggeredAtMs || compare(a.noticeIds, b.noticeIds));
}

const compare = (a: readonly string[], b: readonly string[]): number => {
  const x = a.join(',');
  const y = b.join(',');
  return x < y ? -1 : x > y ? 1 : 0;
};

const nextYear = (key: string): string => String(Number(key) + 1);

/**
 * 满意率连续三季度或连续两年低于合同要求 → 解除合同: the run of consecutive periods below the
 * commitment that ends at the latest of `keys` (quarters `YYYY-Qn` or years `YYYY`) reaching at
 * least `length`. Periods without a survey break a run: nothing is assumed about them.
 */
export function terminationRecommendation(
  points: readonly RatePoint[],
  basis: 'quarters' | 'years',
  length: number,
  keys: readonly string[],
): Termination | undefined {
  const byKey = new Map(points.map((point) => [point.key, point]));
  const next = basis === 'quarters' ? (key: string) => shiftQuarter(key, 1) : nextYear;
  let best: RatePoint[] | undefined;
  for (const key of keys) {
    const end = byKey.get(key);
    if (!end?.below) continue;
    // Walk back from `key` while each previous period is below too.
    const run: RatePoint[] = [end];
    for (;;) {
      const first = run[0] as RatePoint;
      const previous = [...byKey.values()].find((point) => next(point.key) === first.key);
      if (!previous?.below) break;
      run.unshift(previous);
    }
    if (run.length >= length) best = run;
  }
  return best
    ? {
        kind: 'termination_recommended',
        labelKey: 'scoring.consequence.termination_recommended',
        basis,
        periods: best,
      }
    : undefined;
}

const sameLot = (a: ContractTerms, b: ContractTerms): boolean =>
  a.vendor === b.vendor && a.lot['zh-CN'] === b.lot['zh-CN'] && a.lot.en === b.lot.en;

/**
 * 承包服务期满三年 → 重新招标: continuous service starts at the earliest contract of the same
 * vendor and lot whose terms run on without a gap into this one. Flagged, from `noticeDays` before
 * the service reaches the scheme's years, when this contract's term runs that far and is still in
 * force at some day of [firstDay, lastDay].
 */
export function reTenderFlag(
  contract: ContractTerms,
  contracts: readonly ContractTerms[],
  exit: ScoringScheme['exit'],
  firstDay: string,
  lastDay: string,
): ReTender | undefined {
  const chain: ContractTerms[] = [contract];
  for (;;) {
    const head = chain[0] as ContractTerms;
    const before = contracts.find(
      (other) =>
        !chain.includes(other) &&
        sameLot(other, head) &&
        other.term.start < head.term.start &&
        other.term.end >= addDays(head.term.start, -1),
    );
    if (!before) break;
    chain.unshift(before);
  }
  const serviceStart = (chain[0] as ContractTerms).term.start;
  const reachesOn = addYears(serviceStart, exit.reTenderYears);
  const flaggedFrom = addDays(reachesOn, -exit.reTenderNoticeDays);
  const runsThatFar = addDays(contract.term.end, 1) >= reachesOn;
  if (!runsThatFar || flaggedFrom > lastDay || contract.term.end < firstDay) return undefined;
  return {
    kind: 're_tender',
    labelKey: 'scoring.consequence.re_tender',
    lot: contract.lot,
    serviceStart,
    reachesOn,
    termEnd: contract.term.end,
    contractIds: chain.map((c) => c.id),
  };
}
