import type { Redis } from 'ioredis';
import type { Clock } from '../../services/runtime/clock.ts';
import type { Component } from '../../services/runtime/component.ts';
import type { Spool } from '../store/spool.ts';

export const INGEST_HEALTH_INTERVAL_MS = 2_000;
/** Long enough to survive a few missed rounds; a gateway that stops publishing disappears. */
const HEALTH_TTL_S = 30;

export const ingestHealthKey = (prefix: string, site: string): string => `${prefix}:gateway:${site}:health`;

/** What `<prefix>:gateway:<site>:health` holds: the control room's ingest-health panel. */
export interface IngestHealthRecord {
  readonly atMs: number;
  /** Readings accepted into the spool since the process started. */
  readonly acceptedReadings: number;
  /** Accepted per second over the last interval. */
  readonly readingsPerS: number;
  readonly rejections: Readonly<Record<string, number>>;
  readonly spoolBytes: number;
  /** Readings not yet handed on, by spool consumer (`tsdb`, `rules`). */
  readonly lag: Readonly<Record<string, number>>;
}

export interface IngestHealthOptions {
  readonly spool: Spool;
  readonly refusals: () => Readonly<Record<string, number>>;
  readonly redis: Redis;
  readonly prefix: string;
  readonly site: string;
  readonly clock: Clock;
  readonly intervalMs?: number;
}

/**
 * Publishes the gateway's ingest figures to Redis every couple of seconds, with an expiry, so
 * an API process elsewhere can show them (and show a silent gateway as absent, not as healthy
 * figures that stopped changing). Skips a round while Redis is away.
 */
export class IngestHealthPublisher implements Component {
  readonly name = 'ingest-health';
  readonly #options: IngestHealthOptions;
  #timer: NodeJS.Timeout | undefined;
  #previous: { atMs: number; accepted: number } | undefined;
  #running: Promise<void> | undefined;

  constructor(options: IngestHealthOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    this.#timer = setInterval(() => {
      this.#running ??= this.publish().finally(() => {
        this.#running = undefined;
      });
    }, this.#options.intervalMs ?? INGEST_HEALTH_INTERVAL_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** The record now (exposed for tests). */
  record(): IngestHealthRecord {
    const { spool, refusals, clock } = this.#options;
    const stats = spool.stats();
    const atMs = clock.nowMs();
    const accepted = stats.appendedReadings;
    const previous = this.#previous;
    const seconds = previous ? (atMs - previous.atMs) / 1000 : 0;
    const readingsPerS = previous && seconds > 0 ? (accepted - previous.accepted) / seconds : 0;
    this.#previous = { atMs, accepted };
    return {
      atMs,
      acceptedReadings: accepted,
      readingsPerS: Math.round(readingsPerS * 10) / 10,
      rejections: refusals(),
      spoolBytes: stats.bytes,
      lag: Object.fromEntries(
        Object.entries(stats.consumers).map(([name, consumer]) => [name, consumer.lagReadings]),
      ),
    };
  }

  async publish(): Promise<void> {
    const { redis, prefix, site } = this.#options;
    if (redis.status !== 'ready') return;
    const record = this.record();
    await redis
      .set(ingestHealthKey(prefix, site), JSON.stringify(record), 'EX', HEALTH_TTL_S)
      .catch(() => undefined);
  }
}
