import type { PoolClient } from 'pg';
import { canonicalJson } from '../domain/canonical.ts';
import { type AuditContent, type AuditRow, type ChainVerdict, ChainVerifier, nextRow } from './chain.ts';

/** Serialises appends: each takes the lock for the rest of its transaction, reads the head, appends. */
const AUDIT_LOCK = 7_304_377;

/** A pool or a client inside a transaction. */
export type Queryable = Pick<PoolClient, 'query'>;

interface AuditRecordRow {
  seq: string;
  at: Date;
  kind: string;
  subject: string;
  actor: string;
  body: string;
  prev_hash: string;
  hash: string;
}

/** A stored text that no longer parses is shown as such; its hash will not match. */
function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { unreadable: text };
  }
}

const toRow = (row: AuditRecordRow): AuditRow => ({
  seq: Number(row.seq),
  atMs: row.at.getTime(),
  kind: row.kind,
  subject: row.subject,
  actor: parse(row.actor),
  body: parse(row.body),
  prevHash: row.prev_hash,
  hash: row.hash,
});

/**
 * Appends rows to `scoring_audit`, in order, inside the caller's transaction (the changes they
 * record commit with them, or nothing does). Must run inside BEGIN … COMMIT: the advisory lock is
 * held until the transaction ends, so concurrent appends queue and the chain stays linear.
 */
export async function appendAuditEntries(
  tx: Queryable,
  entries: readonly Omit<AuditContent, 'seq'>[],
): Promise<AuditRow[]> {
  if (entries.length === 0) return [];
  await lockAuditLog(tx);
  const { rows } = await tx.query<{ seq: string; hash: string }>(
    'select seq, hash from scoring_audit order by seq desc limit 1',
  );
  let head: Pick<AuditRow, 'seq' | 'hash'> | undefined = rows[0]
    ? { seq: Number(rows[0].seq), hash: rows[0].hash }
    : undefined;
  const appended: AuditRow[] = [];
  for (const entry of entries) {
    const row = nextRow(head, entry);
    appended.push(row);
    head = row;
  }
  await tx.query(
    `insert into scoring_audit (seq, at, kind, subject, actor, body, prev_hash, hash)
     select * from unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
    [
      appended.map((row) => row.seq),
      appended.map((row) => new Date(row.atMs)),
      appended.map((row) => row.kind),
      appended.map((row) => row.subject),
      appended.map((row) => canonicalJson(row.actor)),
      appended.map((row) => canonicalJson(row.body)),
      appended.map((row) => row.prevHash),
      appended.map((row) => row.hash),
    ],
  );
  return appended;
}

/**
 * Takes the append lock for the rest of the caller's transaction, for a writer that must read the
 * log and append depending on what it read (two processes auditing the same change once).
 */
export async function lockAuditLog(tx: Queryable): Promise<void> {
  await tx.query('select pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
}

/** One row: `appendAuditEntries` with a single entry. */
export async function appendAudit(tx: Queryable, entry: Omit<AuditContent, 'seq'>): Promise<AuditRow> {
  const [row] = await appendAuditEntries(tx, [entry]);
  if (!row) throw new Error('audit append returned no row');
  return row;
}

/**
 * Walks the whole chain from row 1 in batches and reports the first row that is not what was
 * written (changed, removed, reordered), or the head when every row checks out.
 */
export async function verifyAuditLog(db: Queryable, batch = 5_000): Promise<ChainVerdict> {
  const verifier = new ChainVerifier();
  let after = 0;
  for (;;) {
    const { rows } = await db.query<AuditRecordRow>(
      'select * from scoring_audit where seq > $1 order by seq limit $2',
      [after, batch],
    );
    if (rows.length === 0 || !verifier.add(rows.map(toRow))) break;
    after = Number(rows.at(-1)?.seq);
    if (rows.length < batch) break;
  }
  return verifier.verdict();
}

/** The latest row's number and hash (null for an empty log). */
export async function auditHead(db: Queryable): Promise<{ seq: number; hash: string } | null> {
  const { rows } = await db.query<{ seq: string; hash: string }>(
    'select seq, hash from scoring_audit order by seq desc limit 1',
  );
  return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : null;
}

/** The trail of one subject (e.g. `contract:acme-2026`), oldest first. */
export async function auditTrail(db: Queryable, subject: string, limit = 1_000): Promise<AuditRow[]> {
  const { rows } = await db.query<AuditRecordRow>(
    'select * from scoring_audit where subject = $1 order by seq limit $2',
    [subject, limit],
  );
  return rows.map(toRow);
}

/** The latest row of a subject, if any. */
export async function latestAudit(db: Queryable, subject: string): Promise<AuditRow | undefined> {
  const { rows } = await db.query<AuditRecordRow>(
    'select * from scoring_audit where subject = $1 order by seq desc limit 1',
    [subject],
  );
  return rows[0] ? toRow(rows[0]) : undefined;
}
