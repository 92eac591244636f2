import { canonicalJson, sha256Hex } from '../domain/canonical.ts';

/**
 * The audit chain: every row carries sha256(previous row's hash + '\n' + its own canonical JSON),
 * the first row's previous hash being 64 zeros. Changing, removing or reordering any row breaks
 * the chain at that row (or, if its hash was recomputed too, at the next row's `prevHash`), so a
 * verifier walking from the start finds the first row that is not what was written.
 *
 * What the chain cannot show on its own: someone who rewrites a row and every row after it. The
 * head hash, copied elsewhere (it is printed by the verify command and kept with every closed
 * scorecard), is what catches that.
 */
export const GENESIS_HASH = '0'.repeat(64);

/** What a row says, as hashed. `actor` and `body` are JSON values; their canonical text is stored. */
export interface AuditContent {
  readonly seq: number;
  readonly atMs: number;
  /** What happened: `inspection_recorded`, `appeal_decided`, `month_closed`, `scheme_recorded` … */
  readonly kind: string;
  /** What it is about, e.g. `contract:acme-2026`, `scheme:property-standard`. */
  readonly subject: string;
  readonly actor: unknown;
  readonly body: unknown;
}

export interface AuditRow extends AuditContent {
  readonly prevHash: string;
  readonly hash: string;
}

export const canonicalRow = (content: AuditContent): string =>
  canonicalJson({
    actor: content.actor,
    atMs: content.atMs,
    body: content.body,
    kind: content.kind,
    seq: content.seq,
    subject: content.subject,
  });

export const chainHash = (prevHash: string, content: AuditContent): string =>
  sha256Hex(`${prevHash}\n${canonicalRow(content)}`);

/** The row that follows `previous` (or starts the chain). */
export function nextRow(
  previous: Pick<AuditRow, 'seq' | 'hash'> | undefined,
  entry: Omit<AuditContent, 'seq'>,
): AuditRow {
  const content = { ...entry, seq: (previous?.seq ?? 0) + 1 };
  const prevHash = previous?.hash ?? GENESIS_HASH;
  return { ...content, prevHash, hash: chainHash(prevHash, content) };
}

export type BreakReason = 'seq_gap' | 'prev_hash_mismatch' | 'hash_mismatch' | 'unreadable';

export type ChainVerdict =
  | {
      readonly ok: true;
      readonly rows: number;
      readonly head: { readonly seq: number; readonly hash: string } | null;
    }
  | {
      readonly ok: false;
      readonly rows: number;
      /** The first row that is not what was written. */
      readonly brokenAt: number;
      readonly reason: BreakReason;
      readonly detail: string;
    };

/**
 * Checks rows in order, carrying the state between batches: `verifier.add(rows)` as often as
 * needed, then `verifier.verdict()`. It stops at the first broken row.
 */
export class ChainVerifier {
  #previous: { seq: number; hash: string } | null = null;
  #rows = 0;
  #broken: Extract<ChainVerdict, { ok: false }> | undefined;

  /** false once the chain is broken (later rows are not looked at). */
  add(rows: readonly AuditRow[]): boolean {
    for (const row of rows) {
      if (this.#broken) return false;
      const expectedSeq = (this.#previous?.seq ?? 0) + 1;
      const expectedPrev = this.#previous?.hash ?? GENESIS_HASH;
      if (row.seq !== expectedSeq) {
        return this.#break(expectedSeq, 'seq_gap', `expected row ${expectedSeq}, found row ${row.seq}`);
      }
      if (row.prevHash !== expectedPrev) {
        return this.#break(
          row.seq,
          'prev_hash_mismatch',
          `row ${row.seq} does not follow the hash of row ${row.seq - 1}`,
        );
      }
      let hash: string;
      try {
        hash = chainHash(row.prevHash, row);
      } catch (error) {
        return this.#break(row.seq, 'unreadable', error instanceof Error ? error.message : String(error));
      }
      if (hash !== row.hash) {
        return this.#break(row.seq, 'hash_mismatch', `row ${row.seq}'s content does not give its hash`);
      }
      this.#previous = { seq: row.seq, hash: row.hash };
      this.#rows++;
    }
    return true;
  }

  verdict(): ChainVerdict {
    return this.#broken ?? { ok: true, rows: this.#rows, head: this.#previous };
  }

  #break(seq: number, reason: BreakReason, detail: string): false {
    this.#broken = { ok: false, rows: this.#rows, brokenAt: seq, reason, detail };
    return false;
  }
}

export function verifyChain(rows: readonly AuditRow[]): ChainVerdict {
  const verifier = new ChainVerifier();
  verifier.add(rows);
  return verifier.verdict();
}
