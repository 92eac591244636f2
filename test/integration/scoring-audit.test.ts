import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import { syncRegistry } from '../../services/registry/sync.ts';
import { ManualClock } from '../../services/runtime/clock.ts';
import { createLogger } from '../../services/runtime/logger.ts';
import { migrate } from '../../services/runtime/migrations.ts';
import { chainHash } from '../../services/scoring/audit/chain.ts';
import { composeScoring } from '../../services/scoring/compose.ts';
import { march } from '../../services/scoring/domain/test-scheme.ts';
import { ScoringStore } from '../../services/scoring/store/scoring-store.ts';
import { repoRoot, sampleConfigDir } from '../helpers/config-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/stack.ts';

const manager = { role: 'facilities_manager', userId: 'chen.jie' } as const;

/** The verify command as an operator runs it, against this test's database. */
function verifyCommand(url: string): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'services', 'scoring', 'cli', 'verify-audit.ts')],
    {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout })));
}

describe('the scoring audit log is append-only and its chain catches tampering', () => {
  let db: TestDatabase;
  let scoring: ScoringStore;

  beforeEach(async () => {
    db = await createTestDatabase();
    await migrate(db.pool);
    const model = loadConfig(sampleConfigDir);
    await syncRegistry(db.pool, model);
    const clock = new ManualClock(march(20));
    scoring = new ScoringStore({
      pool: db.pool,
      clock,
      model,
      workOrders: { historiesAsOf: async () => [] },
    });
    // Rows 1–4: the sample's four schemes; 5–7: three inspections.
    await scoring.recordSchemes(manager);
    for (const day of [3, 4, 5]) {
      await scoring.recordInspection(manager, {
        contractId: 'security-2025',
        kind: 'daily_patrol',
        conductedAtMs: march(day),
        findings: [{ level: 'general', description: `监控室值班记录不全 ${day}` }],
      });
    }
  });
  afterEach(async () => {
    await db.drop();
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit rows and of inputs', async () => {
    await expect(db.pool.query("update scoring_audit set body = '{}' where seq = 6")).rejects.toThrow(
      /append-only/,
    );
    await expect(db.pool.query('delete from scoring_audit where seq = 7')).rejects.toThrow(/append-only/);
    await expect(db.pool.query('truncate scoring_audit')).rejects.toThrow(/append-only/);
    await expect(db.pool.query("update scoring_inspections set kind = 'spot_check'")).rejects.toThrow(
      /append-only/,
    );
    const { code, stdout } = await verifyCommand(db.url);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^scoring audit chain intact: 7 rows, head #7 [0-9a-f]{64}\n$/);
  });

  it('finds a row changed behind the trigger’s back at that row', async () => {
    // The table owner can switch the trigger off; the chain does not depend on the trigger.
    await db.pool.query('alter table scoring_audit disable trigger scoring_audit_append_only');
    await db.pool.query(
      `update scoring_audit set body = replace(body, '"level":"general"', '"level":"major"') where seq = 6`,
    );
    await db.pool.query('alter table scoring_audit enable trigger scoring_audit_append_only');
    expect(await scoring.verifyAudit()).toMatchObject({
      ok: false,
      rows: 5,
      brokenAt: 6,
      reason: 'hash_mismatch',
    });
    const { code, stdout } = await verifyCommand(db.url);
    expect(code).toBe(1);
    expect(stdout).toContain('scoring audit chain BROKEN at row 6 (hash_mismatch)');
  });

  it('finds a row rewritten with a matching hash at the next row; a cut-off tail needs the head kept elsewhere', async () => {
    const { rows } = await db.pool.query<{
      seq: string;
      at: Date;
      kind: string;
      subject: string;
      actor: string;
      body: string;
      prev_hash: string;
    }>('select * from scoring_audit where seq = 5');
    const row = rows[0];
    if (!row) throw new Error('no row 5');
    const forgedBody = JSON.parse(row.body.replace('监控室值班记录不全', '一切正常')) as unknown;
    const forgedHash = chainHash(row.prev_hash, {
      seq: 5,
      atMs: row.at.getTime(),
      kind: row.kind,
      subject: row.subject,
      actor: JSON.parse(row.actor) as unknown,
      body: forgedBody,
    });
    await db.pool.query('alter table scoring_audit disable trigger scoring_audit_append_only');
    await db.pool.query('update scoring_audit set body = $1, hash = $2 where seq = 5', [
      JSON.stringify(forgedBody),
      forgedHash,
    ]);
    expect(await scoring.verifyAudit()).toMatchObject({
      ok: false,
      brokenAt: 6,
      reason: 'prev_hash_mismatch',
    });

    await db.pool.query('delete from scoring_audit where seq >= 5');
    await db.pool.query('alter table scoring_audit enable trigger scoring_audit_append_only');
    // Rows 1–4 are intact on their own; a new append continues from row 4, so the gap is gone
    // but the head differs from the one printed before: why the head is kept elsewhere too.
    expect(await scoring.verifyAudit()).toMatchObject({ ok: true, rows: 4 });
  });

  it('finds a row deleted from the middle', async () => {
    await db.pool.query('alter table scoring_audit disable trigger scoring_audit_append_only');
    await db.pool.query('delete from scoring_audit where seq = 3');
    await db.pool.query('alter table scoring_audit enable trigger scoring_audit_append_only');
    expect(await scoring.verifyAudit()).toMatchObject({ ok: false, rows: 2, brokenAt: 3, reason: 'seq_gap' });
  });

  it('audits a changed scheme once, when the scoring component starts', async () => {
    const sample = loadConfig(sampleConfigDir);
    const lift = sample.scoringSchemes.get('lift-standard');
    if (!lift) throw new Error('no lift-standard scheme');
    const changed = {
      ...sample,
      scoringSchemes: new Map([
        ...sample.scoringSchemes,
        [
          'lift-standard',
          { ...lift, deductions: { ...lift.deductions, inspectionMajor: { points: 6, cap: 30 } } },
        ],
      ]),
    };
    const parts = composeScoring({
      model: changed,
      pool: db.pool,
      clock: new ManualClock(march(21)),
      logger: createLogger({ LOG_LEVEL: 'silent' }, 'test'),
      workOrders: { historiesAsOf: async () => [] },
    });
    await parts.schemes.start();
    await parts.schemes.start();
    const trail = await parts.store.auditTrail('scheme:lift-standard');
    expect(trail.map((row) => row.kind)).toEqual(['scheme_recorded', 'scheme_recorded']);
    expect(trail[1]?.body).toMatchObject({ scheme: { deductions: { inspectionMajor: { points: 6 } } } });
    expect(trail[1]?.actor).toEqual({ role: 'system' });
    expect(await parts.store.auditTrail('scheme:security-standard')).toHaveLength(1);
    expect(await parts.store.verifyAudit()).toMatchObject({ ok: true, rows: 8 });
  });
});
