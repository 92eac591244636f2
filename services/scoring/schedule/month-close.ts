import { type ConnectionOptions, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type Counter, type Gauge, Registry } from 'prom-client';
import { SiteZone } from '../../calendar/site-zone.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { Component } from '../../runtime/component.ts';
import type { Logger } from '../../runtime/logger.ts';
import { sharedCounter, sharedGauge } from '../../runtime/metrics.ts';
import { ScoringError } from '../domain/errors.ts';
import { monthKey, monthKeyAt } from '../domain/periods.ts';
import type { StoredScorecard } from '../store/scorecards.ts';
import type { ScoringStore } from '../store/scoring-store.ts';

/** 08:00 on the 1st of every month, at the site: the month before has ended and people are at work. */
export const DEFAULT_MONTH_CLOSE_PATTERN = '0 8 1 * *';
export const MONTH_CLOSE_QUEUE = 'scoring-month-close';
/** One scheduler for the deployment, whichever workers process upserts it. */
export const MONTH_CLOSE_SCHEDULER = 'close-previous-month';
/** The one-off job each workers process queues at start to catch up; one at a time for the deployment. */
export const MONTH_CLOSE_CATCH_UP = 'catch-up-at-start';
/** A failed close (the database away) is retried with exponential backoff from a minute. */
export const DEFAULT_CLOSE_ATTEMPTS = 8;
/** How many ended months a run looks at, the previous month included (see `MonthCloseScheduler`). */
export const DEFAULT_CATCH_UP_MONTHS = 3;

export interface MonthCloseSchedulerOptions {
  readonly store: Pick<ScoringStore, 'closeMonth' | 'contractsInForce' | 'latestScorecards'>;
  /** A Redis URL (its own client, closed at stop), or BullMQ connection options or client. */
  readonly connection: string | ConnectionOptions;
  /** The BullMQ prefix (`STEWARD_REDIS_PREFIX`). */
  readonly prefix: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Cron pattern (5 fields, or 6 with seconds) in `timeZone`; `off` removes the scheduler. */
  readonly pattern?: string;
  /** The site's IANA zone: the pattern's, and the one "the previous month" is counted in. */
  readonly timeZone: string;
  readonly jobAttempts?: number;
  /** Ended months a run closes what is still open of, the previous month included; default 3. */
  readonly catchUpMonths?: number;
  readonly metrics?: Registry;
}

/** What one run closed: each month it found open, oldest first, with every scorecard of it. */
export interface MonthCloseRun {
  readonly months: readonly { readonly month: string; readonly scorecards: readonly StoredScorecard[] }[];
  /**
   * Scorecards published since the run started (revision 1 made after it began): this run's, or a
   * run racing it; not those a manager or an earlier run closed before.
   */
  readonly closedNow: number;
}

/** The month before the one `nowMs` falls in, at the site (`2026-12-01 08:00` → `2026-11`). */
export function monthBefore(nowMs: number, zone: SiteZone): string {
  const current = monthKeyAt(nowMs, zone);
  const year = Number(current.slice(0, 4));
  const month = Number(current.slice(5, 7));
  return month === 1 ? monthKey(year - 1, 12) : monthKey(year, month - 1);
}

/** The `count` months that ended last before `nowMs`, at the site, oldest first. */
export function endedMonths(nowMs: number, zone: SiteZone, count: number): string[] {
  const previous = monthBefore(nowMs, zone);
  const index = Number(previous.slice(0, 4)) * 12 + Number(previous.slice(5, 7)) - 1;
  return Array.from({ length: Math.max(1, count) }, (_, i) => {
    const at = index - (Math.max(1, count) - 1) + i;
    return monthKey(Math.floor(at / 12), (at % 12) + 1);
  });
}

/**
 * The scheduled 月考核 close, in the workers role: a BullMQ job scheduler (one for the
 * deployment, upserted by every workers process) whose job closes the previous month, at the
 * clock's time in the site's zone, for every contract in force, as `system`.
 *
 * **Catching up.** A firing nobody took (every workers process down on the 1st) is not replayed
 * by BullMQ, so each run — the firing, and a one-off job every workers process queues at start —
 * looks at the last `catchUpMonths` (default 3) ended months and closes, oldest first, every one
 * still open from the newest month that has a closed scorecard on, stopping at the first that
 * fails (the job's retries take it up again). The closed month is the anchor: it shows the
 * scheduled close was running, so what follows it was missed. Without one in the window, a firing
 * closes the previous month only and a start closes nothing, and both log the window's open
 * months for a person (`steward scoring close`): closing publishes a scorecard, its deposit
 * consequence and the vendor's appeal window, and shuts the month to inputs, so a fresh
 * deployment (or a demo) must not publish months from inputs nobody recorded, and a gap longer
 * than the window is more likely deliberate than missed. Why three: an outage over a 1st is caught
 * up at the next start or firing as long as it ends within two months, and the quarter whose
 * bulletin is due is then complete. Per contract `closeMonth` scores only the contracts in force
 * in the month. With the pattern `off` nothing is closed automatically, at start either.
 *
 * Safe to run twice and in several processes: BullMQ hands each firing to one worker, the start
 * job has one id (a second process's start adds nothing while it waits or runs), and should a job
 * be redelivered (a stalled worker), two runs race or a manager have closed a month already,
 * `closeMonth` returns the stored scorecards unchanged (it holds every contract's lock and skips
 * the closed ones); the scheme audit it starts with is taken under the audit lock, so it is
 * written once. Months close in order: a run closes a month only after the one before it is
 * closed, by it or by another run.
 */
export class MonthCloseScheduler implements Component {
  readonly name = 'scoring-month-close';
  readonly #options: MonthCloseSchedulerOptions;
  readonly #zone: SiteZone;
  readonly #closes: Counter<'outcome'>;
  readonly #lastSuccess: Gauge;
  #queue: Queue | undefined;
  #worker: Worker | undefined;
  #ownConnection: Redis | undefined;

  constructor(options: MonthCloseSchedulerOptions) {
    this.#options = options;
    this.#zone = new SiteZone(options.timeZone);
    const registry = options.metrics ?? new Registry();
    this.#closes = sharedCounter(registry, {
      name: 'steward_scoring_month_close_runs_total',
      help: 'Scheduled month closes by outcome (closed: some scorecard published now; unchanged: all closed before; failed)',
      labelNames: ['outcome'],
    });
    this.#lastSuccess = sharedGauge(registry, {
      name: 'steward_scoring_month_close_last_success_seconds',
      help: 'When the scheduled month close last succeeded (clock time, s since 1970)',
    });
  }

  get pattern(): string {
    return this.#options.pattern ?? DEFAULT_MONTH_CLOSE_PATTERN;
  }

  async start(): Promise<void> {
    const { connection, prefix } = this.#options;
    let bullConnection: ConnectionOptions;
    if (typeof connection === 'string') {
      this.#ownConnection = new Redis(connection, { maxRetriesPerRequest: null });
      this.#ownConnection.on('error', (error: Error) =>
        this.#options.logger.warn({ err: error }, 'month close queue connection error'),
      );
      bullConnection = this.#ownConnection;
    } else {
      bullConnection = connection;
    }
    this.#queue = new Queue(MONTH_CLOSE_QUEUE, { connection: bullConnection, prefix });
    this.#queue.on('error', (error) => this.#options.logger.warn({ err: error }, 'month close queue error'));
    const retries = {
      attempts: this.#options.jobAttempts ?? DEFAULT_CLOSE_ATTEMPTS,
      backoff: { type: 'exponential', delay: 60_000 },
    };
    if (this.pattern === 'off') {
      await this.#queue.removeJobScheduler(MONTH_CLOSE_SCHEDULER);
      this.#options.logger.info('scheduled month close is off: close months with `steward scoring close`');
    } else {
      // Idempotent: every workers process upserts the same scheduler; the last configuration wins.
      await this.#queue.upsertJobScheduler(
        MONTH_CLOSE_SCHEDULER,
        { pattern: this.pattern, tz: this.#options.timeZone },
        {
          name: MONTH_CLOSE_SCHEDULER,
          data: {},
          opts: { ...retries, removeOnComplete: { count: 24 }, removeOnFail: { count: 100 } },
        },
      );
      // Catch up what was missed while no workers ran. One id: while one waits or runs, another
      // process's start adds nothing; removed once done, so the next start runs it again.
      await this.#queue.add(
        MONTH_CLOSE_CATCH_UP,
        {},
        { ...retries, jobId: MONTH_CLOSE_CATCH_UP, removeOnComplete: true, removeOnFail: true },
      );
    }
    // The worker runs even when this process's pattern is off: another process may still schedule.
    this.#worker = new Worker(MONTH_CLOSE_QUEUE, (job) => this.#process(job.name), {
      connection: bullConnection,
      prefix,
      concurrency: 1,
    });
    this.#worker.on('error', (error) =>
      this.#options.logger.warn({ err: error }, 'month close worker error'),
    );
    this.#worker.on('failed', (job, error) =>
      this.#options.logger.error(
        { err: error, jobId: job?.id, attempts: job?.attemptsMade },
        'month close failed',
      ),
    );
    await this.#worker.waitUntilReady();
    this.#options.logger.info(
      { pattern: this.pattern, timeZone: this.#options.timeZone, queue: MONTH_CLOSE_QUEUE },
      'scheduled month close started',
    );
  }

  async stop(): Promise<void> {
    // close() lets a close in flight finish (it is one transaction per zone).
    await this.#worker?.close();
    this.#worker = undefined;
    await this.#queue?.close();
    this.#queue = undefined;
    if (this.#ownConnection) {
      if (this.#ownConnection.status === 'ready') await this.#ownConnection.quit();
      else this.#ownConnection.disconnect();
      this.#ownConnection = undefined;
    }
  }

  /**
   * What a job does: closes, oldest first, the months still open among the last `catchUpMonths`
   * ended before now (the clock's, at the site) from the newest one with a closed scorecard on,
   * for every contract in force; without such a month, the previous month on a `firing` and
   * nothing at a `start` (see the class).
   */
  async closeEndedMonths(run: 'firing' | 'start' = 'firing'): Promise<MonthCloseRun> {
    const { store, clock, logger } = this.#options;
    const startedAtMs = clock.nowMs();
    const window = endedMonths(
      startedAtMs,
      this.#zone,
      this.#options.catchUpMonths ?? DEFAULT_CATCH_UP_MONTHS,
    );
    const months: { month: string; scorecards: StoredScorecard[] }[] = [];
    let closedNow = 0;
    let month = window[0] as string;
    try {
      const closed = await store.latestScorecards(window);
      const closedMonths = new Set(closed.map((card) => card.month));
      const anchor = window.findLastIndex((key) => closedMonths.has(key));
      const stillOpen = window.filter((key) =>
        store.contractsInForce(key).some((id) => !closed.some((c) => c.month === key && c.contractId === id)),
      );
      const previous = window.at(-1) as string;
      const open =
        anchor >= 0
          ? stillOpen.filter((key) => window.indexOf(key) >= anchor)
          : run === 'firing' && stillOpen.includes(previous)
            ? [previous]
            : [];
      const leftOpen = stillOpen.filter((key) => !open.includes(key));
      if (leftOpen.length > 0)
        logger.warn(
          { months: leftOpen },
          'months still open that the scheduled close leaves to a person: `steward scoring close <month>`',
        );
      for (month of open) {
        const cards = await store.closeMonth({ role: 'system' }, month);
        const now = cards.filter((card) => card.revision === 1 && card.asOfMs >= startedAtMs).length;
        closedNow += now;
        months.push({ month, scorecards: cards });
        logger.info(
          { month, contracts: cards.length, closedNow: now },
          now > 0 ? 'month closed' : 'month was closed already',
        );
      }
      this.#closes.inc({ outcome: closedNow > 0 ? 'closed' : 'unchanged' });
      this.#lastSuccess.set(clock.nowMs() / 1000);
      if (open.length === 0) logger.info({ months: window }, 'every ended month was closed already');
      return { months, closedNow };
    } catch (error) {
      this.#closes.inc({ outcome: 'failed' });
      if (error instanceof ScoringError)
        logger.error({ month, code: error.code, err: error }, 'month close refused');
      throw error;
    }
  }

  /** The job's return value, kept with the completed job for a look in the queue. */
  async #process(jobName: string): Promise<{ months: string[]; closedNow: number }> {
    const { months, closedNow } = await this.closeEndedMonths(
      jobName === MONTH_CLOSE_CATCH_UP ? 'start' : 'firing',
    );
    return { months: months.map((entry) => entry.month), closedNow };
  }
}
