import { Redis } from 'ioredis';
import type { SiteModel } from '../../config/load/model.ts';
import { incidentsChannel } from '../incidents/publisher.ts';
import type { Clock } from '../runtime/clock.ts';
import type { Component } from '../runtime/component.ts';
import type { Logger } from '../runtime/logger.ts';
import type { CalendarFor } from './calendars.ts';
import { HeadEventAttempts, IncidentEventFailure, isTransientDispatchFailure } from './dispatch-failures.ts';
import { DispatcherTelemetry } from './dispatcher-telemetry.ts';
import { type DispatchOutcome, IncidentEventHandler } from './event-handler.ts';
import { FeedCursor } from './feed-cursor.ts';
import type { IncidentEventFact } from './incident-feed.ts';
import type { WorkOrderMetrics } from './metrics.ts';
import { EventParking } from './parking.ts';
import type { ParkedEvent, ParkedEventFilter, WorkOrderStore } from './store/index.ts';

// Exported from here since before the split into the modules below; callers keep these paths.
export { IncidentEventFailure, isTransientDispatchFailure } from './dispatch-failures.ts';
export type { DispatchOutcome } from './event-handler.ts';

export const DISPATCHER_CONSUMER = 'dispatcher';
export const DEFAULT_DISPATCH_POLL_MS = 1_000;
export const DEFAULT_GAP_GRACE_MS = 5_000;
export const DEFAULT_PARK_AFTER_ATTEMPTS = 3;

export interface WorkOrderDispatcherOptions {
  readonly store: WorkOrderStore;
  /** Contracts to route by, rules for each incident's SLA profile. */
  readonly model: Pick<SiteModel, 'contracts' | 'rules'>;
  readonly calendarFor: CalendarFor;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `STEWARD_REDIS_PREFIX`: the incidents channel to wake on is `<prefix>:incidents`. */
  readonly prefix: string;
  /** A subscribed client can do nothing else: the dispatcher opens its own; without a URL it only polls. */
  readonly redisUrl?: string;
  /** The fallback poll when no message wakes it; default 1 s. */
  readonly pollMs?: number;
  /**
   * How long a hole in the event ids is waited for before it is passed over (real time, not the
   * clock: it is how long another transaction may still be committing). Default 5 s.
   */
  readonly gapGraceMs?: number;
  /** The cursor's name in `work_order_cursors`; default `dispatcher`. */
  readonly consumer?: string;
  /**
   * How many times an event failing for a reason of its own (not PostgreSQL away, see
   * `isTransientDispatchFailure`) is tried, one attempt per wake, before it is parked and the
   * cursor moves on; default 3.
   */
  readonly parkAfterAttempts?: number;
  readonly metrics?: WorkOrderMetrics;
}

/** What one step of a drain did: nothing to do, a hole waited for, an event handled or parked. */
type DrainStep = 'idle' | 'waiting' | 'parked' | 'taken' | DispatchOutcome;

/**
 * Turns incidents into work orders. It consumes `incident_events` as an outbox from its cursor
 * in `work_order_cursors`, one event per transaction: the cursor row is locked `for update`
 * (dispatchers of several processes take turns), the event handled, the cursor advanced, all
 * committed together, so an event is handled once whatever crashes when; a redelivery finds its
 * episode linked (`work_order_incidents.activation_event_id` is unique) and does nothing.
 *
 * Woken by the incidents channel on Redis and by a poll, so nothing is lost while Redis, or the
 * dispatcher itself, is down: it resumes from the cursor. Ids are handed out before commit, so a
 * hole in them may be a transaction still committing: the dispatcher waits for it (up to
 * `gapGraceMs`, then takes it as rolled back) rather than step over an event for good.
 *
 * An event that fails for a reason of its own (a bug, bad data, a constraint) on
 * `parkAfterAttempts` wakes in a row is parked: recorded in `work_order_parked_events` in the
 * transaction that moves the cursor past it, so one poison event cannot hold back every later
 * incident. A person lists them (`listParked`) and, once the cause is removed, re-dispatches one
 * (`redispatchParked`). Failures of the database itself are never counted: retried from the cursor.
 */
export class WorkOrderDispatcher implements Component {
  readonly name = 'workorder-dispatcher';
  readonly #options: WorkOrderDispatcherOptions;
  readonly #cursor: FeedCursor;
  readonly #handler: IncidentEventHandler;
  readonly #parking: EventParking;
  readonly #telemetry: DispatcherTelemetry;
  readonly #attempts = new HeadEventAttempts();
  #subscriber: Redis | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  /** Set by stop(): a drain in progress ends after its current event instead of emptying a backlog. */
  #stopping = false;
  /** Drains run one after another; a wake-up while one is queued adds nothing. */
  #queue: Promise<unknown> = Promise.resolve();
  #wakePending = false;

  constructor(options: WorkOrderDispatcherOptions) {
    this.#options = options;
    const consumer = options.consumer ?? DISPATCHER_CONSUMER;
    this.#cursor = new FeedCursor(options.store, consumer, options.gapGraceMs ?? DEFAULT_GAP_GRACE_MS);
    this.#handler = new IncidentEventHandler(options);
    this.#parking = new EventParking(options, consumer, this.#handler);
    this.#telemetry = new DispatcherTelemetry(options);
  }

  async start(): Promise<void> {
    const { redisUrl, prefix, logger } = this.#options;
    await this.#cursor.ensure();
    this.#running = true;
    this.#stopping = false;
    if (redisUrl !== undefined) {
      const subscriber = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
      subscriber.on('error', (error: Error) => logger.warn({ err: error }, 'dispatcher subscriber error'));
      subscriber.on('message', () => this.wake());
      this.#subscriber = subscriber;
      try {
        await subscriber.connect();
        // ioredis subscribes again by itself after a reconnect.
        await subscriber.subscribe(incidentsChannel(prefix));
      } catch (error) {
        // Not fatal: the poll keeps orders flowing while Redis is away.
        logger.warn({ err: error }, 'dispatcher not subscribed to incident changes yet; polling');
        void subscriber.subscribe(incidentsChannel(prefix)).catch(() => undefined);
      }
    }
    this.#timer = setInterval(() => this.wake(), this.#options.pollMs ?? DEFAULT_DISPATCH_POLL_MS);
    this.#timer.unref();
    // Whatever came while this process was down.
    this.wake();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#stopping = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    if (subscriber) {
      if (subscriber.status === 'ready') await subscriber.quit().catch(() => subscriber.disconnect());
      else subscriber.disconnect();
    }
    await this.#queue;
  }

  /** Asks for a drain soon (a message or the poll); failures are logged and retried on the next wake. */
  wake(): void {
    if (!this.#running || this.#wakePending) return;
    this.#wakePending = true;
    this.#queue = this.#queue
      .then(() => {
        this.#wakePending = false;
        return this.#running ? this.#drainAll() : 0;
      })
      .catch((error: unknown) => this.#telemetry.drainFailed(error));
  }

  /**
   * Handles every event after the cursor now (after any drain in progress) and returns how many
   * it handled. For tests and tools; the running component drains by itself.
   */
  drain(): Promise<number> {
    const run = this.#queue.then(() => this.#drainAll());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #drainAll(): Promise<number> {
    await this.#cursor.ensure();
    let handled = 0;
    while (!this.#stopping) {
      const step = await this.#handleNext();
      if (step === 'idle' || step === 'waiting') return handled;
      if (step !== 'taken') handled++;
    }
    return handled;
  }

  /** One event, one transaction: lock the cursor, handle the next event, advance, commit. */
  async #handleNext(): Promise<DrainStep> {
    const reading: { event?: IncidentEventFact } = {};
    let result: 'idle' | 'waiting' | { outcome: DispatchOutcome; orderId?: string; event: IncidentEventFact };
    try {
      result = await this.#options.store.transaction(async (tx) => {
        const head = await this.#cursor.next(tx);
        if (typeof head === 'string') return head;
        reading.event = head;
        const handled = await this.#handler.handle(tx, head);
        await this.#cursor.advance(tx, head.eventId);
        return { ...handled, event: head };
      });
    } catch (error) {
      // Failing before an event was read (the cursor, the feed's query) blames no event: retried.
      if (reading.event === undefined) throw error;
      return this.#failed(reading.event, error);
    }
    if (typeof result === 'string') return result;
    this.#attempts.clear();
    const { event, ...handled } = result;
    this.#telemetry.dispatched(event, handled);
    return handled.outcome;
  }

  /** After the event's transaction rolled back: throw to retry it from the cursor, or park it. */
  async #failed(event: IncidentEventFact, error: unknown): Promise<DrainStep> {
    if (isTransientDispatchFailure(error)) throw new IncidentEventFailure(event, error, null);
    const attempts = this.#attempts.count(event.eventId);
    if (attempts < (this.#options.parkAfterAttempts ?? DEFAULT_PARK_AFTER_ATTEMPTS)) {
      throw new IncidentEventFailure(event, error, attempts);
    }
    return this.#park(event, error, attempts);
  }

  /** Parks the event (see `EventParking.park`) unless another process has taken it meanwhile. */
  async #park(event: IncidentEventFact, error: unknown, attempts: number): Promise<'parked' | 'taken'> {
    const parked = await this.#parking.park(event, error, attempts);
    this.#attempts.clear();
    if (!parked) return 'taken';
    this.#telemetry.parked(event, error, attempts);
    return 'parked';
  }

  /** The events this dispatcher's cursor parked, oldest first, with the order each is linked to now. */
  listParked(filter: Omit<ParkedEventFilter, 'consumer'> = {}): Promise<ParkedEvent[]> {
    return this.#parking.list(filter);
  }

  /**
   * Handles a parked event again, once a person has removed the cause, and returns what it did.
   * It takes the cursor's lock like a drain (dispatch decisions stay one at a time across
   * processes) but leaves the cursor where it is. Idempotent: an event whose episode is linked
   * already is a `duplicate`. A failure is thrown to the caller; the event stays parked.
   * `not_found` when this dispatcher's cursor never parked the event.
   */
  async redispatchParked(eventId: string): Promise<{ outcome: DispatchOutcome; orderId?: string }> {
    await this.#cursor.ensure();
    const { handled, event } = await this.#parking.redispatch(eventId);
    this.#telemetry.redispatched(event, handled);
    return handled;
  }
}
