import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MONTH_CLOSE_QUEUE,
  MONTH_CLOSE_SCHEDULER,
  MonthCloseScheduler,
} from '../../services/scoring/schedule/month-close.ts';
import { ScoringStore } from '../../services/scoring/store/scoring-store.ts';
import { WorkOrderHarness } from '../../services/workorders/test-harness.ts';
import { stackSettings } from '../helpers/stack.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The scheduled month close on the real Redis and PostgreSQL, run by two "workers processes"
 * (two schedulers on one prefix, each with its own connection): one job scheduler between them,
 * at 08:00 on the 1st in the site's zone; every firing, redelivery or direct call closes the
 * previous month (by the manual clock) exactly once, with one audit row per contract.
 */

const h = new WorkOrderHarness();
let store: ScoringStore;
let queue: Queue;

const schedulerOf = (pattern?: string) =>
  new MonthCloseScheduler({
    store,
    connection: stackSettings.REDIS_URL,
    prefix: h.prefix,
    clock: h.clock,
    logger: h.logger,
    timeZone: 'Asia/Shanghai',
    ...(pattern === undefined ? {} : { pattern }),
  });

async function auditCount(kind: string, month?: string): Promise<number> {
  const { rows } = await h.db.pool.query<{ n: number }>(
    `select count(*)::int as n from scoring_audit where kind = $1 and ($2::text is null or body::jsonb ->> 'month' = $2)`,
    [kind, month ?? null],
  );
  return rows[0]?.n ?? 0;
}

async function revisionsOf(month: string): Promise<[string, number][]> {
  const { rows } = await h.db.pool.query<{ contract_id: string; revision: number }>(
    'select contract_id, revision from scoring_scorecards where month = $1 order by contract_id, revision',
    [month],
  );
  return rows.map((row) => [row.contract_id, row.revision]);
}

const CONTRACTS = [
  'energy-epc-2025',
  'lifts-2025',
  'property-compound-2025',
  'property-outside-2025',
  'security-2025',
];

describe('the scheduled month close', () => {
  beforeAll(async () => {
    await h.open();
    store = new ScoringStore({ pool: h.db.pool, clock: h.clock, model: h.model, workOrders: h.store });
    queue = new Queue(MONTH_CLOSE_QUEUE, { connection: h.redis, prefix: h.prefix });
  });
  afterAll(async () => {
    await queue.close();
    await h.dispose();
  });

  it('is one job scheduler however many workers start, at 08:00 on the 1st in the site’s zone', async () => {
    const [a, b] = [schedulerOf(), schedulerOf()];
    await Promise.all([a.start(), b.start()]);
    try {
      const schedulers = await queue.getJobSchedulers(0, -1);
      expect(schedulers.map((s) => [s.key, s.pattern, s.tz])).toEqual([
        [MONTH_CLOSE_SCHEDULER, '0 8 1 * *', 'Asia/Shanghai'],
      ]);
      // The next firing (on the wall clock): a 1st, 08:00 in Shanghai = 00:00 UTC.
      const next = new Date(schedulers[0]?.next ?? 0);
      expect([next.getUTCDate(), next.getUTCHours(), next.getUTCMinutes()]).toEqual([1, 0, 0]);
      expect(next.getTime()).toBeGreaterThan(Date.now());
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('is safe when two processes run the handler at the same instant', async () => {
    // 1 January 2027 08:00: December closes, from both at once.
    h.clock.set(Date.UTC(2027, 0, 1, 0));
    const [a, b] = [schedulerOf(), schedulerOf()];
    const [first, second] = await Promise.all([a.closePreviousMonth(), b.closePreviousMonth()]);
    expect(first.month).toBe('2026-12');
    expect(first.scorecards.map((card) => card.sha256)).toEqual(second.scorecards.map((card) => card.sha256));
    expect(await revisionsOf('2026-12')).toEqual(CONTRACTS.map((id) => [id, 1]));
    expect(await auditCount('month_closed', '2026-12')).toBe(5);
    // The first close audits the schemes: once, though both raced to.
    expect(await auditCount('scheme_recorded')).toBe(h.model.scoringSchemes.size);
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it('closes the previous month once, however often the job fires and whichever worker takes it', async () => {
    // 1 December 2026 08:00 at the site; the scheduler fires every second to make "often" quick.
    h.clock.set(Date.UTC(2026, 11, 1, 0));
    const [a, b] = [schedulerOf('* * * * * *'), schedulerOf('* * * * * *')];
    await Promise.all([a.start(), b.start()]);
    try {
      await waitFor(
        async () => (((await queue.getJobCounts('completed')).completed ?? 0) >= 3 ? true : undefined),
        'three scheduled closes',
        20_000,
      );
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect((await queue.getJobCounts('failed')).failed ?? 0).toBe(0);
    expect(await revisionsOf('2026-11')).toEqual(CONTRACTS.map((id) => [id, 1]));
    expect(await auditCount('month_closed', '2026-11')).toBe(5);
    expect(await auditCount('scheme_recorded')).toBe(h.model.scoringSchemes.size);
    await queue.removeJobScheduler(MONTH_CLOSE_SCHEDULER);
  });
});
