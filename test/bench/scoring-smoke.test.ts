import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runBench } from '../helpers/bench-process.ts';
import { stackSettings } from '../helpers/stack.ts';
import { QUICK_SIZES } from './scoring/scoring-bench.ts';

/**
 * `npm run bench -- scoring --quick --json` end to end: a fresh database with 10 contracts and
 * 2,000 work orders, the month closed, recomputed and compared with the SQL peer. Checked is what
 * the figures rest on: a scorecard per contract, every recomputation byte-identical, the peer's
 * totals equal to the scorecards' for the items both compute, one SLA line per recorded breach,
 * the audit chain verified, and the database dropped afterwards. No timing is asserted.
 */
describe('scoring benchmark, quick', () => {
  it('prints the table and a JSON line whose figures rest on exact counts', async () => {
    const { code, stdout, stderr } = await runBench(['scoring', '--quick', '--json']);
    expect(code, stderr.slice(-4_000)).toBe(0);
    expect(stdout).toContain('close the month');
    const json = JSON.parse(stdout.trimEnd().split('\n').at(-1) ?? '') as Record<string, unknown>;
    expect(json).toMatchObject({
      bench: 'scoring',
      quick: true,
      contracts: QUICK_SIZES.contracts,
      orders: QUICK_SIZES.orders,
      scorecards: QUICK_SIZES.contracts,
      recompute_identical: QUICK_SIZES.contracts,
      peer_agree: QUICK_SIZES.contracts,
      audit_ok: true,
      problems: [],
      errors: {},
    });
    expect(json.sla_lines).toBe(json.breaches_recorded);
    expect(json.breaches_recorded as number).toBeGreaterThan(0);
    expect(json.lines as number).toBeGreaterThan(json.sla_lines as number);
    for (const key of ['month_scoring_s', 'recompute_s', 'peer_sql_s', 'histories_read_s', 'facts_s'])
      expect(Number.isFinite(json[key]), key).toBe(true);

    const admin = new pg.Client({ connectionString: stackSettings.DATABASE_URL });
    try {
      await admin.connect();
      const databases = await admin.query('select 1 from pg_database where datname = $1', [json.database]);
      expect(databases.rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  }, 180_000);
});
