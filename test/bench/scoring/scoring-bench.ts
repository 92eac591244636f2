import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../../config/load/load-config.ts';
import { syncRegistry } from '../../../services/registry/sync.ts';
import { ManualClock } from '../../../services/runtime/clock.ts';
import { migrate } from '../../../services/runtime/migrations.ts';
import { automaticFacts } from '../../../services/scoring/facts/order-facts.ts';
import { ScoringStore } from '../../../services/scoring/store/scoring-store.ts';
import { SiteCalendars } from '../../../services/workorders/calendars.ts';
import { WorkOrderStore } from '../../../services/workorders/store/index.ts';
import { sampleConfigDir } from '../../helpers/config-fixture.ts';
import { createTestDatabase } from '../../helpers/stack.ts';
import { Teardown } from '../alarm-latency/teardown.ts';
import { type MachineFacts, machineFacts } from '../machine.ts';
import { BENCH_MONTH, benchModel, MONTH, writeManualInputs, writeOrders } from './bench-data.ts';
import { SHARED_ITEMS, sqlPeerDeductions } from './sql-peer.ts';

export interface ScoringSizes {
  readonly contracts: number;
  readonly orders: number;
  /** Repetitions of the read-only phases (recompute, the peer, the breakdown); the median is reported. */
  readonly rounds: number;
}

export const FULL_SIZES: ScoringSizes = { contracts: 50, orders: 20_000, rounds: 3 };
export const QUICK_SIZES: ScoringSizes = { contracts: 10, orders: 2_000, rounds: 2 };

export interface ScoringReport {
  readonly runId: string;
  readonly quick: boolean;
  readonly machine: MachineFacts;
  readonly sizes: ScoringSizes;
  readonly database: string | undefined;
  readonly data?: {
    readonly orders: number;
    readonly transitions: number;
    readonly incidents: number;
    readonly breachesRecorded: number;
    readonly manualInputs: number;
    readonly setupSeconds: number;
  };
  /** closeMonth for every contract: read, facts, score, store, audit. */
  readonly closeSeconds?: number;
  readonly scorecards?: number;
  readonly lines?: number;
  readonly breakdown?: {
    readonly historiesSeconds: number;
    readonly factsSeconds: number;
    readonly histories: number;
  };
  readonly recompute?: { readonly seconds: number; readonly identical: number; readonly of: number };
  readonly peer?: {
    readonly seconds: number;
    readonly agree: number;
    readonly of: number;
    readonly mismatches: string[];
  };
  /** SLA breach lines on the scorecards vs breaches the timers recorded (`sla_events`). */
  readonly breaches?: { readonly lines: number; readonly recorded: number };
  readonly auditOk?: boolean;
  readonly errors: Readonly<Record<string, string>>;
  readonly seconds: number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const seconds = (fromMs: number): number => (performance.now() - fromMs) / 1_000;

export interface ScoringBenchOptions {
  readonly sizes: ScoringSizes;
  readonly quick: boolean;
  readonly log: (line: string) => void;
  readonly teardown?: Teardown;
}

/**
 * The scoring benchmark: a fresh database with `contracts` contracts and `orders` work orders
 * dispatched in one month (histories made by the work-order domain), each contract's manual
 * inputs recorded through the scoring store; then the month is closed for every contract
 * (`month_scoring_s`: reading the histories, automatic facts, manual inputs, scoring, canonical
 * JSON, storing each scorecard and its audit row), recomputed from the database and compared
 * byte for byte, and the peer — a naive SQL aggregation of the same items — is timed and its
 * totals compared with the scorecards'.
 */
export async function runScoringBench(options: ScoringBenchOptions): Promise<ScoringReport> {
  const started = performance.now();
  const { sizes, log } = options;
  const teardown = options.teardown ?? new Teardown();
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`.toUpperCase();
  const errors: Record<string, string> = {};
  const report: { -readonly [K in keyof ScoringReport]?: ScoringReport[K] } = {};
  const attempt = async <T>(label: string, run: () => Promise<T>): Promise<T | undefined> => {
    const phaseStarted = performance.now();
    log(`scoring bench: ${label} …`);
    try {
      if (teardown.started) throw new Error('interrupted');
      const result = await run();
      log(`scoring bench: ${label} done in ${seconds(phaseStarted).toFixed(2)} s`);
      return result;
    } catch (error) {
      errors[label] = error instanceof Error ? error.message : String(error);
      log(`scoring bench: ${label} FAILED: ${errors[label]}`);
      return undefined;
    }
  };

  let database: string | undefined;
  try {
    const db = await attempt('database', async () => {
      const created = await createTestDatabase('bench_scoring');
      teardown.add('drop the bench database', () => created.drop());
      await migrate(created.pool);
      return created;
    });
    database = db?.name;
    const model = benchModel(loadConfig(sampleConfigDir), sizes.contracts);
    // After the month: closing is allowed, and every input of the month lies in the past.
    const clock = new ManualClock(MONTH.endMs + 9 * 3_600_000);
    const calendars = new SiteCalendars(model);
    const workOrders = db
      ? new WorkOrderStore({ pool: db.pool, clock, calendarFor: calendars.forBuilding })
      : undefined;
    const scoring =
      db && workOrders ? new ScoringStore({ pool: db.pool, clock, model, workOrders }) : undefined;

    if (db && scoring) {
      await attempt('data', async () => {
        const setupStarted = performance.now();
        await syncRegistry(db.pool, model);
        const written = await writeOrders(db.pool, model, sizes.orders);
        const manualInputs = await writeManualInputs(scoring, model);
        report.data = { ...written, manualInputs, setupSeconds: seconds(setupStarted) };
      });
    }
    if (db && scoring && workOrders && report.data) {
      // One unmeasured read so the close does not pay for a cold cache alone.
      await attempt('warm-up', () => workOrders.historiesAsOf(MONTH.startMs, MONTH.endMs));
      const closed = await attempt('close the month', async () => {
        const closeStarted = performance.now();
        const stored = await scoring.closeMonth({ role: 'system' }, BENCH_MONTH);
        report.closeSeconds = seconds(closeStarted);
        return stored;
      });
      if (closed) {
        report.scorecards = closed.length;
        report.lines = closed.reduce((sum, s) => sum + s.scorecard.lines.length, 0);
        const slaLines = closed.reduce(
          (sum, s) => sum + s.scorecard.lines.filter((l) => l.item.startsWith('sla')).length,
          0,
        );
        const { rows } = await db.pool.query<{ n: string }>(
          'select count(*) as n from sla_events where deadline >= $1 and deadline < $2',
          [new Date(MONTH.startMs), new Date(MONTH.endMs)],
        );
        report.breaches = { lines: slaLines, recorded: Number(rows[0]?.n ?? 0) };
      }
      await attempt('breakdown', async () => {
        const reads: number[] = [];
        const facts: number[] = [];
        let histories = 0;
        for (let round = 0; round < sizes.rounds; round++) {
          const readStarted = performance.now();
          const read = await workOrders.historiesAsOf(MONTH.startMs, MONTH.endMs);
          reads.push(seconds(readStarted));
          const factsStarted = performance.now();
          automaticFacts(read, MONTH, calendars.forBuilding);
          facts.push(seconds(factsStarted));
          histories = read.length;
        }
        report.breakdown = { historiesSeconds: median(reads), factsSeconds: median(facts), histories };
      });
      await attempt('recompute', async () => {
        const times: number[] = [];
        let identical = 0;
        let of = 0;
        for (let round = 0; round < sizes.rounds; round++) {
          const recomputeStarted = performance.now();
          const results = await scoring.recomputeMonth(BENCH_MONTH);
          times.push(seconds(recomputeStarted));
          identical = results.filter((r) => r.identical).length;
          of = results.length;
        }
        report.recompute = { seconds: median(times), identical, of };
      });
      await attempt('peer', async () => {
        const times: number[] = [];
        let peer = new Map<string, number>();
        for (let round = 0; round < sizes.rounds; round++) {
          const peerStarted = performance.now();
          peer = await sqlPeerDeductions(db.pool, model, MONTH);
          times.push(seconds(peerStarted));
        }
        const mismatches: string[] = [];
        for (const stored of closed ?? []) {
          const ours = stored.scorecard.items
            .filter((item) => (SHARED_ITEMS as readonly string[]).includes(item.item))
            .reduce((sum, item) => sum + Math.round(item.appliedPoints * 100), 0);
          const theirs = Math.round((peer.get(stored.contractId) ?? 0) * 100);
          if (ours !== theirs)
            mismatches.push(`${stored.contractId}: scorecard ${ours / 100}, peer ${theirs / 100}`);
        }
        const of = closed?.length ?? 0;
        report.peer = { seconds: median(times), agree: of - mismatches.length, of, mismatches };
      });
      await attempt('audit', async () => {
        report.auditOk = (await scoring.verifyAudit()).ok && (await scoring.verifyScorecards()).length === 0;
      });
    }
  } finally {
    const failures = await teardown.run();
    for (const failure of failures) errors[`teardown ${failure.split(':')[0]}`] = failure;
  }
  return {
    runId,
    quick: options.quick,
    machine: machineFacts(),
    sizes,
    database,
    ...report,
    errors,
    seconds: Math.round(seconds(started) * 10) / 10,
  } as ScoringReport;
}
