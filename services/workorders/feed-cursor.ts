import {
  advanceCursor,
  ensureCursor,
  type IncidentEventFact,
  lockCursor,
  nextIncidentEvent,
} from './incident-feed.ts';
import type { WorkOrderStore, WorkOrderTransaction } from './store/index.ts';

/**
 * The dispatcher's place in the incident event feed: its cursor row in `work_order_cursors`
 * (created once, locked and advanced inside each event's transaction) and the wait on a hole in
 * the event ids. The queries themselves are in `incident-feed.ts`.
 */

/** What the head of the feed holds: nothing new, a hole still waited for, or the next event. */
export type FeedHead = 'idle' | 'waiting' | IncidentEventFact;

export class FeedCursor {
  readonly #store: WorkOrderStore;
  readonly #consumer: string;
  readonly #gapGraceMs: number;
  #ready = false;
  #gap: { readonly afterId: string; readonly sinceMs: number } | undefined;

  /**
   * `gapGraceMs`: how long a hole in the event ids is waited for before it is passed over (real
   * time, not the clock: it is how long another transaction may still be committing).
   */
  constructor(store: WorkOrderStore, consumer: string, gapGraceMs: number) {
    this.#store = store;
    this.#consumer = consumer;
    this.#gapGraceMs = gapGraceMs;
  }

  /** Makes sure the cursor row exists, once per instance. */
  async ensure(): Promise<void> {
    if (this.#ready) return;
    await this.#store.transaction((tx) => ensureCursor(tx.client, this.#consumer));
    this.#ready = true;
  }

  /**
   * Locks the cursor row until `tx` ends and reads the event after it. Ids are handed out before
   * commit, so a hole before that event may be a transaction still committing: `waiting` until
   * the hole has been seen for `gapGraceMs`, then it is taken as rolled back.
   */
  async next(tx: WorkOrderTransaction): Promise<FeedHead> {
    const cursor = await lockCursor(tx.client, this.#consumer);
    const event = await nextIncidentEvent(tx.client, cursor);
    if (!event) return 'idle';
    // A hole once waited for stays passed: if handling the event after it fails, the retries from
    // this cursor do not wait for it again.
    if (BigInt(event.eventId) > BigInt(cursor) + 1n && !this.#gapPassed(cursor)) {
      return 'waiting';
    }
    return event;
  }

  /** Moves the cursor past `eventId`, committed with the work done for it. */
  advance(tx: WorkOrderTransaction, eventId: string): Promise<void> {
    return advanceCursor(tx.client, this.#consumer, eventId);
  }

  /** Whether the hole after `cursor` has been waited for long enough (first sight starts the wait). */
  #gapPassed(cursor: string): boolean {
    const graceMs = this.#gapGraceMs;
    if (this.#gap?.afterId !== cursor) {
      this.#gap = { afterId: cursor, sinceMs: performance.now() };
      return graceMs <= 0;
    }
    return performance.now() - this.#gap.sinceMs >= graceMs;
  }
}
