import Type, { type Static } from 'typebox';
import { IsoDate, LocalizedText } from '../../../config/schema/common.ts';
import { DEPOSIT_ACTIONS, GRADES } from '../../../config/schema/scoring.ts';
import { SLA_TARGETS } from '../../workorders/domain/sla.ts';
import { SCORE_ITEMS } from './items.ts';

/**
 * What evaluation produces, as schemas: the monthly scorecard (月考核), the quarterly bulletin
 * (季通报) and the annual evaluation (年考评). Reports (CSV, PDF) and the API render these as they
 * are: every label is an i18n key of `labels.ts` (zh-CN and en), every number is final (points to
 * the hundredth, money in fen), every deduction carries its evidence references. Canonical JSON of
 * one of these is byte-identical whenever it is recomputed from the same inputs.
 */

const Points = Type.Number();
const Instant = Type.Integer();
const LabelKey = Type.String({ pattern: '^scoring\\.' });
const Id = Type.String({ minLength: 1 });

export const PeriodRef = Type.Object(
  { key: Type.String(), startMs: Instant, endMs: Instant },
  { additionalProperties: false },
);

/** Where a line's points come from: what a manager opens to check it. */
export const EvidenceRef = Type.Union([
  Type.Object(
    {
      type: Type.Literal('work_order'),
      orderId: Id,
      leg: Type.Integer({ minimum: 0 }),
      target: Type.Optional(Type.Enum(SLA_TARGETS)),
    },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('incident'), incidentId: Id }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('equipment'), equipmentId: Id }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('inspection'), inspectionId: Id, finding: Type.Integer({ minimum: 0 }) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('complaint'), complaintId: Id }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('rectification_notice'), noticeId: Id }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('commendation'), commendationId: Id }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('attachment'),
      name: Type.String(),
      uri: Type.String(),
      sha256: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
]);
export type EvidenceRef = Static<typeof EvidenceRef>;

export const APPEAL_STATES = ['pending', 'upheld', 'overturned'] as const;

export const LineAppeal = Type.Object(
  {
    id: Id,
    state: Type.Enum(APPEAL_STATES),
    labelKey: LabelKey,
    filedAtMs: Instant,
    decidedAtMs: Type.Union([Instant, Type.Null()]),
    reason: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

/** One deduction or bonus. `points` is what the item costs; `appliedPoints` what counted after caps and appeals. */
export const ScoreLine = Type.Object(
  {
    /** Stable across recomputations: the item and the evidence's identity, e.g. `slaAccept:order:42:leg:0`. */
    id: Id,
    kind: Type.Enum(['deduction', 'bonus']),
    item: Type.Enum(SCORE_ITEMS),
    labelKey: LabelKey,
    occurredAtMs: Instant,
    points: Points,
    appliedPoints: Points,
    /** The item's cap (or the overall bonus cap) cut this line's points. */
    capped: Type.Boolean(),
    /** `overturned`: an appeal withdrew it; it stays on the scorecard with 0 points applied. */
    status: Type.Enum(['counted', 'overturned']),
    appeal: Type.Union([LineAppeal, Type.Null()]),
    evidence: Type.Array(EvidenceRef),
    /** Values for the label's text (severity, minutes over, availability …). */
    params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()])),
  },
  { additionalProperties: false },
);
export type ScoreLine = Static<typeof ScoreLine>;

export const ItemTotal = Type.Object(
  {
    item: Type.Enum(SCORE_ITEMS),
    kind: Type.Enum(['deduction', 'bonus']),
    labelKey: LabelKey,
    /** Lines that count (overturned ones do not). */
    occurrences: Type.Integer({ minimum: 0 }),
    points: Points,
    cap: Type.Union([Points, Type.Null()]),
    appliedPoints: Points,
    capped: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ItemTotal = Static<typeof ItemTotal>;

export const RatePoint = Type.Object(
  {
    key: Type.String(),
    /** Satisfied answers and all answers (ratings): the rate is exact as a ratio. */
    satisfied: Type.Integer({ minimum: 0 }),
    answers: Type.Integer({ minimum: 0 }),
    /** satisfied ÷ answers, rounded to 4 places (display). */
    rate: Type.Number(),
    committed: Type.Number(),
    below: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type RatePoint = Static<typeof RatePoint>;

/** Decisions the evaluation proposes to the office. Listed, never applied by the platform. */
export const Consequence = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('deposit'),
      labelKey: LabelKey,
      period: Type.String(),
      score: Points,
      action: Type.Enum(DEPOSIT_ACTIONS),
      minScore: Points,
      share: Type.Number(),
      /** The month's share of the deposit, in fen. */
      baseFen: Type.Integer(),
      amountFen: Type.Integer(),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('satisfaction_reward'),
      labelKey: LabelKey,
      period: Type.String(),
      rate: Type.Number(),
      minRate: Type.Number(),
      share: Type.Number(),
      /** The year's deposit, in fen. */
      baseFen: Type.Integer(),
      amountFen: Type.Integer(),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('incentive_list'),
      labelKey: LabelKey,
      period: Type.String(),
      grade: Type.Enum(GRADES),
      staffBonusShare: Type.Number(),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('risk_list'),
      labelKey: LabelKey,
      period: Type.String(),
      /** i18n keys of why: the grade, an exit warning, a termination recommendation. */
      reasons: Type.Array(LabelKey),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('exit_warning'),
      labelKey: LabelKey,
      /** The chain of notices, first to last, whose outcomes failed. */
      noticeIds: Type.Array(Id),
      triggeredAtMs: Instant,
      evidence: Type.Array(EvidenceRef),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('termination_recommended'),
      labelKey: LabelKey,
      basis: Type.Enum(['quarters', 'years']),
      /** The consecutive periods below the commitment, oldest first. */
      periods: Type.Array(RatePoint),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('re_tender'),
      labelKey: LabelKey,
      lot: LocalizedText,
      /** First day of continuous service by this vendor in this lot (across renewed contracts). */
      serviceStart: IsoDate,
      /** The day the service reaches the scheme's years. */
      reachesOn: IsoDate,
      termEnd: IsoDate,
      contractIds: Type.Array(Id),
    },
    { additionalProperties: false },
  ),
]);
export type Consequence = Static<typeof Consequence>;

export const ContractRef = Type.Object(
  { id: Id, vendorId: Id, lot: LocalizedText },
  { additionalProperties: false },
);

export const SchemeRef = Type.Object(
  { id: Id, name: LocalizedText, digest: Type.String({ pattern: '^[0-9a-f]{64}$' }) },
  { additionalProperties: false },
);

export const MonthlyScorecard = Type.Object(
  {
    format: Type.Literal('steward.scorecard.month.v1'),
    contract: ContractRef,
    scheme: SchemeRef,
    period: PeriodRef,
    basePoints: Points,
    floorPoints: Points,
    /** Deductions and bonuses that counted, after caps and appeals. */
    deductions: Points,
    bonuses: Points,
    bonusCap: Points,
    /** base − deductions + bonuses, before the floor. */
    rawTotal: Points,
    total: Points,
    floorApplied: Type.Boolean(),
    grade: Type.Enum(GRADES),
    gradeLabelKey: LabelKey,
    items: Type.Array(ItemTotal),
    lines: Type.Array(ScoreLine),
    appeals: Type.Object(
      { pending: Type.Integer(), upheld: Type.Integer(), overturned: Type.Integer() },
      { additionalProperties: false },
    ),
    consequences: Type.Array(Consequence),
  },
  { additionalProperties: false },
);
export type MonthlyScorecard = Static<typeof MonthlyScorecard>;
