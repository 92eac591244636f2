import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, Gauge, type Registry } from 'prom-client';
import { type Clock, systemClock } from '../../services/runtime/clock.ts';
import type { Component } from '../../services/runtime/component.ts';
import type { Logger } from '../../services/runtime/logger.ts';
import type { SpoolBatch, SpoolConsumer } from './spool-types.ts';
import type { ReadingSink } from './tsdb-writer.ts';

/** What the forwarder needs from the spool: a consumer by name, available once the spool runs. */
export interface ConsumerSource {
  consumer(name: string): SpoolConsumer;
}

export interface SpoolForwarderOptions {
  readonly spool: ConsumerSource;
  /** Durable cursor name in the spool, e.g. `tsdb`. */
  readonly consumer: string;
  readonly sink: ReadingSink;
  /** Readings per sink write. Default 5,000. */
  readonly batchSize?: number;
  /**
   * After a short batch, wait this long before reading again, so a trickle of readings becomes a
   * few larger writes instead of one request per group commit. Default 100.
   */
  readonly lingerMs?: number;
  /** Retry delay after the first failure, doubling up to maxBackoffMs. Defaults 100 and 5,000. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** How long stop() waits for an in-flight write before abandoning it (uncommitted). Default 5,000. */
  readonly stopTimeoutMs?: number;
  readonly clock?: Clock;
  readonly logger?: Pick<Logger, 'warn' | 'info'>;
  readonly registry?: Registry;
}

interface Run {
  readonly stopping: AbortController;
  abandoned: boolean;
  done: Promise<void>;
  /** The latest cursor commit, left to finish while the next batch is read and written. */
  committing: Promise<void>;
}

export interface SpoolForwarderStats {
  /** Readings the sink accepted and whose cursor was committed. */
  readonly written: number;
  readonly batches: number;
  /** Failed sink writes (each retried). */
  readonly failures: number;
  /** Cursor commits that failed (the next one supersedes them; a restart would replay a little more). */
  readonly commitFailures: number;
  readonly consecutiveFailures: number;
  readonly lastError: string | undefined;
  readonly lastErrorAt: Date | undefined;
  readonly lastSuccessAt: Date | undefined;
  readonly backingOff: boolean;
}

/**
 * Moves readings from a spool consumer to a sink, in order, at least once: a batch is committed
 * only after the sink accepted it, and a failed batch is retried as is (never skipped, never
 * reordered) with capped exponential backoff. Works for any ReadingSink, so the rule-queue
 * hand-off can reuse it with its own consumer.
 */
export class SpoolForwarder implements Component {
  readonly name: string;
  readonly #options: SpoolForwarderOptions;
  #run: Run | undefined;
  #written = 0;
  #batches = 0;
  #failures = 0;
  #commitFailures = 0;
  #consecutiveFailures = 0;
  #lastError: string | undefined;
  #lastErrorAt: Date | undefined;
  #lastSuccessAt: Date | undefined;
  #backingOff = false;
  #unregisterMetrics: (() => void) | undefined;

  constructor(options: SpoolForwarderOptions) {
    this.name = `forwarder:${options.consumer}`;
    this.#options = options;
  }

  async start(): Promise<void> {
    if (this.#run !== undefined) return;
    const consumer = this.#options.spool.consumer(this.#options.consumer);
    // A batch read but not committed before a previous stop is sent again.
    consumer.rewind();
    const run: Run = {
      stopping: new AbortController(),
      abandoned: false,
      done: Promise.resolve(),
      committing: Promise.resolve(),
    };
    run.done = this.#forward(consumer, run);
    this.#run = run;
    if (this.#options.registry) this.#unregisterMetrics = this.#registerMetrics(this.#options.registry);
  }

  async stop(): Promise<void> {
    const run = this.#run;
    if (run === undefined) return;
    run.stopping.abort();
    const timedOut = Symbol('timed out');
    const timer = new AbortController();
    const outcome = await Promise.race([
      run.done,
      sleep(this.#options.stopTimeoutMs ?? 5_000, timedOut, { signal: timer.signal }).catch(() => undefined),
    ]);
    timer.abort();
    // The in-flight write may still finish; it must not commit once we have said we stopped.
    if (outcome === timedOut) run.abandoned = true;
    this.#run = undefined;
    this.#unregisterMetrics?.();
    this.#unregisterMetrics = undefined;
  }

  stats(): SpoolForwarderStats {
    return {
      written: this.#written,
      batches: this.#batches,
      failures: this.#failures,
      commitFailures: this.#commitFailures,
      consecutiveFailures: this.#consecutiveFailures,
      lastError: this.#lastError,
      lastErrorAt: this.#lastErrorAt,
      lastSuccessAt: this.#lastSuccessAt,
      backingOff: this.#backingOff,
    };
  }

  /** Never rejects: every failure is counted and retried until stop() aborts the run. */
  async #forward(consumer: SpoolConsumer, run: Run): Promise<void> {
    try {
      await this.#forwardBatches(consumer, run);
    } finally {
      await run.committing;
    }
  }

  async #forwardBatches(consumer: SpoolConsumer, run: Run): Promise<void> {
    const batchSize = this.#options.batchSize ?? 5_000;
    const lingerMs = this.#options.lingerMs ?? 100;
    const clock = this.#options.clock ?? systemClock;
    const signal = run.stopping.signal;
    let batch: SpoolBatch | undefined;
    while (!signal.aborted && !run.abandoned) {
      try {
        batch ??= await consumer.read(batchSize, signal);
        // Empty only once the spool has stopped.
        if (batch.readings.length === 0) return;
        await this.#options.sink.write(batch.readings);
        if (run.abandoned) return;
        // The cursor file costs two fsyncs; overlapping it with the next write nearly halves the
        // time per batch. The spool coalesces commits, and a commit lost in a crash only means
        // an idempotent replay.
        run.committing = consumer.commit(batch.upTo).catch((error: unknown) => {
          this.#commitFailures += 1;
          this.#lastError = `cursor commit failed: ${error instanceof Error ? error.message : String(error)}`;
        });
        this.#recordSuccess(batch.readings.length, clock);
        const short = batch.readings.length < batchSize;
        batch = undefined;
        if (short && lingerMs > 0) await sleep(lingerMs, undefined, { signal });
      } catch (error) {
        if (signal.aborted || run.abandoned) return;
        this.#recordFailure(error, clock);
        try {
          await this.#backOff(signal);
        } catch {
          return;
        }
      }
    }
  }

  async #backOff(signal: AbortSignal): Promise<void> {
    const min = this.#options.minBackoffMs ?? 100;
    const max = this.#options.maxBackoffMs ?? 5_000;
    const delay = Math.min(max, min * 2 ** Math.min(this.#consecutiveFailures - 1, 30));
    this.#backingOff = true;
    try {
      await sleep(delay, undefined, { signal });
    } finally {
      this.#backingOff = false;
    }
  }

  #recordFailure(error: unknown, clock: Clock): void {
    this.#failures += 1;
    this.#consecutiveFailures += 1;
    this.#lastError = error instanceof Error ? error.message : String(error);
    this.#lastErrorAt = clock.now();
    // One line when an outage starts, not one per retry.
    if (this.#consecutiveFailures === 1) {
      this.#options.logger?.warn(
        { err: error, consumer: this.#options.consumer },
        'forwarding failed; retrying',
      );
    }
  }

  #recordSuccess(readings: number, clock: Clock): void {
    if (this.#consecutiveFailures > 0) {
      this.#options.logger?.info(
        { consumer: this.#options.consumer, failures: this.#consecutiveFailures },
        'forwarding recovered',
      );
    }
    this.#consecutiveFailures = 0;
    this.#written += readings;
    this.#batches += 1;
    this.#lastSuccessAt = clock.now();
  }

  #registerMetrics(registry: Registry): () => void {
    // Several forwarders (tsdb, rules) share one registry: the metrics are registered once per
    // registry and report every forwarder on it, labelled by consumer.
    let members = forwardersByRegistry.get(registry);
    if (!members) {
      members = new Set();
      forwardersByRegistry.set(registry, members);
      registerForwarderMetrics(registry, members);
    }
    members.add(this);
    const own = members;
    return () => {
      own.delete(this);
      if (own.size > 0) return;
      forwardersByRegistry.delete(registry);
      for (const name of FORWARDER_METRICS) registry.removeSingleMetric(name);
    };
  }

  /** Figures for the shared metrics. */
  metricValues(): { consumer: string; written: number; failures: number; backingOff: boolean } {
    return {
      consumer: this.#options.consumer,
      written: this.#written,
      failures: this.#failures,
      backingOff: this.#backingOff,
    };
  }
}

const FORWARDER_METRICS = [
  'steward_forwarder_written_readings_total',
  'steward_forwarder_failures_total',
  'steward_forwarder_backing_off',
] as const;

const forwardersByRegistry = new WeakMap<Registry, Set<SpoolForwarder>>();

function registerForwarderMetrics(registry: Registry, members: ReadonlySet<SpoolForwarder>): void {
  const values = () => [...members].map((member) => member.metricValues());
  const written: Counter<'consumer'> = new Counter({
    name: 'steward_forwarder_written_readings_total',
    help: 'Readings a forwarder handed to its sink and committed.',
    labelNames: ['consumer'],
    registers: [registry],
    collect: () => {
      written.reset();
      for (const v of values()) written.inc({ consumer: v.consumer }, v.written);
    },
  });
  const failures: Counter<'consumer'> = new Counter({
    name: 'steward_forwarder_failures_total',
    help: 'Failed sink writes (each batch is retried until it succeeds).',
    labelNames: ['consumer'],
    registers: [registry],
    collect: () => {
      failures.reset();
      for (const v of values()) failures.inc({ consumer: v.consumer }, v.failures);
    },
  });
  const backingOff: Gauge<'consumer'> = new Gauge({
    name: 'steward_forwarder_backing_off',
    help: '1 while a forwarder waits to retry a failed write.',
    labelNames: ['consumer'],
    registers: [registry],
    collect: () => {
      for (const v of values()) backingOff.set({ consumer: v.consumer }, v.backingOff ? 1 : 0);
    },
  });
}
