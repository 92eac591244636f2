import Type, { type Static, type TSchema } from 'typebox';
import { Id, LocalizedText } from '../../config/schema/common.ts';
import { GRADES } from '../../config/schema/scoring.ts';
import type {
  AnnualEvaluation,
  AppealRecord,
  CommendationRecord,
  ComplaintRecord,
  InspectionRecord,
  LeadershipReviewRecord,
  MonthlyScorecard,
  QuarterlyBulletin,
  RectificationNoticeRecord,
  SurveyRecord,
} from '../scoring/index.ts';

/**
 * Schemas of the scoring routes (services/api/routes/scoring.ts): scorecards with their evidence,
 * appeals, the quarterly bulletin and the annual evaluation. The dashboards take their types from
 * here. Request bodies are the scoring service's input schemas (`services/scoring/inputs.ts`),
 * whose types are re-exported below. The scorecard, bulletin, evaluation and records pass through
 * as the scoring domain made them (schemas in services/scoring/domain, documented in its README):
 * typed here, serialised as they are.
 */

export type {
  AppealDecisionInput,
  AppealInput,
  CommendationInput,
  ComplaintConclusionInput,
  ComplaintInput,
  InspectionInput,
  LeadershipReviewInput,
  RectificationNoticeInput,
  RectificationOutcomeInput,
  SurveyInput,
} from '../scoring/index.ts';

const List = <T extends TSchema>(items: T) => Type.Immutable(Type.Array(items));
/** A domain structure, typed as `T`, passed through whole. */
const Domain = <T>(description: string) =>
  Type.Unsafe<T>({ type: 'object', additionalProperties: true, description });
const Instant = Type.Integer({ description: 'milliseconds since the epoch' });

export const MonthKey = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' });
export const QuarterKey = Type.String({ pattern: '^\\d{4}-Q[1-4]$', description: 'YYYY-Qn' });
export const YearKey = Type.String({ pattern: '^\\d{4}$', description: 'YYYY' });
/** A month, quarter, half year or year. */
export const PeriodKey = Type.String({
  pattern: '^\\d{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$',
  description: 'YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY',
});
const RecordId = Type.String({ pattern: '^[1-9][0-9]{0,17}$' });
const Lang = Type.Optional(
  Type.Enum(['zh-CN', 'en'], { description: 'labels of the report; default zh-CN' }),
);

// Parameters and query strings.

export const MonthQuery = Type.Object({ month: MonthKey }, { additionalProperties: false });
export const ScorecardParams = Type.Object(
  { contractId: Id, month: MonthKey },
  { additionalProperties: false },
);
export const RevisionQuery = Type.Object(
  { revision: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);
export const CloseParams = Type.Object({ month: MonthKey }, { additionalProperties: false });
export const CloseBody = Type.Object(
  {
    contractIds: Type.Optional(
      Type.Array(Id, {
        minItems: 1,
        maxItems: 500,
        description: 'only these; default every contract in force',
      }),
    ),
  },
  { additionalProperties: false },
);
export const InputsParams = Type.Object({ contractId: Id }, { additionalProperties: false });
export const InputsQuery = Type.Object({ period: PeriodKey }, { additionalProperties: false });
export const AppealParams = Type.Object({ appealId: RecordId }, { additionalProperties: false });
export const AppealQuery = Type.Object(
  {
    state: Type.Optional(Type.Enum(['pending', 'decided'])),
    contractId: Type.Optional(Id),
    month: Type.Optional(MonthKey),
  },
  { additionalProperties: false },
);
export const QuarterParams = Type.Object({ quarter: QuarterKey }, { additionalProperties: false });
export const EvaluationParams = Type.Object(
  { contractId: Id, year: YearKey },
  { additionalProperties: false },
);
export const ScorecardReportQuery = Type.Object(
  { contractId: Id, month: MonthKey, revision: Type.Optional(Type.Integer({ minimum: 1 })), lang: Lang },
  { additionalProperties: false },
);
export const BulletinReportQuery = Type.Object(
  { quarter: QuarterKey, lang: Lang },
  { additionalProperties: false },
);

// Replies.

/** One closed month of one contract, as lists show it (the latest revision). */
export const ScorecardSummary = Type.Object({
  contractId: Id,
  vendorId: Id,
  lot: LocalizedText,
  month: MonthKey,
  revision: Type.Integer({ minimum: 1 }),
  reason: Type.Enum(['close', 'appeal_decision']),
  /** When this revision was made (its inputs are those recorded up to then). */
  asOfMs: Instant,
  /** The end of the vendor's appeal window (days after revision 1). */
  appealDeadlineMs: Instant,
  total: Type.Number(),
  grade: Type.Enum(GRADES),
  gradeLabelKey: Type.String(),
  deductions: Type.Number(),
  bonuses: Type.Number(),
  appeals: Type.Object({ pending: Type.Integer(), upheld: Type.Integer(), overturned: Type.Integer() }),
});
export type ScorecardSummary = Static<typeof ScorecardSummary>;

export const ScorecardList = Type.Object({
  month: MonthKey,
  scorecards: List(ScorecardSummary),
  /** Contracts in force in the month whose scorecard is not closed yet. */
  notClosed: List(Id),
});

export const Revision = Type.Object({
  revision: Type.Integer({ minimum: 1 }),
  reason: Type.Enum(['close', 'appeal_decision']),
  asOfMs: Instant,
  total: Type.Number(),
  grade: Type.String(),
  sha256: Type.String(),
  auditSeq: Type.Integer(),
});

/** The manual records a scorecard's lines refer to; work orders open through /api/workorders/:id. */
export const EvidenceRecords = Type.Object({
  inspections: List(Domain<InspectionRecord>('an inspection with its findings and attachments')),
  complaints: List(Domain<ComplaintRecord>('a complaint with its conclusion, each with its attachments')),
  rectifications: List(
    Domain<RectificationNoticeRecord>('a rectification notice with its outcome, each with its attachments'),
  ),
  commendations: List(
    Domain<CommendationRecord>('a commendation, innovation or promoted practice with its attachments'),
  ),
});

export const ScorecardDetail = Type.Object({
  summary: ScorecardSummary,
  /** Canonical JSON's sha256 and the audit row that recorded this revision. */
  sha256: Type.String(),
  auditSeq: Type.Integer(),
  revisions: List(Revision),
  scorecard: Domain<MonthlyScorecard>('the 百分制 scorecard: lines with evidence, items, consequences'),
  evidence: EvidenceRecords,
  appeals: List(Domain<AppealRecord>('an appeal with its statement and decision')),
});
export type ScorecardDetail = Static<typeof ScorecardDetail>;

export const ScorecardPreview = Type.Object({
  contractId: Id,
  month: MonthKey,
  /** The month is closed: the preview adds the pending appeals' and later inputs' effect to it. */
  closed: Type.Boolean(),
  computedAtMs: Instant,
  scorecard: Domain<MonthlyScorecard>('the scorecard as if the month ended now, not stored'),
});

export const CloseReply = Type.Object({ month: MonthKey, scorecards: List(ScorecardSummary) });

export const RecomputeReply = Type.Object({
  contractId: Id,
  month: MonthKey,
  revision: Type.Integer({ minimum: 1 }),
  identical: Type.Boolean({ description: 'the recomputed canonical JSON equals the stored bytes' }),
  storedSha256: Type.String(),
  recomputedSha256: Type.String(),
});

export const AppealList = Type.Object({
  appeals: List(Domain<AppealRecord>('an appeal with its statement and decision')),
});
export const Appeal = Domain<AppealRecord>('an appeal with its statement and decision');
export const DecisionReply = Type.Object({
  appeal: Appeal,
  /** The month's new revision, scored with the decision. */
  scorecard: ScorecardSummary,
});

export const Inspection = Domain<InspectionRecord>('the inspection as recorded');
export const RectificationNotice = Domain<RectificationNoticeRecord>(
  'the notice as recorded, with its outcome',
);
export const Complaint = Domain<ComplaintRecord>('the complaint as recorded, with its conclusion');
export const Commendation = Domain<CommendationRecord>('the commendation as recorded');
export const Survey = Domain<SurveyRecord>('the survey as recorded, with its attachments');
export const LeadershipReview = Domain<LeadershipReviewRecord>(
  'the review as recorded, with its attachments',
);

export const ContractInputs = Type.Object({
  contractId: Id,
  period: PeriodKey,
  inspections: List(Inspection),
  rectifications: List(RectificationNotice),
  complaints: List(Complaint),
  commendations: List(Commendation),
  surveys: List(Survey),
  leadershipReviews: List(LeadershipReview),
});

export const Bulletin = Domain<QuarterlyBulletin>(
  '季通报: the ranking, praise and criticism, consequences, office figures',
);
export const Evaluation = Domain<AnnualEvaluation>(
  '年考评: levels, weights, grade, satisfaction, consequences',
);
