import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MONTH_CLOSE_CATCH_UP,
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
 * at 08:00 on the 1st in the site's zone; every firing, redelivery, start or direct call closes
 * each ended month still open in the window (by the manual clock) exactly once, oldest first,
 * with one audit row per contract.
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
    // Before any contract's term: the catch-up each start queues finds nothing to close.
    h.clock.set(Date.UTC(2024, 5, 1, 0));
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
      await waitFor(
        async () => ((await queue.getJob(MONTH_CLOSE_CATCH_UP)) ? undefined : true),
        'the catch-up at start',
      );
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(await auditCount('month_closed')).toBe(0);
  });

  it('is safe when two processes run the handler at the same instant', async () => {
    // 1 December 2026 08:00, nothing ever closed: a start catches nothing up (a fresh deployment
    // publishes no months from inputs nobody recorded); the firing closes November, from both
    // processes at once, and leaves September and October to a person.
    h.clock.set(Date.UTC(2026, 11, 1, 0));
    const [a, b] = [schedulerOf(), schedulerOf()];
    expect(await a.closeEndedMonths('start')).toEqual({ months: [], closedNow: 0 });
    const [first, second] = await Promise.all([a.closeEndedMonths(), b.closeEndedMonths()]);
    const months = ['2026-11'];
    expect(first.months.map((entry) => entry.month)).toEqual(months);
    expect(first.months.map((entry) => entry.scorecards.map((card) => card.sha256))).toEqual(
      second.months.map((entry) => entry.scorecards.map((card) => card.sha256)),
    );
    for (const month of months) {
      expect(await revisionsOf(month)).toEqual(CONTRACTS.map((id) => [id, 1]));
      expect(await auditCount('month_closed', month)).toBe(5);
    }
    expect(await revisionsOf('2026-10')).toEqual([]);
    // The first close audits the schemes: once, though both raced to.
    expect(await auditCount('scheme_recorded')).toBe(h.model.scoringSchemes.size);
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it('closes the previous month once, however often the job fires and whichever worker takes it', async () => {
    // 1 January 2027 08:00 at the site; the scheduler fires every second to make "often" quick.
    h.clock.set(Date.UTC(2027, 0, 1, 0));
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
    expect(await revisionsOf('2026-12')).toEqual(CONTRACTS.map((id) => [id, 1]));
    expect(await auditCount('month_closed', '2026-12')).toBe(5);
    expect(await auditCount('scheme_recorded')).toBe(h.model.scoringSchemes.size);
    await queue.removeJobScheduler(MONTH_CLOSE_SCHEDULER);
  });

  it('catches up two months missed while no workers ran when they start: oldest first, once', async () => {
    // December 2026 was closed on 1 January (above); no workers on 1 February nor on 1 March
    // 2027; two start on 15 March: January and February follow the closed December.
    h.clock.set(Date.UTC(2027, 2, 15, 2));
    const [a, b] = [schedulerOf(), schedulerOf()];
    await Promise.all([a.start(), b.start()]);
    try {
      await waitFor(
        async () => ((await revisionsOf('2027-02')).length === CONTRACTS.length ? true : undefined),
        'February closed at start',
      );
      await waitFor(
        async () => ((await queue.getJob(MONTH_CLOSE_CATCH_UP)) ? undefined : true),
        'the catch-up at start',
      );
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    for (const month of ['2027-01', '2027-02']) {
      expect(await revisionsOf(month)).toEqual(CONTRACTS.map((id) => [id, 1]));
      expect(await auditCount('month_closed', month)).toBe(5);
    }
    const { rows } = await h.db.pool.query<{ month: string; first: string; last: string }>(
      `select body::jsonb ->> 'month' as month, min(seq)::text as first, max(seq)::text as last
       from scoring_audit where kind = 'month_closed' and body::jsonb ->> 'month' in ('2027-01', '2027-02')
       group by 1 order by 2`,
    );
    expect(rows.map((row) => row.month)).toEqual(['2027-01', '2027-02']);
    expect(Number(rows[0]?.last)).toBeLessThan(Number(rows[1]?.first));
    // Another run (the next start, a redelivery) finds nothing open.
    expect(await schedulerOf().closeEndedMonths()).toEqual({ months: [], closedNow: 0 });
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it('looks back three ended months from a closed one, and closes only the contracts in force in each', async () => {
    // A person closed April 2027; nobody ran on 1 May, 1 June or 1 July. On 1 August the window
    // is May to July; the last month closed before it (April) is out of it, so the firing closes
    // July only and leaves May and June to a person (logged). Then, with June closed by hand,
    // a start on 2 August finds nothing left between June and July.
    h.clock.set(Date.UTC(2027, 7, 1, 0));
    await store.closeMonth({ role: 'administrator', userId: 'admin' }, '2027-04');
    const run = await schedulerOf().closeEndedMonths();
    expect(run.months.map((entry) => [entry.month, entry.scorecards.length])).toEqual([['2027-07', 3]]);
    expect(await revisionsOf('2027-05')).toEqual([]);
    expect(await revisionsOf('2027-06')).toEqual([]);
    // The lift contract ended in March, the outside property one in June.
    await store.closeMonth({ role: 'administrator', userId: 'admin' }, '2027-06');
    expect((await revisionsOf('2027-06')).length).toBe(4);
    h.clock.set(Date.UTC(2027, 7, 2, 0));
    expect(await schedulerOf().closeEndedMonths('start')).toEqual({ months: [], closedNow: 0 });
    expect(await revisionsOf('2027-05')).toEqual([]);
    expect(await revisionsOf('2027-03')).toEqual([]);
    expect((await revisionsOf('2027-07')).map(([id]) => id)).toEqual([
      'energy-epc-2025',
      'property-compound-2025',
      'security-2025',
    ]);
  });
});
