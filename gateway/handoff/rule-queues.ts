import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Logger } from '../../services/runtime/logger.ts';
import { reportQueueDepth } from '../../services/runtime/metrics.ts';
import type { Reading } from '../ingest/reading.ts';
import { equipmentOf, type ReadingBatchJob, readingQueueName, shardOf } from './shards.ts';

/**
 * Puts readings on the sharded rule queues. It is a sink of the spool (consumer `rules`), so while
 * Redis is down readings wait in the spool and arrive later, in order. A batch that is retried
 * after a failure gets the same job ids, so BullMQ does not add it twice while the job exists;
 * the rule workers are idempotent for the rest.
 */
export class RuleQueueSink {
  readonly #options: { connection: Redis; prefix: string; site: string; shards: number; logger?: Logger };
  #queues: Queue[] | undefined;
  #closed = false;
  #lastErrorLogMs = Number.NEGATIVE_INFINITY;

  constructor(options: {
    connection: Redis;
    prefix: string;
    site: string;
    shards: number;
    /** Where the backlog of every shard is reported (`steward_queue_jobs`), whoever consumes it. */
    metrics?: Registry;
    /** Where the queues' connection errors go (at most one line per 10 s); without it they are dropped. */
    logger?: Logger;
  }) {
    this.#options = options;
    if (options.metrics) reportQueueDepth(options.metrics, () => (this.#closed ? [] : this.#queuesFor()));
  }

  /** Created on first use: a BullMQ Queue starts talking to Redis as soon as it exists. */
  #queuesFor(): Queue[] {
    const { connection, prefix, site, shards } = this.#options;
    this.#queues ??= Array.from({ length: shards }, (_, shard) => {
      const queue = new Queue(readingQueueName(site, shard), {
        connection,
        prefix,
        // A batch that fails (PostgreSQL or Redis briefly away) is retried, not left behind.
        defaultJobOptions: {
          attempts: 8,
          backoff: { type: 'exponential', delay: 500 },
          removeOnComplete: 1_000,
          removeOnFail: 10_000,
        },
      });
      // Without a listener BullMQ writes every connection error to the console while Redis is
      // away; the spool keeps the readings meanwhile, so one line now and then says enough.
      queue.on('error', (error) => this.#onError(error));
      return queue;
    });
    return this.#queues;
  }

  async write(readings: readonly Reading[]): Promise<void> {
    const queues = this.#queuesFor();
    const byShard = new Map<number, ReadingBatchJob['readings'][number][]>();
    for (const reading of readings) {
      const shard = shardOf(equipmentOf(reading.pointId), this.#options.shards);
      const list = byShard.get(shard) ?? [];
      list.push({
        p: reading.pointId,
        t: reading.ts,
        v: reading.value,
        ...(reading.quality === 'uncertain' ? { q: 1 as const } : {}),
      });
      byShard.set(shard, list);
    }
    await Promise.all(
      [...byShard.entries()].map(([shard, list]) => {
        const data: ReadingBatchJob = { readings: list };
        const jobId = createHash('sha1').update(JSON.stringify(list)).digest('base64url');
        return queues[shard]?.add('readings', data, { jobId });
      }),
    );
  }

  #onError(error: Error): void {
    // A monotonic interval, not a time of day: the platform's clock has no say in log throttling.
    const now = performance.now();
    if (now - this.#lastErrorLogMs < 10_000) return;
    this.#lastErrorLogMs = now;
    this.#options.logger?.warn(
      { err: error, site: this.#options.site },
      'rule queues: Redis error; readings wait in the spool',
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all((this.#queues ?? []).map((queue) => queue.close()));
  }
}
