import type { Redis } from 'ioredis';
import type { Clock } from '../../services/runtime/clock.ts';
import type { Component } from '../../services/runtime/component.ts';
import type { Logger } from '../../services/runtime/logger.ts';
import type { Spool } from '../store/spool.ts';
import { type HandoffWatermark, handoffKey } from './shards.ts';

export const WATERMARK_INTERVAL_MS = 250;
/** Samples kept while the hand-off is behind; dropping the oldest only holds the watermark back. */
const MAX_SAMPLES = 50_000;

export interface WatermarkPublisherOptions {
  readonly spool: Spool;
  /** The spool consumer that feeds the rule queues. */
  readonly consumer: string;
  readonly redis: Redis;
  readonly prefix: string;
  readonly site: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly intervalMs?: number;
}

/**
 * Publishes the rule hand-off watermark (see `handoffKey`). Every interval it notes how many
 * readings the spool had accepted by then (written plus buffered: sequence numbers are given in
 * acceptance order); once the rule consumer's committed cursor has passed that count, every
 * reading accepted before that moment is on the queues, and the moment becomes the watermark.
 * Under steady load the watermark trails the clock by about one interval plus the hand-off
 * latency; while the spool replays a backlog it stays where the backlog began.
 */
export class WatermarkPublisher implements Component {
  readonly name = 'handoff-watermark';
  readonly #options: WatermarkPublisherOptions;
  #samples: { t: number; accepted: number }[] = [];
  #watermark: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #publishing: Promise<void> | undefined;
  #failing = false;

  constructor(options: WatermarkPublisherOptions) {
    this.#options = options;
  }

  /** The latest watermark computed (ms), if any. */
  get watermark(): number | undefined {
    return this.#watermark;
  }

  async start(): Promise<void> {
    this.#timer = setInterval(() => {
      this.#publishing ??= this.publish().finally(() => {
        this.#publishing = undefined;
      });
    }, this.#options.intervalMs ?? WATERMARK_INTERVAL_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#publishing;
  }

  /** One step: sample, advance, write. Exposed for tests. */
  async publish(): Promise<void> {
    const { spool, consumer, redis, prefix, site, clock, logger } = this.#options;
    const stats = spool.stats();
    this.#samples.push({ t: clock.nowMs(), accepted: stats.headSequence + stats.bufferedReadings });
    if (this.#samples.length > MAX_SAMPLES) this.#samples.splice(0, this.#samples.length - MAX_SAMPLES);
    const committed = stats.consumers[consumer]?.cursor ?? 0;
    let passed = 0;
    while (passed < this.#samples.length && (this.#samples[passed]?.accepted ?? Infinity) <= committed)
      passed++;
    if (passed > 0) {
      this.#watermark = this.#samples[passed - 1]?.t;
      this.#samples.splice(0, passed);
    }
    if (this.#watermark === undefined) return;
    const value: HandoffWatermark = { w: this.#watermark, at: Date.now() };
    try {
      await redis.set(handoffKey(prefix, site), JSON.stringify(value));
      if (this.#failing) logger.info('rule hand-off watermark published again');
      this.#failing = false;
    } catch (error) {
      if (!this.#failing) logger.warn({ err: error }, 'could not publish the rule hand-off watermark');
      this.#failing = true;
    }
  }
}
