import type { Clock } from '../runtime/clock.ts';
import { codeOf, messageOf } from './dispatch-failures.ts';
import type { DispatchResult, IncidentEventHandler } from './event-handler.ts';
import { advanceCursor, type IncidentEventFact, lockCursor, nextIncidentEvent } from './incident-feed.ts';
import {
  insertParkedEvent,
  insertRedispatch,
  type ParkedEvent,
  type ParkedEventFilter,
  selectParkedEvent,
  type WorkOrderStore,
  WorkOrderStoreError,
} from './store/index.ts';

/**
 * The transactions around one dispatcher cursor's parked (poison) events: parking the event at
 * the head into `work_order_parked_events` with the cursor moved past it, listing them, and
 * handling one again once a person has removed its cause. When to park is the dispatcher's
 * decision; the table's rows and queries are in `store/parked.ts`.
 */

export interface EventParkingOptions {
  readonly store: WorkOrderStore;
  readonly clock: Clock;
}

export class EventParking {
  readonly #options: EventParkingOptions;
  readonly #consumer: string;
  readonly #handler: IncidentEventHandler;

  constructor(options: EventParkingOptions, consumer: string, handler: IncidentEventHandler) {
    this.#options = options;
    this.#consumer = consumer;
    this.#handler = handler;
  }

  /**
   * Records the event in `work_order_parked_events` and moves the cursor past it, in one
   * transaction, if it is still the next event (another process may have handled it meanwhile).
   * Returns whether it parked it.
   */
  async park(event: IncidentEventFact, error: unknown, attempts: number): Promise<boolean> {
    const { store, clock } = this.#options;
    const errorCode = codeOf(error);
    return store.transaction(async (tx) => {
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
  }

  /** The events this cursor parked, oldest first, with the order each is linked to now. */
  list(filter: Omit<ParkedEventFilter, 'consumer'>): Promise<ParkedEvent[]> {
    return this.#options.store.listParked({ ...filter, consumer: this.#consumer });
  }

  /**
   * Handles a parked event again under the cursor's lock, leaving the cursor where it is, records
   * the re-dispatch (so the event no longer waits, whatever the outcome), and returns the event
   * with what was done. `not_found` when this cursor never parked the event.
   */
  redispatch(eventId: string): Promise<{ handled: DispatchResult; event: IncidentEventFact }> {
    return this.#options.store.transaction(async (tx) => {
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
      const handled = await this.#handler.handle(tx, fact);
      await insertRedispatch(tx.client, {
        consumer: this.#consumer,
        eventId: fact.eventId,
        outcome: handled.outcome,
        orderId: handled.orderId ?? null,
        atMs: this.#options.clock.nowMs(),
      });
      return { handled, event: fact };
    });
  }
}
