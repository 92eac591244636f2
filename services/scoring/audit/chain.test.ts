import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../domain/canonical.ts';
import { type AuditRow, GENESIS_HASH, nextRow, verifyChain } from './chain.ts';

const actor = { role: 'facilities_manager', userId: 'chen.jie' };

function chain(length: number): AuditRow[] {
  const rows: AuditRow[] = [];
  for (let i = 0; i < length; i++) {
    rows.push(
      nextRow(rows.at(-1), {
        atMs: 1_000 * i,
        kind: 'inspection_recorded',
        subject: 'contract:acme-2026',
        actor,
        body: { inspectionId: String(i + 1), findings: [{ level: 'general' }] },
      }),
    );
  }
  return rows;
}

describe('the audit chain', () => {
  it('links each row to the one before by sha256(prev + "\\n" + canonical row)', () => {
    const [first, second] = chain(2);
    expect(first?.prevHash).toBe(GENESIS_HASH);
    expect(first?.hash).toBe(
      sha256Hex(
        `${GENESIS_HASH}\n{"actor":{"role":"facilities_manager","userId":"chen.jie"},"atMs":0,"body":{"findings":[{"level":"general"}],"inspectionId":"1"},"kind":"inspection_recorded","seq":1,"subject":"contract:acme-2026"}`,
      ),
    );
    expect(second?.prevHash).toBe(first?.hash);
    expect(verifyChain(chain(5))).toEqual({ ok: true, rows: 5, head: { seq: 5, hash: chain(5)[4]?.hash } });
    expect(verifyChain([])).toEqual({ ok: true, rows: 0, head: null });
  });

  it('finds a changed body at its row', () => {
    const rows = chain(5);
    rows[2] = { ...(rows[2] as AuditRow), body: { inspectionId: '3', findings: [] } };
    expect(verifyChain(rows)).toMatchObject({ ok: false, rows: 2, brokenAt: 3, reason: 'hash_mismatch' });
  });

  it('finds a row rewritten with a fresh hash at the next row', () => {
    const rows = chain(5);
    const forged = { ...(rows[2] as AuditRow), atMs: 99 };
    rows[2] = { ...forged, hash: nextRow(rows[1], forged).hash };
    expect(verifyChain(rows)).toMatchObject({ ok: false, brokenAt: 4, reason: 'prev_hash_mismatch' });
  });

  it('finds a removed row and a reordered pair', () => {
    const rows = chain(5);
    expect(verifyChain([...rows.slice(0, 2), ...rows.slice(3)])).toMatchObject({
      brokenAt: 3,
      reason: 'seq_gap',
    });
    expect(verifyChain([rows[0], rows[2], rows[1]] as AuditRow[])).toMatchObject({
      brokenAt: 2,
      reason: 'seq_gap',
    });
  });
});
