import type { Counter } from 'prom-client';
import type { Logger } from '../runtime/logger.ts';
import type { ActionType, WorkOrderState } from './domain/index.ts';

/** The Redis channel work-order changes are published on: socket.io rooms, webhooks and the SLA timers listen. */
export const workOrdersChannel = (prefix: string): string => `${prefix}:workorders`;

/**
 * What changed an order: a transition (`create` or the domain's action), an incident episode
 * joining it (`incident_linked`), or a note or comment added (`note`).
 */
export type WorkOrderChangeAction = ActionType | 'create' | 'incident_linked' | 'note';

/** One committed change of one order. */
export interface WorkOrderChange {
  readonly orderId: string;
  /** The vendor the order is assigned to after the change; null while in the office's queue. */
  readonly vendorId: string | null;
  /** On a reassignment, the vendor the order was taken from. */
  readonly previousVendorId?: string;
  readonly state: WorkOrderState;
  readonly action: WorkOrderChangeAction;
  readonly atMs: number;
  /** The transition's number within the order; absent for links and notes. */
  readonly seq?: number;
}

/**
 * The message on `<prefix>:workorders`, JSON. Version 1; `orderId` is enough for a listener that
 * re-reads the order (the timers), the rest lets rooms and webhooks route without a query.
 */
export interface WorkOrderMessage {
  readonly v: 1;
  readonly orderId: string;
  readonly vendorId: string | null;
  readonly previousVendorId?: string;
  readonly state: WorkOrderState;
  readonly action: WorkOrderChangeAction;
  /** ISO 8601. */
  readonly at: string;
  readonly seq?: number;
}

export function toWorkOrderMessage(change: WorkOrderChange): WorkOrderMessage {
  return {
    v: 1,
    orderId: change.orderId,
    vendorId: change.vendorId,
    ...(change.previousVendorId === undefined ? {} : { previousVendorId: change.previousVendorId }),
    state: change.state,
    action: change.action,
    at: new Date(change.atMs).toISOString(),
    ...(change.seq === undefined ? {} : { seq: change.seq }),
  };
}

/** Where the store hands its committed changes, in order. */
export interface WorkOrderChangeSink {
  publish(changes: readonly WorkOrderChange[]): Promise<void>;
}

/** What publishing needs from Redis: an ioredis client fits. */
export interface RedisPublisher {
  publish(channel: string, message: string): Promise<unknown>;
}

/**
 * Publishes committed changes on the channel. A failure is logged and counted, never thrown:
 * the tables are the record, the channel only tells live listeners to look again.
 */
export class WorkOrderChangePublisher implements WorkOrderChangeSink {
  readonly #publisher: RedisPublisher;
  readonly #channel: string;
  readonly #logger: Logger | undefined;
  readonly #failuresCounter: Counter | undefined;
  #failures = 0;

  constructor(options: {
    publisher: RedisPublisher;
    prefix: string;
    logger?: Logger | undefined;
    failures?: Counter | undefined;
  }) {
    this.#publisher = options.publisher;
    this.#channel = workOrdersChannel(options.prefix);
    this.#logger = options.logger;
    this.#failuresCounter = options.failures;
  }

  get failures(): number {
    return this.#failures;
  }

  async publish(changes: readonly WorkOrderChange[]): Promise<void> {
    for (const change of changes) {
      try {
        await this.#publisher.publish(this.#channel, JSON.stringify(toWorkOrderMessage(change)));
      } catch (error) {
        this.#failures++;
        this.#failuresCounter?.inc();
        this.#logger?.warn(
          { err: error, orderId: change.orderId, action: change.action },
          'work-order change not published',
        );
      }
    }
  }
}
