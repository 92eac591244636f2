import { Redis } from 'ioredis';
import type { SiteModel } from '../../config/load/model.ts';
import type { ServiceCategory } from '../../config/schema/common.ts';
import { incidentsChannel } from '../incidents/publisher.ts';
import type { Clock } from '../runtime/clock.ts';
import type { Component } from '../runtime/component.ts';
import { isPostgresUnavailable } from '../runtime/connections/postgres-unavailable.ts';
import type { Logger } from '../runtime/logger.ts';
import type { CalendarFor } from './calendars.ts';
import { planDispatch } from './dispatch-plan.ts';
import { type Actor, assignmentFor, routeIncident, type SlaProfile } from './domain/index.ts';
import {
  ACTIVATION_KINDS,
  advanceCursor,
  ensureCursor,
  episodeLinked,
  type IncidentEventFact,
  lockCursor,
  nextIncidentEvent,
} from './incident-feed.ts';
import type { WorkOrderMetrics } from './metrics.ts';
import {
  insertParkedEvent,
  type ParkedEvent,
  type ParkedEventFilter,
  selectLatestOrderOfFault,
  selectOpenGroupOrder,
  selectParkedEvent,
  type WorkOrderStore,
  WorkOrderStoreError,
  type WorkOrderTransaction,
} from './store/index.ts';

export const DISPATCHER_CONSUMER = 'dispatcher';
export const DEFAULT_DISPATCH_POLL_MS = 1_000;
export const DEFAULT_GAP_GRACE_MS = 5_000;
export const DEFAULT_PARK_AFTER_ATTEMPTS = 3;

const SYSTEM: Actor = { role: 'system' };

/** What the dispatcher did with one incident event. */
export type DispatchOutcome =
  /** A new order, dispatched to the vendor of the one contract in force. */
  | 'created'
  /** A new order in the office's queue, flagged with the reason. */
  | 'office_queue'
  /** Linked to an open order: the same fault's, or the day's group order. */
  | 'joined'
  /** The same fault's finished order reopened (重复故障). */
  | 'reopened'
  /** Not an activation (refired, cleared, acknowledged, closed). */
  | 'ignored'
  /** The episode was already linked: a redelivery. */
  | 'duplicate';

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
 * An incident event the dispatcher failed to handle: the drain stops there and the next wake
 * starts again from the cursor. `transient` failures (PostgreSQL away, a deadlock) are retried
 * for as long as they last; any other is `attempt` n of `parkAfterAttempts`, after which the event
 * is parked. The original error is the `cause`.
 */
export class IncidentEventFailure extends Error {
  readonly eventId: string;
  readonly incidentId: string;
  readonly transient: boolean;
  readonly attempt: number | null;

  constructor(event: IncidentEventFact, cause: unknown, attempt: number | null) {
    const what = attempt === null ? 'transient failure' : `attempt ${attempt}`;
    const message = `incident event ${event.eventId} of incident ${event.incidentId} failed (${what})`;
    super(`${message}: ${messageOf(cause)}`, { cause });
    this.name = 'IncidentEventFailure';
    this.eventId = event.eventId;
    this.incidentId = event.incidentId;
    this.transient = attempt === null;
    this.attempt = attempt;
  }
}

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
  readonly #consumer: string;
  readonly #profiles: ReadonlyMap<string, SlaProfile | null>;
  #subscriber: Redis | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  /** Set by stop(): a drain in progress ends after its current event instead of emptying a backlog. */
  #stopping = false;
  #cursorReady = false;
  /** Drains run one after another; a wake-up while one is queued adds nothing. */
  #queue: Promise<unknown> = Promise.resolve();
  #wakePending = false;
  #gap: { readonly afterId: string; readonly sinceMs: number } | undefined;
  /**
   * The event at the head failing for a reason of its own, and how often in a row. In memory: the
   * bound only has to stop one event holding up the rest, and the failed transaction has rolled
   * back anyway. A restart starts counting again, and each process counts its own attempts.
   */
  #failing: { readonly eventId: string; readonly attempts: number } | undefined;

  constructor(options: WorkOrderDispatcherOptions) {
    this.#options = options;
    this.#consumer = options.consumer ?? DISPATCHER_CONSUMER;
    this.#profiles = new Map(options.model.rules.map((rule) => [rule.id, rule.slaProfile ?? null]));
  }

  async start(): Promise<void> {
    const { redisUrl, prefix, logger } = this.#options;
    await this.#ensureCursor();
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
      .catch((error: unknown) => {
        this.#options.metrics?.dispatchFailures.inc();
        this.#options.logger.error({ err: error }, 'incident event not dispatched; retrying from the cursor');
      });
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

  async #ensureCursor(): Promise<void> {
    if (this.#cursorReady) return;
    await this.#options.store.transaction((tx) => ensureCursor(tx.client, this.#consumer));
    this.#cursorReady = true;
  }

  async #drainAll(): Promise<number> {
    await this.#ensureCursor();
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
    const { store, metrics, logger } = this.#options;
    const reading: { event?: IncidentEventFact } = {};
    let result: 'idle' | 'waiting' | { outcome: DispatchOutcome; orderId?: string; event: IncidentEventFact };
    try {
      result = await store.transaction(async (tx) => {
        const cursor = await lockCursor(tx.client, this.#consumer);
        const event = await nextIncidentEvent(tx.client, cursor);
        if (!event) return 'idle' as const;
        if (BigInt(event.eventId) > BigInt(cursor) + 1n && !this.#gapPassed(cursor)) {
          return 'waiting' as const;
        }
        this.#gap = undefined;
        reading.event = event;
        const handled = await this.#handle(tx, event);
        await advanceCursor(tx.client, this.#consumer, event.eventId);
        return { ...handled, event };
      });
    } catch (error) {
      // Failing before an event was read (the cursor, the feed's query) blames no event: retried.
      if (reading.event === undefined) throw error;
      return this.#failed(reading.event, error);
    }
    if (typeof result === 'string') return result;
    this.#failing = undefined;
    const { outcome, orderId, event } = result;
    metrics?.dispatched.inc({ outcome });
    if (outcome !== 'ignored') {
      // Info, with both ids: the link operators follow from an incident to its work order.
      logger.info(
        { eventId: event.eventId, incidentId: event.incidentId, kind: event.kind, outcome, orderId },
        'incident event dispatched',
      );
    }
    return outcome;
  }

  /** After the event's transaction rolled back: throw to retry it from the cursor, or park it. */
  async #failed(event: IncidentEventFact, error: unknown): Promise<DrainStep> {
    if (isTransientDispatchFailure(error)) throw new IncidentEventFailure(event, error, null);
    const attempts = (this.#failing?.eventId === event.eventId ? this.#failing.attempts : 0) + 1;
    this.#failing = { eventId: event.eventId, attempts };
    if (attempts < (this.#options.parkAfterAttempts ?? DEFAULT_PARK_AFTER_ATTEMPTS)) {
      throw new IncidentEventFailure(event, error, attempts);
    }
    return this.#park(event, error, attempts);
  }

  /**
   * Records the event in `work_order_parked_events` and moves the cursor past it, in one
   * transaction, if it is still the next event (another process may have handled it meanwhile).
   */
  async #park(event: IncidentEventFact, error: unknown, attempts: number): Promise<'parked' | 'taken'> {
    const { store, metrics, logger, clock } = this.#options;
    const errorCode = codeOf(error);
    const parked = await store.transaction(async (tx) => {
      const cursor = await lockCursor(tx.client, this.#consumer);
      const head = await nextIncidentEvent(tx.client, cursor);
      if (head?.eventId !== event.eventId) return false;
      await insertParkedEvent(tx.client, {
        consumer: this.#consumer,
        eventId: event.eventId,
        incidentId: event.incidentId,
        kind: event.kind,
        errorCode,
        errorMessage: messageOf(error),
        attempts,
        parkedAtMs: clock.nowMs(),
      });
      await advanceCursor(tx.client, this.#consumer, event.eventId);
      return true;
    });
    this.#failing = undefined;
    if (!parked) return 'taken';
    metrics?.parked.inc();
    logger.error(
      {
        eventId: event.eventId,
        incidentId: event.incidentId,
        kind: event.kind,
        attempts,
        errorCode,
        err: error,
      },
      'incident event parked after repeated failures; later events go on (see listParked / redispatchParked)',
    );
    return 'parked';
  }

  /** The events this dispatcher's cursor parked, oldest first, with the order each is linked to now. */
  listParked(filter: Omit<ParkedEventFilter, 'consumer'> = {}): Promise<ParkedEvent[]> {
    return this.#options.store.listParked({ ...filter, consumer: this.#consumer });
  }

  /**
   * Handles a parked event again, once a person has removed the cause, and returns what it did.
   * It takes the cursor's lock like a drain (dispatch decisions stay one at a time across
   * processes) but leaves the cursor where it is. Idempotent: an event whose episode is linked
   * already is a `duplicate`. A failure is thrown to the caller; the event stays parked.
   * `not_found` when this dispatcher's cursor never parked the event.
   */
  async redispatchParked(eventId: string): Promise<{ outcome: DispatchOutcome; orderId?: string }> {
    const { store, metrics, logger } = this.#options;
    await this.#ensureCursor();
    const { handled, event } = await store.transaction(async (tx) => {
      await lockCursor(tx.client, this.#consumer);
      const parked = await selectParkedEvent(tx.client, this.#consumer, eventId);
      if (!parked) {
        throw new WorkOrderStoreError(
          'not_found',
          `incident event ${eventId} was not parked by ${this.#consumer}`,
        );
      }
      // The parked row references the event and incident_events is append-only: the first event
      // after the id before it is this one.
      const fact = await nextIncidentEvent(tx.client, (BigInt(parked.eventId) - 1n).toString());
      if (fact?.eventId !== parked.eventId) throw new Error(`incident event ${parked.eventId} not found`);
      return { handled: await this.#handle(tx, fact), event: fact };
    });
    metrics?.dispatched.inc({ outcome: handled.outcome });
    logger.info(
      { eventId: event.eventId, incidentId: event.incidentId, kind: event.kind, ...handled },
      'parked incident event re-dispatched',
    );
    return handled;
  }

  /** Whether the hole after `cursor` has been waited for long enough (first sight starts the wait). */
  #gapPassed(cursor: string): boolean {
    const graceMs = this.#options.gapGraceMs ?? DEFAULT_GAP_GRACE_MS;
    if (this.#gap?.afterId !== cursor) {
      this.#gap = { afterId: cursor, sinceMs: performance.now() };
      return graceMs <= 0;
    }
    return performance.now() - this.#gap.sinceMs >= graceMs;
  }

  async #handle(
    tx: WorkOrderTransaction,
    event: IncidentEventFact,
  ): Promise<{ outcome: DispatchOutcome; orderId?: string }> {
    if (!(ACTIVATION_KINDS as readonly string[]).includes(event.kind)) return { outcome: 'ignored' };
    if (await episodeLinked(tx.client, event.eventId)) return { outcome: 'duplicate' };
    const { model, calendarFor, clock } = this.#options;
    const nowMs = clock.nowMs();
    const category = event.category as ServiceCategory;
    const route = routeIncident(
      { buildingCode: event.buildingCode, category, severity: event.severity, atMs: event.atMs },
      model.contracts.values(),
      calendarFor(event.buildingCode),
    );
    const previous = (await selectLatestOrderOfFault(tx.client, event.ruleId, event.equipmentId)) ?? null;
    const openGroupOrders = new Map<string, string>();
    const groupKeys = [route.kind === 'contract' && route.dispatch === 'daily_group' ? route.groupKey : null];
    groupKeys.push(previous?.groupKey ?? null);
    for (const key of groupKeys) {
      if (key === null || openGroupOrders.has(key)) continue;
      const holder = await selectOpenGroupOrder(tx.client, key);
      if (holder !== undefined) openGroupOrders.set(key, holder);
    }
    const plan = planDispatch({ route, previous, openGroupOrders, atMs: nowMs });
    const link = (orderId: string) => tx.linkIncident(orderId, event.incidentId, event.eventId, nowMs);

    if (plan.kind === 'join') {
      await tx.lock(plan.orderId);
      await link(plan.orderId);
      return { outcome: 'joined', orderId: plan.orderId };
    }
    if (plan.kind === 'reopen') {
      const order = await tx.lock(plan.orderId);
      // Never before the order's last transition, even with two processes' clocks a little apart.
      const atMs = Math.max(nowMs, order.updatedAtMs);
      const reason = `incident ${event.incidentId} fired again`;
      await tx.apply(plan.orderId, { type: 'reopen', reason }, SYSTEM, atMs);
      await link(plan.orderId);
      return { outcome: 'reopened', orderId: plan.orderId };
    }
    const slaProfile = this.#profiles.get(event.ruleId) ?? null;
    const created = await tx.create(
      {
        buildingCode: event.buildingCode,
        category,
        severity: event.severity,
        slaProfile,
        incidentIds: [event.incidentId],
        route: plan.route,
      },
      SYSTEM,
      nowMs,
    );
    if (plan.route.kind === 'contract') {
      const contract = model.contracts.get(plan.route.contractId);
      if (!contract) throw new Error(`contract ${plan.route.contractId} routed to but not configured`);
      // Automatic routes dispatch in the instant they are created: the SLA counts from now.
      await tx.apply(
        created.order.id,
        { type: 'dispatch', assignment: assignmentFor(contract, event.severity, slaProfile) },
        SYSTEM,
        nowMs,
      );
    }
    await link(created.order.id);
    return {
      outcome: plan.route.kind === 'contract' ? 'created' : 'office_queue',
      orderId: created.order.id,
    };
  }
}

/**
 * SQLSTATEs that blame the moment, not the event: a serialization failure or deadlock (40001,
 * 40P01), a lock not available (55P03), the server short of resources (class 53: disk, memory,
 * connections).
 */
const TRANSIENT_SQLSTATES = /^(40001|40P01|55P03|53[0-9A-Z]{3})$/;

/**
 * Whether the dispatcher's failure is the database's rather than the event's: PostgreSQL away
 * (`isPostgresUnavailable`: refused, reset, terminated, class 08, 57P01–57P03) or one of
 * `TRANSIENT_SQLSTATES` in the cause chain (the store wraps 40001/40P01 as `conflict`). Such a
 * failure is retried from the cursor for as long as it lasts and never parks an event.
 */
export function isTransientDispatchFailure(error: unknown): boolean {
  if (isPostgresUnavailable(error)) return true;
  let current = error;
  for (let depth = 0; current instanceof Error && depth <= 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_SQLSTATES.test(code)) return true;
    current = current.cause;
  }
  return false;
}

/** The failure's code for the parked row: a typed error's (`WorkOrderStoreError`) or the SQLSTATE. */
function codeOf(error: unknown): string | null {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : null;
}

/** The message, with PostgreSQL's detail (e.g. the row a constraint refused) when it gives one. */
function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const detail = (error as { detail?: unknown }).detail;
  return typeof detail === 'string' && detail !== '' ? `${error.message} (${detail})` : error.message;
}
