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
/** A failed close (the database away) is retried with exponential backoff from a minute. */
export const DEFAULT_CLOSE_ATTEMPTS = 8;

export interface MonthCloseSchedulerOptions {
  readonly store: Pick<ScoringStore, 'closeMonth'>;
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
  readonly metrics?: Registry;
}

/** The month before the one `nowMs` falls in, at the site (`2026-12-01 08:00` → `2026-11`). */
export function monthBefore(nowMs: number, zone: SiteZone): string {
  const current = monthKeyAt(nowMs, zone);
  const year = Number(current.slice(0, 4));
  const month = Number(current.slice(5, 7));
  return month === 1 ? monthKey(year - 1, 12) : monthKey(year, month - 1);
}

/**
 * The scheduled 月考核 close, in the workers role: a BullMQ job scheduler (one for the
 * deployment, upserted by every workers process) whose job closes the previous month, at the
 * clock's time in the site's zone, for every contract in force, as `system`.
 *
 * Safe to run twice and in several processes: BullMQ hands each firing to one worker, and should
 * a job be redelivered (a stalled worker) or a manager have closed the month already, `closeMonth`
 * returns the stored scorecards unchanged (it holds every contract's lock and skips the closed
 * ones); the scheme audit it starts with is taken under the audit lock, so it is written once.
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
          opts: {
            attempts: this.#options.jobAttempts ?? DEFAULT_CLOSE_ATTEMPTS,
            backoff: { type: 'exponential', delay: 60_000 },
            removeOnComplete: { count: 24 },
            removeOnFail: { count: 100 },
          },
        },
      );
    }
    // The worker runs even when this process's pattern is off: another process may still schedule.
    this.#worker = new Worker(MONTH_CLOSE_QUEUE, () => this.#process(), {
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

  /** What a job does: closes the month before now (the clock's) for every contract in force. */
  async closePreviousMonth(): Promise<{ month: string; scorecards: StoredScorecard[] }> {
    const startedAtMs = this.#options.clock.nowMs();
    const month = monthBefore(startedAtMs, this.#zone);
    try {
      const cards = await this.#options.store.closeMonth({ role: 'system' }, month);
      const now = cards.filter((card) => card.revision === 1 && card.asOfMs >= startedAtMs).length;
      this.#closes.inc({ outcome: now > 0 ? 'closed' : 'unchanged' });
      this.#lastSuccess.set(this.#options.clock.nowMs() / 1000);
      this.#options.logger.info(
        { month, contracts: cards.length, closedNow: now },
        now > 0 ? 'month closed' : 'month was closed already',
      );
      return { month, scorecards: cards };
    } catch (error) {
      this.#closes.inc({ outcome: 'failed' });
      if (error instanceof ScoringError)
        this.#options.logger.error({ month, code: error.code, err: error }, 'month close refused');
      throw error;
    }
  }

  /** The job's return value, kept with the completed job for a look in the queue. */
  async #process(): Promise<{ month: string; contracts: number }> {
    const { month, scorecards } = await this.closePreviousMonth();
    return { month, contracts: scorecards.length };
  }
}
