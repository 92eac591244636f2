import Type, { type Static } from 'typebox';
import { Fraction, Id, LocalizedText, SEVERITIES, ServiceCategory, Severity } from './common.ts';

/**
 * 百分制考核 schemes: every contract names one. Each month a contract starts at `basePoints`;
 * deduction items (一般问题, 重大问题, 客户投诉, SLA breaches …) and capped bonus items (表扬, 创新,
 * 经验推广) move it, never below `floorPoints`. The grades, the annual weights and the consequence
 * rules (deposit bands, lists, exit rules, appeal window) of the same scheme turn the scores into
 * decisions that are listed for the office, never applied by the platform.
 *
 * Points are given to the hundredth (0.01): the arithmetic runs on whole hundredths so a total
 * never drifts by a float rounding (the loader refuses finer values).
 */

/** A number of points (one line's, or a cap on an item's total). */
const Points = Type.Number({ minimum: 0, maximum: 1_000 });
/** A score on the 100-point scale (grade thresholds, deposit bands, reviews). */
const Score = Type.Number({ minimum: 0, maximum: 1_000 });

/** Points per occurrence by the work order's severity. */
export const PointsBySeverity = Type.Object(
  Object.fromEntries(SEVERITIES.map((severity) => [severity, Points])) as Record<
    (typeof SEVERITIES)[number],
    typeof Points
  >,
  { additionalProperties: false },
);

/** A deduction or bonus item: points per occurrence and an optional cap on the item's total per month. */
export const CappedItem = Type.Object(
  { points: Points, cap: Type.Optional(Points) },
  { additionalProperties: false },
);

/** An SLA item (接单 / 到场 / 解决 overdue): points per breach by severity, capped per month. */
export const SlaItem = Type.Object(
  { points: PointsBySeverity, cap: Type.Optional(Points) },
  { additionalProperties: false },
);

export const Deductions = Type.Object(
  {
    /** Accept (接单) deadline missed, per order leg. */
    slaAccept: SlaItem,
    /** Arrive on site (到场) deadline missed. */
    slaArrive: SlaItem,
    /** Resolve deadline missed. */
    slaResolve: SlaItem,
    /** 重复故障: a resolved order returned to the vendor because the fault came back. */
    repeatFailure: CappedItem,
    /**
     * An order still unresolved at the end of the month, dispatched at least `graceMinutes`
     * before it (a fault reported on the last evening is not yet the vendor's failure). Orders
     * in a manager-approved pause at the month's end do not count.
     */
    unresolvedAtPeriodEnd: Type.Object(
      { points: Points, cap: Type.Optional(Points), graceMinutes: Type.Number({ minimum: 0 }) },
      { additionalProperties: false },
    ),
    /**
     * Equipment availability under target: per piece of equipment whose time down (orders of the
     * `downSeverities` from dispatch to resolve) leaves it below `target` over the month.
     * Absent: the scheme does not score availability (e.g. cleaning).
     */
    availability: Type.Optional(
      Type.Object(
        {
          target: Fraction,
          points: Points,
          cap: Type.Optional(Points),
          downSeverities: Type.Array(Severity, { minItems: 1, uniqueItems: true }),
          /** Only equipment of these categories; default every category of the contract. */
          categories: Type.Optional(Type.Array(ServiceCategory, { minItems: 1, uniqueItems: true })),
        },
        { additionalProperties: false },
      ),
    ),
    /** 一般问题 found by an inspection, per finding. */
    inspectionGeneral: CappedItem,
    /** 重大问题 found by an inspection, per finding. */
    inspectionMajor: CappedItem,
    /** 客户投诉 whose investigation found the vendor responsible, in the month it was concluded. */
    verifiedComplaint: CappedItem,
    /** 整改不合格: a rectification notice whose outcome was checked and failed. */
    rectificationFailed: CappedItem,
  },
  { additionalProperties: false },
);

export const Bonuses = Type.Object(
  {
    /** 服务受表扬: a written commendation from a served department or leadership. */
    commendation: CappedItem,
    /** 工作创新有成效. */
    innovation: CappedItem,
    /** 典型经验被推广. */
    promotedPractice: CappedItem,
    /** Cap on all bonus points of a month together. */
    cap: Points,
  },
  { additionalProperties: false },
);

/** Lowest score of each grade: 优秀 ≥ excellent > 良好 ≥ good > 合格 ≥ pass > 不合格. */
export const GradeThresholds = Type.Object(
  { excellent: Score, good: Score, pass: Score },
  { additionalProperties: false },
);

/**
 * 年考评: the year's levels and their weights (三级考核 plus satisfaction). Weights add up to 1;
 * a level without data in the year is left out and the others are scaled up, visibly.
 */
export const AnnualWeights = Type.Object(
  {
    /** 每天巡检: share of the year's daily patrols that found no problem. */
    dailyPatrols: Fraction,
    /** 每月考核: mean of the year's monthly scores. */
    monthlyAssessments: Fraction,
    /** 每半年领导综合考核: mean of the half-yearly leadership review scores. */
    leadershipReview: Fraction,
    /** 满意度测评: the year's satisfaction rate × 100. */
    satisfaction: Fraction,
  },
  { additionalProperties: false },
);

export const DEPOSIT_ACTIONS = ['reward', 'release', 'deduct'] as const;

/**
 * 服务保证金 by monthly score: the band with the highest `minScore` not above the score applies
 * to the month's share of the deposit (annual price × deposit share ÷ 12). `deduct` withholds
 * `share` of it (扣除违约金), `reward` pays `share` of it on top, `release` neither.
 */
export const DepositBand = Type.Object(
  { minScore: Score, action: Type.Enum(DEPOSIT_ACTIONS), share: Fraction },
  { additionalProperties: false },
);

export const SATISFACTION_RATINGS = ['excellent', 'good', 'fair', 'poor'] as const;

/** 满意度测评: ratings 优 / 较好 / 一般 / 差 per service item. */
export const SatisfactionTerms = Type.Object(
  {
    /** Ratings counted as satisfied in the satisfaction rate (满意率). */
    satisfiedRatings: Type.Array(Type.Enum(SATISFACTION_RATINGS), { minItems: 1, uniqueItems: true }),
    /** Questionnaires returned ÷ distributed below this: the survey is flagged as under-answered. */
    minResponseRate: Fraction,
    /** The year's satisfaction rate → reward as a share of the year's deposit (the highest band reached). */
    rewardBands: Type.Array(
      Type.Object({ minRate: Fraction, share: Fraction }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

export const GRADES = ['excellent', 'good', 'pass', 'fail'] as const;

/** 激励名单 / 风险名单 by annual grade. */
export const ListRules = Type.Object(
  {
    incentiveGrades: Type.Array(Type.Enum(GRADES), { uniqueItems: true }),
    riskGrades: Type.Array(Type.Enum(GRADES), { uniqueItems: true }),
    /** Staff of a vendor on the incentive list: their annual bonus may rise by this share (+10%). */
    staffBonusShare: Fraction,
  },
  { additionalProperties: false },
);

/** 退出机制 and re-tender. */
export const ExitRules = Type.Object(
  {
    /** 整改不合格, 再次整改无明显成效: this many failed outcomes in one chain of notices → written exit warning. */
    failedRectificationsInChain: Type.Integer({ minimum: 1 }),
    /** Satisfaction below the committed rate this many calendar quarters in a row → termination. */
    satisfactionQuarters: Type.Integer({ minimum: 1 }),
    /** … or this many calendar years in a row. */
    satisfactionYears: Type.Integer({ minimum: 1 }),
    /** Service by the same vendor in the same lot reaching this many years → re-tender (重新招标). */
    reTenderYears: Type.Integer({ minimum: 1 }),
    /** Flag the re-tender this many days before the service reaches those years. */
    reTenderNoticeDays: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export const ScoringScheme = Type.Object(
  {
    id: Id,
    name: LocalizedText,
    basePoints: Type.Number({ exclusiveMinimum: 0 }),
    floorPoints: Type.Number({ minimum: 0 }),
    deductions: Deductions,
    bonuses: Bonuses,
    grades: GradeThresholds,
    annualWeights: AnnualWeights,
    depositBands: Type.Array(DepositBand, { minItems: 1 }),
    satisfaction: SatisfactionTerms,
    lists: ListRules,
    exit: ExitRules,
    /** A vendor may appeal a deduction within this many days of the month's scorecard being published. */
    appealWindowDays: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);

export const ScoringFile = Type.Object(
  { schemes: Type.Array(ScoringScheme, { minItems: 1 }) },
  { additionalProperties: false },
);

export type ScoringFile = Static<typeof ScoringFile>;
export type ScoringScheme = Static<typeof ScoringScheme>;
export type Deductions = Static<typeof Deductions>;
export type Bonuses = Static<typeof Bonuses>;
export type CappedItem = Static<typeof CappedItem>;
export type SlaItem = Static<typeof SlaItem>;
export type GradeThresholds = Static<typeof GradeThresholds>;
export type AnnualWeights = Static<typeof AnnualWeights>;
export type DepositBand = Static<typeof DepositBand>;
export type SatisfactionRating = (typeof SATISFACTION_RATINGS)[number];
export type Grade = (typeof GRADES)[number];
