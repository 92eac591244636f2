import { setTimeout as sleep } from 'node:timers/promises';
import { type Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type ReadingBatchJob, readingQueueName } from '../../../gateway/handoff/shards.ts';

/** Jobs not finished yet, in any state a job can wait in (BullMQ 6 keeps paused jobs in `wait`). */
const PENDING = ['wait', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

export interface Drain {
  /** Epoch ms: the newest `finishedOn` of any completed job (the worker's clock; same machine). */
  readonly lastFinishedAt: number;
  readonly failed: number;
  /** Polls of the job counts it took (each ~`pollMs` apart). */
  readonly polls: number;
}

/**
 * The bench's handle on one site's reading queues (`readings.<site>.<shard>`, the gateway's
 * names and prefix): pause and resume them (BullMQ's global pause, so the running workers take
 * nothing meanwhile), and tell when they have been drained. It never adds or removes jobs.
 */
export class ReadingQueues {
  readonly #queues: Queue[];

  constructor(options: { connection: Redis; prefix: string; site: string; shards: number }) {
    const { connection, prefix, site, shards } = options;
    this.#queues = Array.from(
      { length: shards },
      (_, shard) => new Queue(readingQueueName(site, shard), { connection, prefix }),
    );
  }

  async pause(): Promise<void> {
    await Promise.all(this.#queues.map((queue) => queue.pause()));
  }

  async resume(): Promise<void> {
    await Promise.all(this.#queues.map((queue) => queue.resume()));
  }

  /** Jobs waiting, paused or in progress, and failed, over all shards. */
  async counts(): Promise<{ pending: number; failed: number }> {
    const all = await Promise.all(this.#queues.map((queue) => queue.getJobCounts(...PENDING, 'failed')));
    let pending = 0;
    let failed = 0;
    for (const counts of all) {
      for (const state of PENDING) pending += counts[state] ?? 0;
      failed += counts.failed ?? 0;
    }
    return { pending, failed };
  }

  /**
   * Polls until nothing is pending (throws when nothing changed for `idleTimeoutMs`), then reads when the
   * last job finished from the newest completed job of every shard: exact to the millisecond,
   * whatever the poll period.
   */
  async waitDrained(idleTimeoutMs: number, pollMs = 20): Promise<Drain> {
    let polls = 0;
    let last = Number.NaN;
    let changedAt = performance.now();
    for (;;) {
      const { pending } = await this.counts();
      polls += 1;
      if (pending === 0) break;
      if (pending !== last) {
        last = pending;
        changedAt = performance.now();
      } else if (performance.now() - changedAt > idleTimeoutMs) {
        throw new Error(`rule queues stalled with ${pending} jobs pending for ${idleTimeoutMs} ms`);
      }
      await sleep(pollMs);
    }
    const newest = await Promise.all(this.#queues.map((queue) => queue.getJobs(['completed'], 0, 0, false)));
    const lastFinishedAt = Math.max(...newest.flat().map((job) => job.finishedOn ?? Number.NaN));
    return { lastFinishedAt, failed: (await this.counts()).failed, polls };
  }

  /** The newest finished or running jobs of one shard (BullMQ keeps the last 1,000 completed). */
  async recentJobs(shard: number, count: number): Promise<Job<ReadingBatchJob>[]> {
    const queue = this.#queues[shard];
    if (!queue) return [];
    return (await queue.getJobs(['completed', 'active'], 0, count - 1, false)) as Job<ReadingBatchJob>[];
  }

  async close(): Promise<void> {
    await Promise.all(this.#queues.map((queue) => queue.close()));
  }
}
