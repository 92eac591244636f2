import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import { decodePng, inkedPixels } from '../../services/reports/testing/png.ts';
import { pdfText, renderPagePng } from '../../services/reports/testing/poppler.ts';
import { ManualClock } from '../../services/runtime/clock.ts';
import { ScoringStore } from '../../services/scoring/index.ts';
import { selectHistoriesAsOf } from '../../services/workorders/store/histories.ts';
import { sampleConfigDir } from '../helpers/config-fixture.ts';
import { createTestDatabase, type TestDatabase, uniqueName } from '../helpers/stack.ts';
import { runSteward } from '../helpers/steward-process.ts';

/**
 * `steward scoring close` and `steward scoring report` as an operator runs them, against a
 * database of this test's own (migrated by `steward migrate`), on the real clock: October 2026
 * has ended. The progress goes to stderr, which is a pipe here: plain lines, no escape codes.
 */

const LIFTS = 'lifts-2025';
const manager = { role: 'facilities_manager', userId: 'chen.jie' } as const;

describe('steward scoring close and report', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let out: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = { DATABASE_URL: db.url, STEWARD_REDIS_PREFIX: uniqueName('t'), LOG_LEVEL: 'warn' };
    out = mkdtempSync(path.join(tmpdir(), 'scoring-cli-'));
    const migrated = await runSteward(['migrate'], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    // A 重大问题 on 20 October, recorded that day.
    const clock = new ManualClock(Date.UTC(2026, 9, 20, 7));
    const store = new ScoringStore({
      pool: db.pool,
      clock,
      model: loadConfig(sampleConfigDir),
      workOrders: { historiesAsOf: (fromMs, toMs) => selectHistoriesAsOf(db.pool, fromMs, toMs) },
    });
    await store.recordInspection(manager, {
      contractId: LIFTS,
      kind: 'spot_check',
      conductedAtMs: Date.UTC(2026, 9, 20, 1),
      findings: [{ level: 'major', description: '安全回路短接' }],
    });
  }, 60_000);
  afterAll(async () => {
    await db.drop();
    rmSync(out, { recursive: true, force: true });
  });

  it('closes one contract’s month, then the others, and closing again changes nothing', async () => {
    const one = await runSteward(['scoring', 'close', '2026-10', '--contract', LIFTS], env);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain('2026-10: 1 contract(s), 1 closed now, 0 closed before');
    // lift-standard: a major finding costs 5.
    expect(one.stdout).toMatch(/lifts-2025\s+revision 1\s+95\.00\s+excellent\s+closed now/);

    const all = await runSteward(['scoring', 'close', '2026-10'], env);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('2026-10: 5 contract(s), 4 closed now, 1 closed before');
    expect(all.stdout).toMatch(/lifts-2025\s+revision 1\s+95\.00\s+excellent\s+closed before/);
    const { rows } = await db.pool.query<{ n: number }>(
      "select count(*)::int as n from scoring_audit where kind = 'month_closed'",
    );
    expect(rows[0]?.n).toBe(5);
  });

  it('refuses a month that has not ended, an unknown contract and a malformed month', async () => {
    const running = await runSteward(['scoring', 'close', '2027-12'], env);
    expect(running.code).toBe(1);
    expect(running.stderr).toContain('period_not_ended');
    const unknown = await runSteward(['scoring', 'close', '2026-10', '--contract', 'no-such-contract'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown_contract');
    expect((await runSteward(['scoring', 'close', '2026-13'], env)).code).toBe(64);
    expect((await runSteward(['scoring', 'close'], env)).code).toBe(64);
  });

  it('renders every closed scorecard of the month as PDF, with a progress line per document', async () => {
    const dir = path.join(out, 'pdf');
    const run = await runSteward(
      ['scoring', 'report', '2026-10', '--format', 'pdf', '--out', dir],
      env,
      60_000,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`wrote 5 file(s) of 5 document(s) to ${dir}`);
    const progress = run.stderr.split('\n').filter((line) => line.startsWith('2026-10 pdf'));
    expect(progress).toEqual([
      '2026-10 pdf 1/5 scorecard-energy-epc-2025-2026-10 written',
      '2026-10 pdf 2/5 scorecard-lifts-2025-2026-10 written',
      '2026-10 pdf 3/5 scorecard-property-compound-2025-2026-10 written',
      '2026-10 pdf 4/5 scorecard-property-outside-2025-2026-10 written',
      '2026-10 pdf 5/5 scorecard-security-2025-2026-10 written',
    ]);
    expect(run.stderr).not.toContain('\r');
    const file = path.join(dir, 'scorecard-lifts-2025-2026-10.pdf');
    expect(inkedPixels(decodePng(await renderPagePng(file, 1, 50, out)))).toBeGreaterThan(1_000);
    const text = await pdfText(file);
    for (const label of ['月度考核评分表', '2026年10月', '检查发现重大问题', '安全回路短接', '95.00'])
      expect(text).toContain(label);
  });

  it('writes the tables as CSV with a byte-order mark, in English when asked', async () => {
    const dir = path.join(out, 'csv');
    const run = await runSteward(
      ['scoring', 'report', '2026-10', '--format', 'csv', '--out', dir, '--lang', 'en'],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const files = readdirSync(dir).filter((name) => name.startsWith('scorecard-lifts-2025'));
    expect(files.sort()).toEqual([
      'scorecard-lifts-2025-2026-10.consequences.csv',
      'scorecard-lifts-2025-2026-10.items.csv',
      'scorecard-lifts-2025-2026-10.lines.csv',
    ]);
    const lines = readFileSync(path.join(dir, 'scorecard-lifts-2025-2026-10.lines.csv'), 'utf8');
    expect(lines.startsWith('\uFEFFNo.,Time,Item,Details,Evidence,Points,Applied,Status\r\n')).toBe(true);
    expect(lines).toContain('Major problem found by inspection');
  });

  it('renders the quarter’s bulletin, and refuses an open month, a bad format and a missing font', async () => {
    const dir = path.join(out, 'bulletin');
    const run = await runSteward(['scoring', 'report', '2026-Q4', '--format', 'pdf', '--out', dir], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('2026-Q4 pdf 1/1 bulletin-2026-Q4 written');
    const text = await pdfText(path.join(dir, 'bulletin-2026-Q4.pdf'));
    expect(text).toContain('季度考核通报');
    expect(text).toContain('电梯维保标段');

    const open = await runSteward(['scoring', 'report', '2026-09', '--format', 'pdf', '--out', dir], env);
    expect(open.code).toBe(1);
    expect(open.stdout).toContain('no closed scorecard for 2026-09');
    expect(
      (await runSteward(['scoring', 'report', '2026-10', '--format', 'xls', '--out', dir], env)).code,
    ).toBe(64);
    expect((await runSteward(['scoring', 'report', '2026-10', '--format', 'pdf'], env)).code).toBe(64);
    const fontless = await runSteward(['scoring', 'report', '2026-10', '--format', 'pdf', '--out', dir], {
      ...env,
      STEWARD_REPORT_FONT: path.join(out, 'no-such-font.ttc'),
    });
    expect(fontless.code).toBe(78);
    expect(fontless.stderr).toContain('font_missing');
  });
});
