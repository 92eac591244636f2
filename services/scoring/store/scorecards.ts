import type { Queryable } from '../audit/audit-log.ts';
import { sha256Hex } from '../domain/canonical.ts';
import type { MonthlyScorecard } from '../domain/scorecard.ts';

/** A closed month's scorecard as stored: one revision (1 at close, one more per appeal decision). */
export interface StoredScorecard {
  readonly contractId: string;
  readonly month: string;
  readonly revision: number;
  readonly reason: 'close' | 'appeal_decision';
  /** Inputs recorded up to this instant made this revision. */
  readonly asOfMs: number;
  /** Canonical JSON of the scorecard, and its sha256: what a recomputation is compared with. */
  readonly text: string;
  readonly sha256: string;
  /** Canonical JSON of the scheme and contract terms it was computed with. */
  readonly termsText: string;
  readonly auditSeq: number;
  readonly scorecard: MonthlyScorecard;
}

interface ScorecardRow {
  contract_id: string;
  month: string;
  revision: number;
  reason: 'close' | 'appeal_decision';
  as_of: Date;
  terms: string;
  scorecard: string;
  scorecard_sha256: string;
  audit_seq: string;
}

const toStored = (row: ScorecardRow): StoredScorecard => ({
  contractId: row.contract_id,
  month: row.month,
  revision: row.revision,
  reason: row.reason,
  asOfMs: row.as_of.getTime(),
  text: row.scorecard,
  sha256: row.scorecard_sha256,
  termsText: row.terms,
  auditSeq: Number(row.audit_seq),
  scorecard: JSON.parse(row.scorecard) as MonthlyScorecard,
});

export async function insertScorecards(db: Queryable, stored: readonly StoredScorecard[]): Promise<void> {
  if (stored.length === 0) return;
  await db.query(
    `insert into scoring_scorecards (contract_id, month, revision, reason, as_of, terms, scorecard,
       scorecard_sha256, total, grade, audit_seq)
     select * from unnest($1::text[], $2::text[], $3::integer[], $4::text[], $5::timestamptz[], $6::text[],
       $7::text[], $8::text[], $9::numeric[], $10::text[], $11::bigint[])`,
    [
      stored.map((s) => s.contractId),
      stored.map((s) => s.month),
      stored.map((s) => s.revision),
      stored.map((s) => s.reason),
      stored.map((s) => new Date(s.asOfMs)),
      stored.map((s) => s.termsText),
      stored.map((s) => s.text),
      stored.map((s) => s.sha256),
      stored.map((s) => s.scorecard.total),
      stored.map((s) => s.scorecard.grade),
      stored.map((s) => s.auditSeq),
    ],
  );
}

/** One revision, or the latest when `revision` is omitted. */
export async function selectScorecard(
  db: Queryable,
  contractId: string,
  month: string,
  revision?: number,
): Promise<StoredScorecard | undefined> {
  const { rows } = await db.query<ScorecardRow>(
    `select * from scoring_scorecards where contract_id = $1 and month = $2 ${revision === undefined ? '' : 'and revision = $3'}
     order by revision desc limit 1`,
    revision === undefined ? [contractId, month] : [contractId, month, revision],
  );
  return rows[0] ? toStored(rows[0]) : undefined;
}

/** When revision 1 was made: the month's publication, from which the appeal window runs. */
export async function selectPublishedAt(
  db: Queryable,
  contractId: string,
  month: string,
): Promise<number | undefined> {
  const { rows } = await db.query<{ as_of: Date }>(
    'select as_of from scoring_scorecards where contract_id = $1 and month = $2 and revision = 1',
    [contractId, month],
  );
  return rows[0]?.as_of.getTime();
}

/** The latest revision of each closed month among `months` (of the contracts, or all when null). */
export async function selectLatestScorecards(
  db: Queryable,
  months: readonly string[],
  contractIds: readonly string[] | null,
): Promise<StoredScorecard[]> {
  const { rows } = await db.query<ScorecardRow>(
    `select distinct on (contract_id, month) * from scoring_scorecards
     where month = any($1) and ($2::text[] is null or contract_id = any($2))
     order by contract_id, month, revision desc`,
    [[...months], contractIds === null ? null : [...contractIds]],
  );
  return rows.map(toStored);
}

/** Whether the contract's month is closed (has a scorecard). */
export async function isClosed(db: Queryable, contractId: string, month: string): Promise<boolean> {
  const { rows } = await db.query(
    'select 1 from scoring_scorecards where contract_id = $1 and month = $2 limit 1',
    [contractId, month],
  );
  return rows.length > 0;
}

/**
 * Cross-checks every stored scorecard against the audit row of its close or revision: the row
 * must exist and name the scorecard's sha256, and the stored text must hash to it. Catches a
 * scorecard edited in place, and a cut-off audit tail that held closes (which the chain alone,
 * verified from its start, cannot see).
 */
export async function scorecardAnchorProblems(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{
    contract_id: string;
    month: string;
    revision: number;
    scorecard: string;
    scorecard_sha256: string;
    audit_seq: string;
    body: string | null;
  }>(
    `select s.contract_id, s.month, s.revision, s.scorecard, s.scorecard_sha256, s.audit_seq, a.body
     from scoring_scorecards s left join scoring_audit a on a.seq = s.audit_seq
     order by s.contract_id, s.month, s.revision`,
  );
  const problems: string[] = [];
  for (const row of rows) {
    const name = `${row.contract_id} ${row.month} revision ${row.revision}`;
    if (sha256Hex(row.scorecard) !== row.scorecard_sha256)
      problems.push(`${name}: its text does not give its sha256`);
    if (row.body === null) {
      problems.push(`${name}: audit row ${row.audit_seq} is missing`);
      continue;
    }
    let named: unknown;
    try {
      named = (JSON.parse(row.body) as { scorecardSha256?: unknown }).scorecardSha256;
    } catch {
      named = undefined;
    }
    if (named !== row.scorecard_sha256)
      problems.push(`${name}: audit row ${row.audit_seq} names another scorecard`);
  }
  return problems;
}

/** One revision of a closed month, without its texts: what a history of revisions lists. */
export interface RevisionSummary {
  readonly revision: number;
  readonly reason: StoredScorecard['reason'];
  readonly asOfMs: number;
  readonly total: number;
  readonly grade: string;
  readonly sha256: string;
  readonly auditSeq: number;
}

/** Every revision of a contract's month, oldest first (none when the month is open). */
export async function selectRevisions(
  db: Queryable,
  contractId: string,
  month: string,
): Promise<RevisionSummary[]> {
  const { rows } = await db.query<{
    revision: number;
    reason: StoredScorecard['reason'];
    as_of: Date;
    total: string;
    grade: string;
    scorecard_sha256: string;
    audit_seq: string;
  }>(
    `select revision, reason, as_of, total, grade, scorecard_sha256, audit_seq from scoring_scorecards
     where contract_id = $1 and month = $2 order by revision`,
    [contractId, month],
  );
  return rows.map((row) => ({
    revision: row.revision,
    reason: row.reason,
    asOfMs: row.as_of.getTime(),
    total: Number(row.total),
    grade: row.grade,
    sha256: row.scorecard_sha256,
    auditSeq: Number(row.audit_seq),
  }));
}
