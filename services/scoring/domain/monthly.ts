import type { ScoringScheme } from '../../../config/schema/scoring.ts';
import type { AutomaticFacts, DowntimeFact, SlaBreachFact } from './automatic.ts';
import { digestOf } from './canonical.ts';
import { depositConsequence, exitWarnings } from './consequences.ts';
import type { ContractTerms } from './contract-terms.ts';
import { gradeLabelKey, gradeOf } from './grades.ts';
import {
  BONUS_ITEM_OF,
  BONUS_ITEMS,
  DEDUCTION_ITEMS,
  type DeductionItem,
  itemLabelKey,
  type ScoreItem,
} from './items.ts';
import type { Period } from './periods.ts';
import { fromCenti, toBasisPoints, toCenti } from './points.ts';
import type {
  AppealRecord,
  Attachment,
  CommendationRecord,
  ComplaintRecord,
  InspectionRecord,
  RectificationNoticeRecord,
} from './records.ts';
import type { EvidenceRef, ItemTotal, MonthlyScorecard, ScoreLine } from './scorecard.ts';

/** Everything a month's scorecard is computed from. The function reads nothing else. */
export interface MonthInputs {
  readonly period: Period;
  readonly automatic: AutomaticFacts;
  readonly inspections: readonly InspectionRecord[];
  readonly complaints: readonly ComplaintRecord[];
  /** Every notice of the contract (not only the month's): exit warnings follow chains back. */
  readonly rectifications: readonly RectificationNoticeRecord[];
  readonly commendations: readonly CommendationRecord[];
  readonly appeals: readonly AppealRecord[];
}

const MINUTE_MS = 60_000;

/** A line before caps and appeals: what the fact costs and why. */
interface Draft {
  readonly id: string;
  readonly item: ScoreItem;
  readonly occurredAtMs: number;
  readonly centi: number;
  readonly evidence: EvidenceRef[];
  readonly params: Record<string, string | number | null>;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const round2 = (value: number): number => Math.round(value * 100) / 100;
const inPeriod = (ms: number, period: Period): boolean => ms >= period.startMs && ms < period.endMs;

/**
 * The attachments of a record and of its follow-up (a complaint and its conclusion, a notice and
 * its check), oldest first; one the follow-up repeats is listed once. A record without evidence
 * adds nothing, so scorecards closed before the complaint and the notice took evidence recompute
 * to the same bytes.
 */
const attachmentEvidence = (
  earlier: readonly Attachment[] = [],
  later: readonly Attachment[] = [],
): EvidenceRef[] => {
  const same = (a: Attachment) => (b: Attachment) =>
    a.uri === b.uri && a.name === b.name && a.sha256 === b.sha256;
  return [...earlier, ...later.filter((attachment) => !earlier.some(same(attachment)))].map((attachment) => ({
    type: 'attachment' as const,
    ...attachment,
  }));
};

const orderEvidence = (
  fact: { orderId: string; leg: number; incidentIds: readonly string[] },
  target?: SlaBreachFact['target'],
): EvidenceRef[] => [
  target === undefined
    ? { type: 'work_order', orderId: fact.orderId, leg: fact.leg }
    : { type: 'work_order', orderId: fact.orderId, leg: fact.leg, target },
  ...[...fact.incidentIds].sort().map((incidentId) => ({ type: 'incident' as const, incidentId })),
];

const SLA_ITEM = { accept: 'slaAccept', arrive: 'slaArrive', resolve: 'slaResolve' } as const;

function slaDrafts(scheme: ScoringScheme, contractId: string, inputs: MonthInputs): Draft[] {
  return inputs.automatic.slaBreaches
    .filter((fact) => fact.contractId === contractId && inPeriod(fact.deadlineMs, inputs.period))
    .map((fact) => {
      const item = SLA_ITEM[fact.target];
      return {
        id: `${item}:order:${fact.orderId}:leg:${fact.leg}`,
        item,
        occurredAtMs: fact.deadlineMs,
        centi: toCenti(scheme.deductions[item].points[fact.severity]),
        evidence: orderEvidence(fact, fact.target),
        params: {
          severity: fact.severity,
          category: fact.category,
          buildingCode: fact.buildingCode,
          deadlineMs: fact.deadlineMs,
          completedAtMs: fact.completedAtMs,
          minutesOver: round2(fact.minutesOver),
        },
      };
    });
}

function orderDrafts(scheme: ScoringScheme, contractId: string, inputs: MonthInputs): Draft[] {
  const { period } = inputs;
  const repeats = inputs.automatic.repeatFailures
    .filter((fact) => fact.contractId === contractId && inPeriod(fact.reopenedAtMs, period))
    .map(
      (fact): Draft => ({
        id: `repeatFailure:order:${fact.orderId}:leg:${fact.leg}`,
        item: 'repeatFailure',
        occurredAtMs: fact.reopenedAtMs,
        centi: toCenti(scheme.deductions.repeatFailure.points),
        evidence: orderEvidence(fact),
        params: { severity: fact.severity, category: fact.category, buildingCode: fact.buildingCode },
      }),
    );
  const { graceMinutes } = scheme.deductions.unresolvedAtPeriodEnd;
  const latestStart = period.endMs - graceMinutes * MINUTE_MS;
  const open = inputs.automatic.openAtPeriodEnd
    .filter((fact) => fact.contractId === contractId && !fact.paused && fact.legStartMs <= latestStart)
    .map(
      (fact): Draft => ({
        id: `unresolvedAtPeriodEnd:order:${fact.orderId}:leg:${fact.leg}`,
        item: 'unresolvedAtPeriodEnd',
        // Counted at the month's last instant: that is when it was still unresolved.
        occurredAtMs: period.endMs - 1,
        centi: toCenti(scheme.deductions.unresolvedAtPeriodEnd.points),
        evidence: orderEvidence(fact),
        params: {
          severity: fact.severity,
          category: fact.category,
          buildingCode: fact.buildingCode,
          legStartMs: fact.legStartMs,
          openDays: round2((period.endMs - fact.legStartMs) / (1_440 * MINUTE_MS)),
        },
      }),
    );
  return [...repeats, ...open];
}

/** Union of intervals (sorted, merged), clipped to the period. */
function mergedWithin(facts: readonly DowntimeFact[], period: Period): [number, number][] {
  const spans = facts
    .map((fact): [number, number] => [
      Math.max(fact.fromMs, period.startMs),
      Math.min(fact.toMs, period.endMs),
    ])
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}

function availabilityDrafts(scheme: ScoringScheme, contract: ContractTerms, inputs: MonthInputs): Draft[] {
  const rule = scheme.deductions.availability;
  if (!rule) return [];
  const categories: readonly string[] = rule.categories ?? contract.scope.categories;
  const byEquipment = new Map<string, DowntimeFact[]>();
  for (const fact of inputs.automatic.downtime) {
    if (fact.contractId !== contract.id) continue;
    if (!rule.downSeverities.includes(fact.severity) || !categories.includes(fact.category)) continue;
    const list = byEquipment.get(fact.equipmentId) ?? [];
    list.push(fact);
    byEquipment.set(fact.equipmentId, list);
  }
  const periodMs = inputs.period.endMs - inputs.period.startMs;
  const drafts: Draft[] = [];
  for (const [equipmentId, facts] of byEquipment) {
    const spans = mergedWithin(facts, inputs.period);
    const downMs = spans.reduce((sum, [from, to]) => sum + (to - from), 0);
    // Exact: up-time ÷ period < target, in integers.
    if ((periodMs - downMs) * 10_000 >= toBasisPoints(rule.target) * periodMs) continue;
    const orders = [...new Map(facts.map((fact) => [`${fact.orderId}:${fact.leg}`, fact])).values()].sort(
      (a, b) => a.fromMs - b.fromMs || compareText(a.orderId, b.orderId) || a.leg - b.leg,
    );
    drafts.push({
      id: `availability:equipment:${equipmentId}`,
      item: 'availability',
      occurredAtMs: (spans.at(-1) as [number, number])[1] - 1,
      centi: toCenti(rule.points),
      evidence: [{ type: 'equipment', equipmentId }, ...orders.flatMap((fact) => orderEvidence(fact))],
      params: {
        equipmentId,
        downMinutes: round2(downMs / MINUTE_MS),
        availability: Math.round(((periodMs - downMs) * 10_000) / periodMs) / 10_000,
        target: rule.target,
      },
    });
  }
  return drafts;
}

function manualDrafts(scheme: ScoringScheme, contractId: string, inputs: MonthInputs): Draft[] {
  const { period } = inputs;
  const drafts: Draft[] = [];
  for (const inspection of inputs.inspections) {
    if (inspection.contractId !== contractId || !inPeriod(inspection.conductedAtMs, period)) continue;
    inspection.findings.forEach((finding, index) => {
      const item = finding.level === 'major' ? 'inspectionMajor' : 'inspectionGeneral';
      drafts.push({
        id: `${item}:inspection:${inspection.id}:finding:${index}`,
        item,
        occurredAtMs: inspection.conductedAtMs,
        centi: toCenti(scheme.deductions[item].points),
        evidence: [
          { type: 'inspection', inspectionId: inspection.id, finding: index },
          ...(finding.attachments ?? []).map((a) => ({ type: 'attachment' as const, ...a })),
        ],
        params: {
          inspectionKind: inspection.kind,
          description: finding.description,
          serviceItem: finding.serviceItem ?? null,
          buildingCode: finding.buildingCode ?? null,
        },
      });
    });
  }
  for (const complaint of inputs.complaints) {
    const conclusion = complaint.conclusion;
    if (complaint.contractId !== contractId || conclusion?.result !== 'verified') continue;
    if (!inPeriod(conclusion.concludedAtMs, period)) continue;
    drafts.push({
      id: `verifiedComplaint:complaint:${complaint.id}`,
      item: 'verifiedComplaint',
      occurredAtMs: conclusion.concludedAtMs,
      centi: toCenti(scheme.deductions.verifiedComplaint.points),
      evidence: [
        { type: 'complaint', complaintId: complaint.id },
        ...attachmentEvidence(complaint.attachments, conclusion.attachments),
      ],
      params: {
        channel: complaint.channel,
        receivedAtMs: complaint.receivedAtMs,
        summary: complaint.summary,
      },
    });
  }
  for (const notice of inputs.rectifications) {
    const outcome = notice.outcome;
    if (notice.contractId !== contractId || outcome?.outcome !== 'failed') continue;
    if (!inPeriod(outcome.checkedAtMs, period)) continue;
    drafts.push({
      id: `rectificationFailed:notice:${notice.id}`,
      item: 'rectificationFailed',
      occurredAtMs: outcome.checkedAtMs,
      centi: toCenti(scheme.deductions.rectificationFailed.points),
      evidence: [
        { type: 'rectification_notice', noticeId: notice.id },
        ...attachmentEvidence(notice.attachments, outcome.attachments),
      ],
      params: { problem: notice.problem, deadlineMs: notice.deadlineMs },
    });
  }
  for (const award of inputs.commendations) {
    if (award.contractId !== contractId || !inPeriod(award.awardedAtMs, period)) continue;
    const item = BONUS_ITEM_OF[award.kind];
    drafts.push({
      id: `${item}:commendation:${award.id}`,
      item,
      occurredAtMs: award.awardedAtMs,
      centi: toCenti(scheme.bonuses[item].points),
      evidence: [
        { type: 'commendation', commendationId: award.id },
        ...(award.attachments ?? []).map((a) => ({ type: 'attachment' as const, ...a })),
      ],
      params: { description: award.description, source: award.source ?? null },
    });
  }
  return drafts;
}

const ITEM_ORDER = new Map<ScoreItem, number>(
  [...DEDUCTION_ITEMS, ...BONUS_ITEMS].map((item, i) => [item, i]),
);
const isDeduction = (item: ScoreItem): item is DeductionItem =>
  (DEDUCTION_ITEMS as readonly string[]).includes(item);

/** Scorecard order: items in the scheme's order, each item's lines by time, then by id. */
const byScorecardOrder = (a: Draft, b: Draft): number =>
  (ITEM_ORDER.get(a.item) ?? 0) - (ITEM_ORDER.get(b.item) ?? 0) ||
  a.occurredAtMs - b.occurredAtMs ||
  compareText(a.id, b.id);

function capOf(scheme: ScoringScheme, item: ScoreItem): number | undefined {
  if (isDeduction(item)) return scheme.deductions[item]?.cap;
  return scheme.bonuses[item].cap;
}

/** The appeal on each line (the first filed, should there be several), as the line shows it. */
function appealsByLine(appeals: readonly AppealRecord[], contractId: string, month: string) {
  const byLine = new Map<string, AppealRecord>();
  const ordered = appeals
    .filter((a) => a.contractId === contractId && a.month === month)
    .sort((a, b) => a.recordedAtMs - b.recordedAtMs || Number(a.id) - Number(b.id));
  for (const appeal of ordered) if (!byLine.has(appeal.lineId)) byLine.set(appeal.lineId, appeal);
  return byLine;
}

/**
 * 月考核: the month's 百分制 scorecard of one contract. Starts at the scheme's base; each fact of
 * the month becomes a line (automatic ones from the work orders, manual ones from inspections,
 * complaints, rectification outcomes and commendations); caps are applied item by item in the
 * scorecard's order (earlier lines count first, later ones are cut), the bonus cap over all
 * bonus lines in the same order; a deduction overturned on appeal stays listed with nothing
 * applied and frees its share of the cap. The total never goes below the floor. Pure and
 * deterministic: the same inputs give the same scorecard, line for line.
 */
export function scoreMonth(
  scheme: ScoringScheme,
  contract: ContractTerms,
  inputs: MonthInputs,
): MonthlyScorecard {
  const { period } = inputs;
  const drafts = [
    ...slaDrafts(scheme, contract.id, inputs),
    ...orderDrafts(scheme, contract.id, inputs),
    ...availabilityDrafts(scheme, contract, inputs),
    ...manualDrafts(scheme, contract.id, inputs),
  ].sort(byScorecardOrder);
  const appeals = appealsByLine(inputs.appeals, contract.id, period.key);

  const usedByItem = new Map<ScoreItem, number>();
  const bonusCapCenti = toCenti(scheme.bonuses.cap);
  let bonusUsed = 0;
  const lines: ScoreLine[] = [];
  const appliedCenti: number[] = [];
  for (const draft of drafts) {
    const deduction = isDeduction(draft.item);
    const appeal = deduction ? appeals.get(draft.id) : undefined;
    const overturned = appeal?.decision?.outcome === 'overturned';
    let applied = 0;
    if (!overturned) {
      const cap = capOf(scheme, draft.item);
      const used = usedByItem.get(draft.item) ?? 0;
      applied = cap === undefined ? draft.centi : Math.max(0, Math.min(draft.centi, toCenti(cap) - used));
      usedByItem.set(draft.item, used + applied);
      if (!deduction) {
        applied = Math.max(0, Math.min(applied, bonusCapCenti - bonusUsed));
        bonusUsed += applied;
      }
    }
    appliedCenti.push(applied);
    const state = appeal ? (appeal.decision ? appeal.decision.outcome : 'pending') : undefined;
    lines.push({
      id: draft.id,
      kind: deduction ? 'deduction' : 'bonus',
      item: draft.item,
      labelKey: itemLabelKey(draft.item),
      occurredAtMs: draft.occurredAtMs,
      points: fromCenti(draft.centi),
      appliedPoints: fromCenti(applied),
      capped: !overturned && applied < draft.centi,
      status: overturned ? 'overturned' : 'counted',
      appeal:
        appeal && state
          ? {
              id: appeal.id,
              state,
              labelKey: `scoring.appeal.${state}`,
              filedAtMs: appeal.recordedAtMs,
              decidedAtMs: appeal.decision?.recordedAtMs ?? null,
              reason: appeal.decision?.reason ?? null,
            }
          : null,
      evidence: draft.evidence,
      params: draft.params,
    });
  }

  const items: ItemTotal[] = [];
  for (const item of [...DEDUCTION_ITEMS, ...BONUS_ITEMS] as ScoreItem[]) {
    const indexes = lines.flatMap((line, i) => (line.item === item ? [i] : []));
    if (indexes.length === 0) continue;
    const counted = indexes.filter((i) => lines[i]?.status === 'counted');
    const points = counted.reduce((sum, i) => sum + toCenti(lines[i]?.points ?? 0), 0);
    const applied = counted.reduce((sum, i) => sum + (appliedCenti[i] ?? 0), 0);
    const cap = capOf(scheme, item);
    items.push({
      item,
      kind: isDeduction(item) ? 'deduction' : 'bonus',
      labelKey: itemLabelKey(item),
      occurrences: counted.length,
      points: fromCenti(points),
      cap: cap ?? null,
      appliedPoints: fromCenti(applied),
      capped: applied < points,
    });
  }

  const sumOf = (kind: 'deduction' | 'bonus'): number =>
    lines.reduce((sum, line, i) => sum + (line.kind === kind ? (appliedCenti[i] ?? 0) : 0), 0);
  const deductions = sumOf('deduction');
  const bonuses = sumOf('bonus');
  const rawTotal = toCenti(scheme.basePoints) - deductions + bonuses;
  const total = Math.max(toCenti(scheme.floorPoints), rawTotal);
  const grade = gradeOf(total, scheme.grades);
  const appealStates = lines.flatMap((line) => (line.appeal ? [line.appeal.state] : []));

  return {
    format: 'steward.scorecard.month.v1',
    contract: { id: contract.id, vendorId: contract.vendor, lot: contract.lot },
    scheme: { id: scheme.id, name: scheme.name, digest: digestOf(scheme) },
    period: { key: period.key, startMs: period.startMs, endMs: period.endMs },
    basePoints: scheme.basePoints,
    floorPoints: scheme.floorPoints,
    deductions: fromCenti(deductions),
    bonuses: fromCenti(bonuses),
    bonusCap: scheme.bonuses.cap,
    rawTotal: fromCenti(rawTotal),
    total: fromCenti(total),
    floorApplied: rawTotal < total,
    grade,
    gradeLabelKey: gradeLabelKey(grade),
    items,
    lines,
    appeals: {
      pending: appealStates.filter((s) => s === 'pending').length,
      upheld: appealStates.filter((s) => s === 'upheld').length,
      overturned: appealStates.filter((s) => s === 'overturned').length,
    },
    consequences: [
      depositConsequence(scheme, contract, period.key, total),
      ...exitWarnings(
        inputs.rectifications,
        contract.id,
        scheme.exit.failedRectificationsInChain,
        period.startMs,
        period.endMs,
      ),
    ],
  };
}
