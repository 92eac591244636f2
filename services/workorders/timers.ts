import { type ConnectionOptions, type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Clock } from '../runtime/clock.ts';
import type { Component } from '../runtime/component.ts';
import type { Logger } from '../runtime/logger.ts';
import { reportQueueDepth } from '../runtime/metrics.ts';

/** What the timers log of a breach the store newly recorded (a `sla_events` row). */
export interface RecordedBreach {
  readonly orderId: string;
  readonly target: 'accept' | 'arrive' | 'resolve';
  readonly vendorId: string;
  readonly deadlineMs: number;
  readonly minutesOver: number;
}

/**
 * What the timers need from the work-order store. Both are read from PostgreSQL, so the timers
 * hold nothing of their own: an emptied Redis loses no deadline.
 */
export interface SlaTimerStore {
  /** Every order whose SLA still has a running deadline: its id and the instant to look at it. */
  pendingChecks(): Promise<readonly { readonly orderId: string; readonly nextCheckAtMs: number }[]>;
  /**
   * Records, once, every target of the order that reads breached at `nowMs` (a target already
   * recorded is skipped by the table's unique key) and returns the new ones and the next instant
   * to look again (null when nothing runs any more).
   */
  recordBreaches(
    orderId: string,
    nowMs: number,
  ): Promise<{ readonly recorded: readonly RecordedBreach[]; readonly nextCheckAtMs: number | null }>;
}

export interface SlaTimersOptions {
  readonly store: SlaTimerStore;
  /** A Redis URL (own clients, closed at stop) or BullMQ connection options. */
  readonly connection: string | ConnectionOptions;
  readonly prefix: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often every pending check is rescheduled from PostgreSQL; default 60 s. */
  readonly reconcileMs?: number;
  /** Channel whose messages (`{ orderId }` JSON) mean "look at this order's timers again". */
  readonly changesChannel?: string;
  readonly onBreach?: (breach: RecordedBreach) => void;
  /** Where the pending checks are reported (`steward_queue_jobs{queue="sla-timers"}`). */
  readonly metrics?: Registry;
}

interface CheckJob {
  readonly orderId: string;
  readonly atMs: number;
}

export const slaTimerQueueName = 'sla-timers';

/**
 * SLA deadlines as BullMQ delayed jobs, one per order and check instant (job id
 * `<order>-<instant>`, so scheduling the same check twice adds one job). The jobs are only an
 * alarm clock: when one fires, the store computes the SLA status from the transition history at
 * the clock's `now` and records new breaches once. At start and every `reconcileMs` every pending
 * check is scheduled again from PostgreSQL, so after a Redis `FLUSHALL`, a lost message or a
 * restart, a deadline fires late by at most that interval, never twice and never not at all.
 * Safe in several processes: job ids de-duplicate, and breaches are unique per order, leg and target.
 */
export class SlaTimers implements Component {
  readonly name = 'sla-timers';
  readonly #options: SlaTimersOptions;
  #queue: Queue<CheckJob> | undefined;
  #worker: Worker<CheckJob> | undefined;
  #subscriber: Redis | undefined;
  #ownConnection: Redis | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reconciling: Promise<void> | undefined;

  constructor(options: SlaTimersOptions) {
    this.#options = options;
    if (options.metrics) reportQueueDepth(options.metrics, () => (this.#queue ? [this.#queue] : []));
  }

  async start(): Promise<void> {
    const { connection, prefix, logger } = this.#options;
    let bull: ConnectionOptions;
    if (typeof connection === 'string') {
      this.#ownConnection = new Redis(connection, { maxRetriesPerRequest: null });
      this.#ownConnection.on('error', (error: Error) =>
        logger.warn({ err: error }, 'SLA timer connection error'),
      );
      bull = this.#ownConnection;
    } else {
      bull = connection;
    }
    this.#queue = new Queue<CheckJob>(slaTimerQueueName, {
      connection: bull,
      prefix,
      defaultJobOptions: {
        attempts: 10,
        backoff: { type: 'exponential', delay: 1_000 },
        // A completed id must not linger: the same check scheduled again (reconcile) has to run.
        removeOnComplete: true,
        removeOnFail: 10_000,
      },
    });
    this.#queue.on('error', (error) => logger.warn({ err: error }, 'SLA timer queue error'));
    this.#worker = new Worker<CheckJob>(slaTimerQueueName, (job) => this.#check(job), {
      connection: bull,
      prefix,
      concurrency: 4,
    });
    this.#worker.on('error', (error) => logger.warn({ err: error }, 'SLA timer worker error'));
    this.#worker.on('failed', (job, error) =>
      logger.error({ err: error, orderId: job?.data.orderId }, 'SLA check failed'),
    );
    await this.#worker.waitUntilReady();
    await this.reconcile();
    if (this.#options.changesChannel && typeof connection === 'string') {
      this.#subscriber = new Redis(connection);
      this.#subscriber.on('error', (error: Error) =>
        logger.warn({ err: error }, 'SLA timer subscriber error'),
      );
      this.#subscriber.on('message', (_channel: string, message: string) => {
        void this.#onChange(message).catch((error: unknown) =>
          logger.warn({ err: error }, 'could not reschedule an order after a change'),
        );
      });
      await this.#subscriber.subscribe(this.#options.changesChannel);
    }
    this.#timer = setInterval(() => {
      void this.reconcile().catch((error: unknown) =>
        logger.warn({ err: error }, 'SLA timers could not be rebuilt from PostgreSQL'),
      );
    }, this.#options.reconcileMs ?? 60_000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#reconciling;
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
    await this.#worker?.close();
    await this.#queue?.close();
    this.#worker = undefined;
    this.#queue = undefined;
    if (this.#ownConnection) {
      if (this.#ownConnection.status === 'ready') await this.#ownConnection.quit();
      else this.#ownConnection.disconnect();
      this.#ownConnection = undefined;
    }
  }

  /** Schedules every pending check from PostgreSQL (at start, periodically, and on demand). */
  reconcile(): Promise<void> {
    this.#reconciling ??= (async () => {
      const checks = await this.#options.store.pendingChecks();
      for (const { orderId, nextCheckAtMs } of checks) await this.schedule(orderId, nextCheckAtMs);
      this.#options.logger.debug({ pending: checks.length }, 'SLA timers rebuilt from PostgreSQL');
    })().finally(() => {
      this.#reconciling = undefined;
    });
    return this.#reconciling;
  }

  /** Makes sure a check of the order runs at `atMs` (clock time). */
  async schedule(orderId: string, atMs: number): Promise<void> {
    const queue = this.#queue;
    if (!queue) return;
    const delay = Math.max(0, atMs - this.#options.clock.nowMs());
    await queue.add('check', { orderId, atMs }, { jobId: `${orderId}-${atMs}`, delay });
  }

  async #onChange(message: string): Promise<void> {
    let orderId: unknown;
    try {
      orderId = (JSON.parse(message) as { orderId?: unknown }).orderId;
    } catch {
      return;
    }
    if (typeof orderId !== 'string' && typeof orderId !== 'number') return;
    // A transition may move, start or end deadlines: look at the order now; the check reschedules.
    await this.schedule(String(orderId), this.#options.clock.nowMs());
  }

  async #check(job: Job<CheckJob>): Promise<void> {
    const { store, clock, logger, onBreach } = this.#options;
    const { orderId } = job.data;
    const { recorded, nextCheckAtMs } = await store.recordBreaches(orderId, clock.nowMs());
    for (const breach of recorded) {
      logger.warn(
        {
          orderId,
          vendorId: breach.vendorId,
          target: breach.target,
          minutesOver: breach.minutesOver,
        },
        'SLA breached',
      );
      onBreach?.(breach);
    }
    if (nextCheckAtMs === null) return;
    if (nextCheckAtMs > job.data.atMs) {
      await this.schedule(orderId, nextCheckAtMs);
    } else {
      // Fired before the clock reached the instant (clocks apart): look again shortly, under another id.
      const delay = Math.max(100, nextCheckAtMs - clock.nowMs());
      await this.#queue?.add(
        'check',
        { orderId, atMs: nextCheckAtMs },
        { jobId: `${job.id}-again-${job.attemptsMade}-${Date.now()}`, delay },
      );
    }
  }
}
