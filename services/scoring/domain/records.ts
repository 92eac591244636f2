import Type, { type Static } from 'typebox';
import { BuildingCode, Id, IsoDate, LocalizedText } from '../../../config/schema/common.ts';
import { SATISFACTION_RATINGS } from '../../../config/schema/scoring.ts';
import type { Actor } from '../../workorders/domain/types.ts';

/**
 * The manual inputs of evaluation, as people enter them (through the API and the manager pages),
 * each with its evidence. The schemas are the API's bodies too; a stored record adds its id, its
 * author and when it was recorded. Instants are epoch milliseconds, dates `YYYY-MM-DD` at the site.
 */

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });
const Instant = Type.Integer({ minimum: 0 });
/** Ids of stored records (bigint in PostgreSQL), handed out as strings. */
export const RecordId = Type.String({ pattern: '^[1-9][0-9]{0,17}$' });

/** A document or photo kept elsewhere: its name, where it is, optionally its hash. Never the bytes. */
export const Attachment = Type.Object(
  {
    name: Text(200),
    uri: Type.String({ minLength: 1, maxLength: 2_000, pattern: '^[A-Za-z][A-Za-z0-9+.-]*://\\S+$' }),
    sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
  },
  { additionalProperties: false },
);
export type Attachment = Static<typeof Attachment>;
const Attachments = Type.Array(Attachment, { maxItems: 20 });

/**
 * An input without evidence as a record keeps it: no `attachments` at all. The notice, complaint,
 * survey and leadership review took none before they took evidence, and their stored bodies,
 * audit rows and the scorecards closed over them have no such field; an empty list sent now is
 * stored the same way, so every record without evidence reads alike.
 */
export function withoutEmptyAttachments<T extends { readonly attachments?: readonly Attachment[] }>(
  input: T,
): T {
  if (input.attachments === undefined || input.attachments.length > 0) return input;
  const { attachments: _, ...rest } = input;
  return rest as T;
}

/** 每天巡检, 每周联检, 每月考核, 抽检. */
export const INSPECTION_KINDS = ['daily_patrol', 'weekly_joint', 'monthly_assessment', 'spot_check'] as const;
export type InspectionKind = (typeof INSPECTION_KINDS)[number];

/** 一般问题 / 重大问题. */
export const FINDING_LEVELS = ['general', 'major'] as const;
export type FindingLevel = (typeof FINDING_LEVELS)[number];

export const FindingInput = Type.Object(
  {
    level: Type.Enum(FINDING_LEVELS),
    description: Text(1_000),
    /** The service item of the standard it falls short of, e.g. `cleaning.washrooms`. */
    serviceItem: Type.Optional(Text(100)),
    buildingCode: Type.Optional(BuildingCode),
    attachments: Type.Optional(Attachments),
  },
  { additionalProperties: false },
);

export const InspectionInput = Type.Object(
  {
    contractId: Id,
    kind: Type.Enum(INSPECTION_KINDS),
    conductedAtMs: Instant,
    summary: Type.Optional(Text(2_000)),
    /** None: the inspection found nothing (a clean patrol counts for the daily-patrol level). */
    findings: Type.Array(FindingInput, { maxItems: 200 }),
    attachments: Type.Optional(Attachments),
  },
  { additionalProperties: false },
);
export type InspectionInput = Static<typeof InspectionInput>;

/** 整改通知: a problem to put right by a deadline; `followsNoticeId` when it re-issues a failed one. */
export const RectificationNoticeInput = Type.Object(
  {
    contractId: Id,
    issuedAtMs: Instant,
    deadlineMs: Instant,
    problem: Text(2_000),
    /** Where the problem was found. */
    inspectionId: Type.Optional(RecordId),
    findingIndex: Type.Optional(Type.Integer({ minimum: 0 })),
    complaintId: Type.Optional(RecordId),
    /** 再次整改: the failed notice this one gives a second chance to. */
    followsNoticeId: Type.Optional(RecordId),
    /** The notice as served, photos of the problem. */
    attachments: Type.Optional(Attachments),
  },
  { additionalProperties: false },
);
export type RectificationNoticeInput = Static<typeof RectificationNoticeInput>;

export const RECTIFICATION_OUTCOMES = ['passed', 'failed'] as const;
export type RectificationOutcome = (typeof RECTIFICATION_OUTCOMES)[number];

export const RectificationOutcomeInput = Type.Object(
  {
    noticeId: RecordId,
    outcome: Type.Enum(RECTIFICATION_OUTCOMES),
    checkedAtMs: Instant,
    note: Text(2_000),
    attachments: Type.Optional(Attachments),
  },
  { additionalProperties: false },
);
export type RectificationOutcomeInput = Static<typeof RectificationOutcomeInput>;

/** How a complaint came in: the "110" service hotline, in writing, in person, online, via a liaison (联络员). */
export const COMPLAINT_CHANNELS = ['hotline', 'written', 'in_person', 'online', 'liaison'] as const;

/** 受理投诉. */
export const ComplaintInput = Type.Object(
  {
    contractId: Id,
    receivedAtMs: Instant,
    channel: Type.Enum(COMPLAINT_CHANNELS),
    summary: Text(2_000),
    buildingCode: Type.Optional(BuildingCode),
    /** The complaint as it came in: the letter, the hotline ticket, photos. */
    attachments: Type.Optional(Attachments),
  },
  { additionalProperties: false },
);
export type ComplaintInput = Static<typeof ComplaintInput>;

export const COMPLAINT_RESULTS = ['verified', 'unfounded'] as const;

/** 调查取证 → 责任追究: the investigation's result; only a verified complaint deducts. */
export const ComplaintConclusionInput = Type.Object(
  {
    complaintId: RecordId,
    result: Type.Enum(COMPLAINT_RESULTS),
    concludedAtMs: Instant,
    finding: Text(2_000),
    responsibility: Type.Optional(Text(1_000)),
    attachments: Type.Optional(Attachments),
  },
  { additionalProperties: false },
);
export type ComplaintConclusionInput = Static<typeof ComplaintConclusionInput>;

/** 服务受表扬, 工作创新有成效, 典型经验被推广. */
export const BONUS_KINDS = ['commendation', 'innovation', 'promoted_practice'] as const;
export type BonusKind = (typeof BONUS_KINDS)[number];

export const CommendationInput = Type.Object(
  {
    contractId: Id,
    kind: Type.Enum(BONUS_KINDS),
    awardedAtMs: Instant,
    description: Text(2_000),
    /** Who commended, or where the practice was promoted. */
    source: Type.Optional(Text(200)),
    attachments: Type.Optional(Attachments),
  },
  { additionalProperties: false },
);
export type CommendationInput = Static<typeof CommendationInput>;

const Count = Type.Integer({ minimum: 0, maximum: 1_000_000 });

export const SurveyItemInput = Type.Object(
  {
    /** The service item rated, stable across surveys (e.g. `meeting.setup`). */
    key: Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,63}$' }),
    label: LocalizedText,
    counts: Type.Object(
      Object.fromEntries(SATISFACTION_RATINGS.map((rating) => [rating, Count])) as Record<
        (typeof SATISFACTION_RATINGS)[number],
        typeof Count
      >,
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** 满意度测评: questionnaires out and back, each service item's ratings 优 / 较好 / 一般 / 差, free comments. */
export const SurveyInput = Type.Object(
  {
    contractId: Id,
    conductedOn: IsoDate,
    distributed: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    returned: Count,
    items: Type.Array(SurveyItemInput, { minItems: 1, maxItems: 100 }),
    comments: Type.Optional(Type.Array(Text(2_000), { maxItems: 1_000 })),
    /** The questionnaires, the tally sheet. */
    attachments: Type.Optional(Attachments),
  },
  { additionalProperties: false },
);
export type SurveyInput = Static<typeof SurveyInput>;

/** 局领导每半年综合考核: a score out of 100 for the half year. */
export const LeadershipReviewInput = Type.Object(
  {
    contractId: Id,
    half: Type.String({ pattern: '^\\d{4}-H[12]$' }),
    score: Type.Number({ minimum: 0, maximum: 100 }),
    reviewedAtMs: Instant,
    note: Type.Optional(Text(2_000)),
    /** The signed review form, the minutes. */
    attachments: Type.Optional(Attachments),
  },
  { additionalProperties: false },
);
export type LeadershipReviewInput = Static<typeof LeadershipReviewInput>;

/** A vendor disputes one deduction line of a published monthly scorecard, with a statement. */
export const AppealInput = Type.Object(
  {
    contractId: Id,
    month: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' }),
    lineId: Type.String({ minLength: 1, maxLength: 200 }),
    statement: Text(4_000),
    attachments: Type.Optional(Attachments),
  },
  { additionalProperties: false },
);
export type AppealInput = Static<typeof AppealInput>;

export const APPEAL_OUTCOMES = ['upheld', 'overturned'] as const;
export type AppealOutcome = (typeof APPEAL_OUTCOMES)[number];

/** A manager's decision: the deduction stands (`upheld`) or is withdrawn (`overturned`), with a reason. */
export const AppealDecisionInput = Type.Object(
  { appealId: RecordId, outcome: Type.Enum(APPEAL_OUTCOMES), reason: Text(2_000) },
  { additionalProperties: false },
);
export type AppealDecisionInput = Static<typeof AppealDecisionInput>;

/** Who recorded something and when: every stored input carries it. */
export interface Recorded {
  readonly id: string;
  readonly recordedBy: Actor;
  readonly recordedAtMs: number;
}

export type InspectionRecord = InspectionInput & Recorded;
export type RectificationOutcomeRecord = Omit<RectificationOutcomeInput, 'noticeId'> & Recorded;
export type RectificationNoticeRecord = RectificationNoticeInput &
  Recorded & { readonly outcome: RectificationOutcomeRecord | null };
export type ComplaintConclusionRecord = Omit<ComplaintConclusionInput, 'complaintId'> & Recorded;
export type ComplaintRecord = ComplaintInput &
  Recorded & { readonly conclusion: ComplaintConclusionRecord | null };
export type CommendationRecord = CommendationInput & Recorded;
export type SurveyRecord = SurveyInput & Recorded;
export type LeadershipReviewRecord = LeadershipReviewInput & Recorded;
export type AppealDecisionRecord = Omit<AppealDecisionInput, 'appealId'> & Recorded;
export type AppealRecord = AppealInput & Recorded & { readonly decision: AppealDecisionRecord | null };
