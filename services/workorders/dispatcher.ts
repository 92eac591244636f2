import { Redis } from 'ioredis';
import type { SiteModel } from '../../config/load/model.ts';
import type { ServiceCategory } from '../../config/schema/common.ts';
import { incidentsChannel } from '../incidents/publisher.ts';
import type { Clock } from '../runtime/clock.ts';
import type { Component } from '../runtime/component.ts';
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
  selectLatestOrderOfFault,
  selectOpenGroupOrder,
  type WorkOrderStore,
  type WorkOrderTransaction,
} from './store/index.ts';

export const DISPATCHER_CONSUMER = 'dispatcher';
export const DEFAULT_DISPATCH_POLL_MS = 1_000;
export const DEFAULT_GAP_GRACE_MS = 5_000;

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
  readonly metrics?: WorkOrderMetrics;
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
      handled++;
    }
    return handled;
  }

  /** One event, one transaction: lock the cursor, handle the next event, advance, commit. */
  #handleNext(): Promise<'idle' | 'waiting' | DispatchOutcome> {
    const { store, metrics, logger } = this.#options;
    return store
      .transaction(async (tx) => {
        const cursor = await lockCursor(tx.client, this.#consumer);
        const event = await nextIncidentEvent(tx.client, cursor);
        if (!event) return 'idle' as const;
        if (BigInt(event.eventId) > BigInt(cursor) + 1n && !this.#gapPassed(cursor)) {
          return 'waiting' as const;
        }
        this.#gap = undefined;
        const handled = await this.#handle(tx, event);
        await advanceCursor(tx.client, this.#consumer, event.eventId);
        return { ...handled, event };
      })
      .then((result) => {
        if (typeof result === 'string') return result;
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
      });
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
