import type { Actor } from '../../workorders/domain/types.ts';
import type { Queryable } from '../audit/audit-log.ts';
import type {
  AppealDecisionInput,
  AppealInput,
  AppealRecord,
  CommendationInput,
  CommendationRecord,
  ComplaintConclusionInput,
  ComplaintInput,
  ComplaintRecord,
  InspectionInput,
  InspectionRecord,
  LeadershipReviewInput,
  LeadershipReviewRecord,
  RectificationNoticeInput,
  RectificationNoticeRecord,
  RectificationOutcomeInput,
  SurveyInput,
  SurveyRecord,
} from '../domain/records.ts';

/**
 * The statements over the scoring tables of `migrations/001_scoring.sql`: one insert per kind of
 * input, and the reads that gather a period's inputs as of an instant (rows recorded after it are
 * not seen, so a closed month reads the same rows whenever it is recomputed). Rows come back as the
 * domain's records: the input as entered (`body`), its id, author and time.
 */

interface Stamp {
  readonly by: Actor;
  readonly atMs: number;
}

interface StoredRow {
  id: string;
  body: Record<string, unknown>;
  recorded_by: Actor;
  recorded_at: Date;
}

const recorded = (row: StoredRow) => ({
  id: row.id,
  recordedBy: row.recorded_by,
  recordedAtMs: row.recorded_at.getTime(),
});
const json = (value: unknown): string => JSON.stringify(value);

async function insertReturningId(db: Queryable, sql: string, params: unknown[]): Promise<string> {
  const { rows } = await db.query<{ id: string }>(sql, params);
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('insert returned no id');
  return id;
}

export function insertInspection(db: Queryable, input: InspectionInput, stamp: Stamp): Promise<string> {
  return insertReturningId(
    db,
    `insert into scoring_inspections (contract_id, kind, conducted_at, body, recorded_by, recorded_at)
     values ($1, $2, $3, $4, $5, $6) returning id`,
    [
      input.contractId,
      input.kind,
      new Date(input.conductedAtMs),
      json(input),
      json(stamp.by),
      new Date(stamp.atMs),
    ],
  );
}

export function insertNotice(db: Queryable, input: RectificationNoticeInput, stamp: Stamp): Promise<string> {
  return insertReturningId(
    db,
    `insert into scoring_rectification_notices (contract_id, issued_at, deadline, follows_notice_id, body, recorded_by, recorded_at)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [
      input.contractId,
      new Date(input.issuedAtMs),
      new Date(input.deadlineMs),
      input.followsNoticeId ?? null,
      json(input),
      json(stamp.by),
      new Date(stamp.atMs),
    ],
  );
}

export async function insertOutcome(
  db: Queryable,
  input: RectificationOutcomeInput,
  stamp: Stamp,
): Promise<void> {
  await db.query(
    `insert into scoring_rectification_outcomes (notice_id, outcome, checked_at, body, recorded_by, recorded_at)
     values ($1, $2, $3, $4, $5, $6)`,
    [
      input.noticeId,
      input.outcome,
      new Date(input.checkedAtMs),
      json(input),
      json(stamp.by),
      new Date(stamp.atMs),
    ],
  );
}

export function insertComplaint(db: Queryable, input: ComplaintInput, stamp: Stamp): Promise<string> {
  return insertReturningId(
    db,
    `insert into scoring_complaints (contract_id, received_at, body, recorded_by, recorded_at)
     values ($1, $2, $3, $4, $5) returning id`,
    [input.contractId, new Date(input.receivedAtMs), json(input), json(stamp.by), new Date(stamp.atMs)],
  );
}

export async function insertConclusion(
  db: Queryable,
  input: ComplaintConclusionInput,
  stamp: Stamp,
): Promise<void> {
  await db.query(
    `insert into scoring_complaint_conclusions (complaint_id, result, concluded_at, body, recorded_by, recorded_at)
     values ($1, $2, $3, $4, $5, $6)`,
    [
      input.complaintId,
      input.result,
      new Date(input.concludedAtMs),
      json(input),
      json(stamp.by),
      new Date(stamp.atMs),
    ],
  );
}

export function insertCommendation(db: Queryable, input: CommendationInput, stamp: Stamp): Promise<string> {
  return insertReturningId(
    db,
    `insert into scoring_commendations (contract_id, kind, awarded_at, body, recorded_by, recorded_at)
     values ($1, $2, $3, $4, $5, $6) returning id`,
    [
      input.contractId,
      input.kind,
      new Date(input.awardedAtMs),
      json(input),
      json(stamp.by),
      new Date(stamp.atMs),
    ],
  );
}

export function insertSurvey(db: Queryable, input: SurveyInput, stamp: Stamp): Promise<string> {
  return insertReturningId(
    db,
    `insert into scoring_surveys (contract_id, conducted_on, body, recorded_by, recorded_at)
     values ($1, $2, $3, $4, $5) returning id`,
    [input.contractId, input.conductedOn, json(input), json(stamp.by), new Date(stamp.atMs)],
  );
}

export function insertReview(db: Queryable, input: LeadershipReviewInput, stamp: Stamp): Promise<string> {
  return insertReturningId(
    db,
    `insert into scoring_leadership_reviews (contract_id, half, score, body, recorded_by, recorded_at)
     values ($1, $2, $3, $4, $5, $6) returning id`,
    [input.contractId, input.half, input.score, json(input), json(stamp.by), new Date(stamp.atMs)],
  );
}

export function insertAppeal(db: Queryable, input: AppealInput, stamp: Stamp): Promise<string> {
  return insertReturningId(
    db,
    `insert into scoring_appeals (contract_id, month, line_id, body, recorded_by, recorded_at)
     values ($1, $2, $3, $4, $5, $6) returning id`,
    [input.contractId, input.month, input.lineId, json(input), json(stamp.by), new Date(stamp.atMs)],
  );
}

export async function insertDecision(db: Queryable, input: AppealDecisionInput, stamp: Stamp): Promise<void> {
  await db.query(
    `insert into scoring_appeal_decisions (appeal_id, outcome, body, recorded_by, recorded_at)
     values ($1, $2, $3, $4, $5)`,
    [input.appealId, input.outcome, json(input), json(stamp.by), new Date(stamp.atMs)],
  );
}

/** Which rows a read sees: of these contracts (all when null), recorded up to `asOfMs`. */
export interface ReadScope {
  readonly contractIds: readonly string[] | null;
  readonly asOfMs: number;
}

const scopeParams = (scope: ReadScope): [string[] | null, Date] => [
  scope.contractIds === null ? null : [...scope.contractIds],
  new Date(scope.asOfMs),
];

export async function selectInspections(
  db: Queryable,
  scope: ReadScope,
  fromMs: number,
  toMs: number,
): Promise<InspectionRecord[]> {
  const { rows } = await db.query<StoredRow>(
    `select id, body, recorded_by, recorded_at from scoring_inspections
     where ($1::text[] is null or contract_id = any($1)) and recorded_at <= $2 and conducted_at >= $3 and conducted_at < $4
     order by id`,
    [...scopeParams(scope), new Date(fromMs), new Date(toMs)],
  );
  return rows.map((row) => ({ ...(row.body as InspectionInput), ...recorded(row) }));
}

interface WithFollowUp extends StoredRow {
  f_body: Record<string, unknown> | null;
  f_by: Actor | null;
  f_at: Date | null;
}

const followUp = <T>(row: WithFollowUp, strip: string): (T & ReturnType<typeof recorded>) | null => {
  if (!row.f_body || !row.f_by || !row.f_at) return null;
  const { [strip]: _, ...rest } = row.f_body;
  return { ...(rest as T), id: row.id, recordedBy: row.f_by, recordedAtMs: row.f_at.getTime() };
};

/** Every notice of the contracts recorded up to the instant, with its outcome if recorded by then. */
export async function selectNotices(db: Queryable, scope: ReadScope): Promise<RectificationNoticeRecord[]> {
  const { rows } = await db.query<WithFollowUp>(
    `select n.id, n.body, n.recorded_by, n.recorded_at, o.body as f_body, o.recorded_by as f_by, o.recorded_at as f_at
     from scoring_rectification_notices n
     left join scoring_rectification_outcomes o on o.notice_id = n.id and o.recorded_at <= $2
     where ($1::text[] is null or n.contract_id = any($1)) and n.recorded_at <= $2
     order by n.id`,
    scopeParams(scope),
  );
  return rows.map((row) => ({
    ...(row.body as RectificationNoticeInput),
    ...recorded(row),
    outcome: followUp<Omit<RectificationOutcomeInput, 'noticeId'>>(row, 'noticeId'),
  }));
}

export async function selectNotice(
  db: Queryable,
  id: string,
): Promise<RectificationNoticeRecord | undefined> {
  const { rows } = await db.query<WithFollowUp>(
    `select n.id, n.body, n.recorded_by, n.recorded_at, o.body as f_body, o.recorded_by as f_by, o.recorded_at as f_at
     from scoring_rectification_notices n left join scoring_rectification_outcomes o on o.notice_id = n.id
     where n.id = $1`,
    [id],
  );
  const row = rows[0];
  return row
    ? {
        ...(row.body as RectificationNoticeInput),
        ...recorded(row),
        outcome: followUp<Omit<RectificationOutcomeInput, 'noticeId'>>(row, 'noticeId'),
      }
    : undefined;
}

const toComplaint = (row: WithFollowUp): ComplaintRecord => ({
  ...(row.body as ComplaintInput),
  ...recorded(row),
  conclusion: followUp<Omit<ComplaintConclusionInput, 'complaintId'>>(row, 'complaintId'),
});

/** Complaints received, or concluded (conclusion recorded by then), in [fromMs, toMs). */
export async function selectComplaints(
  db: Queryable,
  scope: ReadScope,
  fromMs: number,
  toMs: number,
): Promise<ComplaintRecord[]> {
  const { rows } = await db.query<WithFollowUp>(
    `select c.id, c.body, c.recorded_by, c.recorded_at, k.body as f_body, k.recorded_by as f_by, k.recorded_at as f_at
     from scoring_complaints c
     left join scoring_complaint_conclusions k on k.complaint_id = c.id and k.recorded_at <= $2
     where ($1::text[] is null or c.contract_id = any($1)) and c.recorded_at <= $2
       and ((c.received_at >= $3 and c.received_at < $4) or (k.concluded_at >= $3 and k.concluded_at < $4))
     order by c.id`,
    [...scopeParams(scope), new Date(fromMs), new Date(toMs)],
  );
  return rows.map(toComplaint);
}

export async function selectComplaint(db: Queryable, id: string): Promise<ComplaintRecord | undefined> {
  const { rows } = await db.query<WithFollowUp>(
    `select c.id, c.body, c.recorded_by, c.recorded_at, k.body as f_body, k.recorded_by as f_by, k.recorded_at as f_at
     from scoring_complaints c left join scoring_complaint_conclusions k on k.complaint_id = c.id where c.id = $1`,
    [id],
  );
  return rows[0] ? toComplaint(rows[0]) : undefined;
}

export async function selectCommendations(
  db: Queryable,
  scope: ReadScope,
  fromMs: number,
  toMs: number,
): Promise<CommendationRecord[]> {
  const { rows } = await db.query<StoredRow>(
    `select id, body, recorded_by, recorded_at from scoring_commendations
     where ($1::text[] is null or contract_id = any($1)) and recorded_at <= $2 and awarded_at >= $3 and awarded_at < $4
     order by id`,
    [...scopeParams(scope), new Date(fromMs), new Date(toMs)],
  );
  return rows.map((row) => ({ ...(row.body as CommendationInput), ...recorded(row) }));
}

/** Surveys conducted up to `lastDay` (earlier ones make the runs of the exit rules). */
export async function selectSurveys(
  db: Queryable,
  scope: ReadScope,
  lastDay: string,
): Promise<SurveyRecord[]> {
  const { rows } = await db.query<StoredRow>(
    `select id, body, recorded_by, recorded_at from scoring_surveys
     where ($1::text[] is null or contract_id = any($1)) and recorded_at <= $2 and conducted_on <= $3
     order by conducted_on, id`,
    [...scopeParams(scope), lastDay],
  );
  return rows.map((row) => ({ ...(row.body as SurveyInput), ...recorded(row) }));
}

export async function selectReviews(
  db: Queryable,
  scope: ReadScope,
  year: string,
): Promise<LeadershipReviewRecord[]> {
  const { rows } = await db.query<StoredRow>(
    `select id, body, recorded_by, recorded_at from scoring_leadership_reviews
     where ($1::text[] is null or contract_id = any($1)) and recorded_at <= $2 and half like $3
     order by half, id`,
    [...scopeParams(scope), `${year}-H%`],
  );
  return rows.map((row) => ({ ...(row.body as LeadershipReviewInput), ...recorded(row) }));
}

const toAppeal = (row: WithFollowUp): AppealRecord => ({
  ...(row.body as AppealInput),
  ...recorded(row),
  decision: followUp<Omit<AppealDecisionInput, 'appealId'>>(row, 'appealId'),
});

/** The appeals of a month, each with its decision if recorded by then. */
export async function selectAppeals(db: Queryable, scope: ReadScope, month: string): Promise<AppealRecord[]> {
  const { rows } = await db.query<WithFollowUp>(
    `select a.id, a.body, a.recorded_by, a.recorded_at, d.body as f_body, d.recorded_by as f_by, d.recorded_at as f_at
     from scoring_appeals a left join scoring_appeal_decisions d on d.appeal_id = a.id and d.recorded_at <= $2
     where ($1::text[] is null or a.contract_id = any($1)) and a.recorded_at <= $2 and a.month = $3
     order by a.id`,
    [...scopeParams(scope), month],
  );
  return rows.map(toAppeal);
}

export async function selectAppeal(
  db: Queryable,
  id: string,
  forUpdate = false,
): Promise<AppealRecord | undefined> {
  const { rows } = await db.query<WithFollowUp>(
    `select a.id, a.body, a.recorded_by, a.recorded_at, d.body as f_body, d.recorded_by as f_by, d.recorded_at as f_at
     from scoring_appeals a left join scoring_appeal_decisions d on d.appeal_id = a.id where a.id = $1
     ${forUpdate ? 'for update of a' : ''}`,
    [id],
  );
  return rows[0] ? toAppeal(rows[0]) : undefined;
}

/** Which appeals a list shows: of these contracts (all when null), of a month, pending or decided. */
export interface AppealFilter {
  readonly contractIds: readonly string[] | null;
  readonly month?: string;
  readonly state?: 'pending' | 'decided';
}

/** Appeals as they stand now (with their decision, if any), oldest first: the managers' queue. */
export async function selectAppealList(db: Queryable, filter: AppealFilter): Promise<AppealRecord[]> {
  const { rows } = await db.query<WithFollowUp>(
    `select a.id, a.body, a.recorded_by, a.recorded_at, d.body as f_body, d.recorded_by as f_by, d.recorded_at as f_at
     from scoring_appeals a left join scoring_appeal_decisions d on d.appeal_id = a.id
     where ($1::text[] is null or a.contract_id = any($1)) and ($2::text is null or a.month = $2)
       and ($3::text is null or ($3 = 'pending') = (d.appeal_id is null))
     order by a.id`,
    [
      filter.contractIds === null ? null : [...filter.contractIds],
      filter.month ?? null,
      filter.state ?? null,
    ],
  );
  return rows.map(toAppeal);
}

// The records a scorecard's lines refer to (its evidence), by id, of one contract only.

export async function selectInspectionsById(
  db: Queryable,
  contractId: string,
  ids: readonly string[],
): Promise<InspectionRecord[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<StoredRow>(
    `select id, body, recorded_by, recorded_at from scoring_inspections
     where contract_id = $1 and id = any($2::bigint[]) order by id`,
    [contractId, [...ids]],
  );
  return rows.map((row) => ({ ...(row.body as InspectionInput), ...recorded(row) }));
}

export async function selectCommendationsById(
  db: Queryable,
  contractId: string,
  ids: readonly string[],
): Promise<CommendationRecord[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<StoredRow>(
    `select id, body, recorded_by, recorded_at from scoring_commendations
     where contract_id = $1 and id = any($2::bigint[]) order by id`,
    [contractId, [...ids]],
  );
  return rows.map((row) => ({ ...(row.body as CommendationInput), ...recorded(row) }));
}

export async function selectComplaintsById(
  db: Queryable,
  contractId: string,
  ids: readonly string[],
): Promise<ComplaintRecord[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<WithFollowUp>(
    `select c.id, c.body, c.recorded_by, c.recorded_at, k.body as f_body, k.recorded_by as f_by, k.recorded_at as f_at
     from scoring_complaints c left join scoring_complaint_conclusions k on k.complaint_id = c.id
     where c.contract_id = $1 and c.id = any($2::bigint[]) order by c.id`,
    [contractId, [...ids]],
  );
  return rows.map(toComplaint);
}

export async function selectNoticesById(
  db: Queryable,
  contractId: string,
  ids: readonly string[],
): Promise<RectificationNoticeRecord[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<WithFollowUp>(
    `select n.id, n.body, n.recorded_by, n.recorded_at, o.body as f_body, o.recorded_by as f_by, o.recorded_at as f_at
     from scoring_rectification_notices n left join scoring_rectification_outcomes o on o.notice_id = n.id
     where n.contract_id = $1 and n.id = any($2::bigint[]) order by n.id`,
    [contractId, [...ids]],
  );
  return rows.map((row) => ({
    ...(row.body as RectificationNoticeInput),
    ...recorded(row),
    outcome: followUp<Omit<RectificationOutcomeInput, 'noticeId'>>(row, 'noticeId'),
  }));
}
