import Type, { type Static } from 'typebox';
import { GRADES } from '../../../config/schema/scoring.ts';
import { SCORE_ITEMS } from './items.ts';
import { Attachment, INSPECTION_KINDS } from './records.ts';
import { Consequence, ContractRef, PeriodRef, RatePoint, SchemeRef } from './scorecard.ts';

const LabelKey = Type.String({ pattern: '^scoring\\.' });
const Points = Type.Number();
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** 双向考评: the supervising office's own figures over a period. */
export const OfficeFigures = Type.Object(
  {
    period: Type.String(),
    /** Inspections run, by kind, and in all. */
    inspections: Type.Object(
      {
        ...Object.fromEntries(INSPECTION_KINDS.map((kind) => [kind, Type.Integer({ minimum: 0 })])),
        total: Type.Integer({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
    /** Resolved orders verified (or failed) in the period, and how long each waited for it. */
    verification: Type.Object(
      {
        checked: Type.Integer({ minimum: 0 }),
        meanHours: Nullable(Type.Number()),
        maxHours: Nullable(Type.Number()),
        /** Resolved orders still waiting at the period's end, and the longest wait so far. */
        waitingAtEnd: Type.Integer({ minimum: 0 }),
        longestWaitingHours: Nullable(Type.Number()),
      },
      { additionalProperties: false },
    ),
    /** Complaints received and concluded in the period, and days from receipt to conclusion. */
    complaints: Type.Object(
      {
        received: Type.Integer({ minimum: 0 }),
        concluded: Type.Integer({ minimum: 0 }),
        meanDaysToConclude: Nullable(Type.Number()),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type OfficeFigures = Static<typeof OfficeFigures>;

export const MonthScore = Type.Object(
  { key: Type.String(), total: Nullable(Points), grade: Nullable(Type.Enum(GRADES)) },
  { additionalProperties: false },
);

export const BulletinRow = Type.Object(
  {
    /** 1 for the best; equal averages share a rank (1, 1, 3). */
    rank: Type.Integer({ minimum: 1 }),
    contract: ContractRef,
    schemeId: Type.String(),
    months: Type.Array(MonthScore),
    /** Mean of the quarter's month scores that exist, to the hundredth. */
    average: Points,
    grade: Type.Enum(GRADES),
    gradeLabelKey: LabelKey,
    deductions: Points,
    bonuses: Points,
    /** The quarter's heaviest deduction items (applied points), at most three. */
    highlights: Type.Array(
      Type.Object(
        {
          item: Type.Enum(SCORE_ITEMS),
          labelKey: LabelKey,
          occurrences: Type.Integer(),
          appliedPoints: Points,
        },
        { additionalProperties: false },
      ),
    ),
    /** 通报表扬: the quarter's average is 优秀 and the contract is not criticised. */
    praised: Type.Boolean(),
    /**
     * 通报批评: the average or a month is 不合格, or an exit warning was triggered or a termination
     * is recommended in the quarter.
     */
    criticised: Type.Boolean(),
    consequences: Type.Array(Consequence),
  },
  { additionalProperties: false },
);
export type BulletinRow = Static<typeof BulletinRow>;

export const QuarterlyBulletin = Type.Object(
  {
    format: Type.Literal('steward.bulletin.quarter.v1'),
    period: PeriodRef,
    rows: Type.Array(BulletinRow),
    office: OfficeFigures,
  },
  { additionalProperties: false },
);
export type QuarterlyBulletin = Static<typeof QuarterlyBulletin>;

export const ANNUAL_LEVELS = [
  'dailyPatrols',
  'monthlyAssessments',
  'leadershipReview',
  'satisfaction',
] as const;
export type AnnualLevel = (typeof ANNUAL_LEVELS)[number];

export const LevelScore = Type.Object(
  {
    level: Type.Enum(ANNUAL_LEVELS),
    labelKey: LabelKey,
    /** The scheme's weight, and the weight it carried once levels without data were left out. */
    weight: Type.Number(),
    effectiveWeight: Type.Number(),
    /** null: no data in the year (no patrol, no scorecard, no review, no survey). */
    score: Nullable(Points),
    /** The counts the score comes from. */
    basis: Type.Record(Type.String(), Type.Number()),
  },
  { additionalProperties: false },
);
export type LevelScore = Static<typeof LevelScore>;

export const SurveySummary = Type.Object(
  {
    id: Type.String(),
    conductedOn: Type.String(),
    satisfied: Type.Integer(),
    answers: Type.Integer(),
    rate: Type.Number(),
    returned: Type.Integer(),
    distributed: Type.Integer(),
    responseRate: Type.Number(),
    underAnswered: Type.Boolean(),
    /** The survey's evidence (questionnaire scans, the tally), when it was recorded with any. */
    attachments: Type.Optional(Type.Array(Attachment)),
  },
  { additionalProperties: false },
);

export const AnnualEvaluation = Type.Object(
  {
    format: Type.Literal('steward.evaluation.year.v1'),
    contract: ContractRef,
    scheme: SchemeRef,
    period: PeriodRef,
    levels: Type.Array(LevelScore),
    score: Nullable(Points),
    grade: Nullable(Type.Enum(GRADES)),
    gradeLabelKey: Nullable(LabelKey),
    months: Type.Array(MonthScore),
    satisfaction: Type.Object(
      {
        year: Nullable(RatePoint),
        quarters: Type.Array(RatePoint),
        surveys: Type.Array(SurveySummary),
      },
      { additionalProperties: false },
    ),
    /** The months' deposit consequences added up, in fen. */
    deposit: Type.Object(
      { deductedFen: Type.Integer(), rewardedFen: Type.Integer() },
      { additionalProperties: false },
    ),
    consequences: Type.Array(Consequence),
  },
  { additionalProperties: false },
);
export type AnnualEvaluation = Static<typeof AnnualEvaluation>;
