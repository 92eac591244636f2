import type { Redis } from 'ioredis';
import { Counter, type Registry } from 'prom-client';
import type { Component } from '../../services/runtime/component.ts';
import type { Logger } from '../../services/runtime/logger.ts';
import type { Reading } from '../ingest/reading.ts';
import { latestKey, liveChannel } from './shards.ts';

export interface LiveValuesOptions {
  readonly redis: Redis;
  readonly prefix: string;
  readonly site: string;
  /** Coalescing window: each point is published at most once per window. */
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly metrics: Registry;
}

/**
 * Latest values for live dashboards: coalesced per point over a short window, then published as
 * one Redis pub/sub message and written to a hash the API reads for the initial state. Live
 * values are ephemeral: while Redis is away they are dropped and counted, never spooled (the
 * store and the rule queues get every reading through the spool).
 */
export class LiveValues implements Component {
  readonly name = 'live-values';
  readonly #options: LiveValuesOptions;
  #pending = new Map<string, Reading>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  readonly #dropped: Counter;
  readonly #published: Counter;

  constructor(options: LiveValuesOptions) {
    this.#options = options;
    const registers = [options.metrics];
    this.#dropped = new Counter({
      name: 'steward_live_values_dropped_total',
      help: 'Live values not published because Redis was unavailable',
      registers,
    });
    this.#published = new Counter({
      name: 'steward_live_values_published_total',
      help: 'Point values published to live dashboards (after coalescing)',
      registers,
    });
  }

  offer(readings: readonly Reading[]): void {
    for (const reading of readings) {
      const previous = this.#pending.get(reading.pointId);
      if (!previous || previous.ts <= reading.ts) this.#pending.set(reading.pointId, reading);
    }
  }

  async start(): Promise<void> {
    this.#timer = setInterval(() => {
      this.#flushing ??= this.#flush().finally(() => {
        this.#flushing = undefined;
      });
    }, this.#options.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#flushing;
    await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = [...this.#pending.values()];
    this.#pending = new Map();
    const { redis, prefix, site, logger } = this.#options;
    if (redis.status !== 'ready') {
      this.#dropped.inc(batch.length);
      return;
    }
    const message = JSON.stringify(batch.map((r) => ({ p: r.pointId, t: r.ts, v: r.value })));
    const fields = batch.flatMap((r) => [r.pointId, JSON.stringify({ t: r.ts, v: r.value })]);
    try {
      await redis
        .multi()
        .hset(latestKey(prefix, site), ...fields)
        .publish(liveChannel(prefix, site), message)
        .exec();
      this.#published.inc(batch.length);
    } catch (error) {
      this.#dropped.inc(batch.length);
      logger.debug({ err: error }, 'live values not published');
    }
  }
}
