import type { LiveBatch, LiveValue } from './messages.ts';

/**
 * Live values between two sends: per site, the newest value of each point that changed. The
 * live server drains it every `1000 / maxUpdatesPerSecond` ms and emits one batch per site, so
 * each point reaches a client at most that often whatever the gateway publishes, and a client
 * gets one message per site and tick instead of one per point.
 *
 * Values older than what was already sent for a point (a late frame) are dropped, so a client
 * never sees a point go back in time within one connection's stream.
 */
export class LiveValueCoalescer {
  readonly #pending = new Map<string, Map<string, LiveValue>>();
  readonly #sentAt = new Map<string, Map<string, number>>();

  /** Returns how many values were kept (new or newer than the pending one). */
  offer(site: string, values: readonly LiveValue[]): number {
    let pending = this.#pending.get(site);
    if (!pending) {
      pending = new Map();
      this.#pending.set(site, pending);
    }
    const sent = this.#sentAt.get(site);
    let kept = 0;
    for (const value of values) {
      const lastSent = sent?.get(value.p);
      if (lastSent !== undefined && value.t < lastSent) continue;
      const previous = pending.get(value.p);
      if (previous && previous.t > value.t) continue;
      pending.set(value.p, { p: value.p, t: value.t, v: value.v });
      kept++;
    }
    return kept;
  }

  /** The batches to send now, one per site with changes; empties the pending values. */
  drain(): LiveBatch[] {
    const batches: LiveBatch[] = [];
    for (const [site, pending] of this.#pending) {
      if (pending.size === 0) continue;
      let sent = this.#sentAt.get(site);
      if (!sent) {
        sent = new Map();
        this.#sentAt.set(site, sent);
      }
      const values = [...pending.values()];
      for (const value of values) sent.set(value.p, value.t);
      batches.push({ site, values });
      pending.clear();
    }
    return batches;
  }

  get pendingCount(): number {
    let count = 0;
    for (const pending of this.#pending.values()) count += pending.size;
    return count;
  }
}
