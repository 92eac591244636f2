import type { Component } from '../runtime/component.ts';
import type { Logger } from '../runtime/logger.ts';
import type { WorkOrderMessage } from './changes.ts';
import type { ActionType, Assignment, WorkOrderState } from './domain/index.ts';
import { advanceCursor, ensureCursor, lockCursor } from './incident-feed.ts';
import type { Queryable, WorkOrderStore } from './store/index.ts';

export const DEFAULT_FEED_POLL_MS = 1_000;
const BATCH = 200;

export interface TransitionFeedOptions {
  readonly store: Pick<WorkOrderStore, 'transaction'>;
  /** The cursor's name in `work_order_cursors`, e.g. `webhooks`. */
  readonly consumer: string;
  /**
   * Hands one transition on (e.g. enqueues the vendor's webhook). Must be idempotent: after a
   * crash between the hand-off and the commit of the cursor, the same transition comes again.
   * A throw rolls the batch back; it is retried at the next poll.
   */
  readonly deliver: (message: WorkOrderMessage) => Promise<void>;
  readonly logger: Logger;
  readonly pollMs?: number;
  /** How long a hole in the transition ids is waited for (a transaction still committing); default 5 s. */
  readonly gapGraceMs?: number;
}

interface TransitionRow {
  readonly id: string;
  readonly order_id: string;
  readonly seq: number;
  readonly action: ActionType | 'create';
  readonly to_state: WorkOrderState;
  readonly at: Date;
  /** The assignments in force at this transition and before it, newest first (at most two). */
  readonly assignments: (Assignment | null)[] | null;
}

/**
 * Every committed work-order transition, in order, at least once, from a cursor in
 * `work_order_cursors`: the durable path for what must reach vendors (webhooks) even when the
 * Redis channel's messages were missed (pub/sub is at most once). The transition table is the
 * outbox; the cursor advances in the transaction that handed the batch on.
 */
export class TransitionFeed implements Component {
  readonly name: string;
  readonly #options: TransitionFeedOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #gap: { readonly afterId: string; readonly sinceMs: number } | undefined;

  constructor(options: TransitionFeedOptions) {
    this.#options = options;
    this.name = `transition-feed:${options.consumer}`;
  }

  async start(): Promise<void> {
    await this.#options.store.transaction((tx) => ensureCursor(tx.client, this.#options.consumer));
    this.#timer = setInterval(() => {
      void this.drain().catch((error: unknown) =>
        this.#options.logger.warn({ err: error }, 'work-order transitions not handed on; retrying'),
      );
    }, this.#options.pollMs ?? DEFAULT_FEED_POLL_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** Hands on every transition after the cursor; returns how many. One drain at a time. */
  drain(): Promise<number> {
    this.#running ??= this.#drainAll().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #drainAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const handled = await this.#options.store.transaction((tx) => this.#batch(tx.client));
      total += handled;
      if (handled < BATCH) return total;
    }
  }

  async #batch(db: Queryable): Promise<number> {
    const { consumer, deliver } = this.#options;
    let cursor = await lockCursor(db, consumer);
    const { rows } = await db.query<TransitionRow>(
      `select t.id, t.order_id, t.seq, t.action, t.to_state, t.at,
              (select array_agg(p.record -> 'assignment' order by p.seq desc)
                 from (select record, seq from work_order_transitions
                        where order_id = t.order_id and seq <= t.seq and record ? 'assignment'
                        order by seq desc limit 2) p) as assignments
         from work_order_transitions t
        where t.id > $1
        order by t.id
        limit ${BATCH}`,
      [cursor],
    );
    let handled = 0;
    for (const row of rows) {
      if (BigInt(row.id) > BigInt(cursor) + 1n && !this.#gapPassed(cursor)) break;
      this.#gap = undefined;
      await deliver(messageOf(row));
      cursor = row.id;
      handled++;
    }
    if (handled > 0) await advanceCursor(db, consumer, cursor);
    return handled;
  }

  #gapPassed(cursor: string): boolean {
    const graceMs = this.#options.gapGraceMs ?? 5_000;
    if (this.#gap?.afterId !== cursor) {
      this.#gap = { afterId: cursor, sinceMs: performance.now() };
      return graceMs <= 0;
    }
    return performance.now() - this.#gap.sinceMs >= graceMs;
  }
}

/** The channel's message shape for one transition row (the vendor as of that transition). */
function messageOf(row: TransitionRow): WorkOrderMessage {
  const [current, before] = row.assignments ?? [];
  const previousVendorId = row.action === 'reassign' ? before?.vendorId : undefined;
  return {
    v: 1,
    orderId: String(row.order_id),
    vendorId: current?.vendorId ?? null,
    ...(previousVendorId === undefined || previousVendorId === current?.vendorId ? {} : { previousVendorId }),
    state: row.to_state,
    action: row.action,
    at: row.at.toISOString(),
    seq: row.seq,
  };
}
