import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Component } from '../../services/runtime/component.ts';
import type { Reading } from '../ingest/reading.ts';
import { SpoolError } from './errors.ts';
import { decodeReading, encodeReading, invalidReadingReason } from './record-format.ts';
import {
  CONSUMER_NAME,
  claimDirectory,
  listSpoolDirectory,
  readCursorFile,
  recoverLastSegment,
  releaseDirectory,
  segmentFileName,
  syncDirectory,
  writeCursorFile,
  writeCursorFileSync,
} from './spool-files.ts';
import { registerSpoolMetrics } from './spool-metrics.ts';
import type {
  ConsumerOptions,
  ConsumerStats,
  SpoolBatch,
  SpoolConsumer,
  SpoolOptions,
  SpoolStats,
} from './spool-types.ts';

export type { ConsumerOptions, ConsumerStats, SpoolBatch, SpoolConsumer, SpoolOptions, SpoolStats };

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const DISK_READ_CHUNK = MiB;

interface Segment {
  readonly base: number;
  count: number;
  bytes: number;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

interface QueuedAppend extends Waiter {
  readonly text: string;
  readonly bytes: number;
  readonly readings: readonly Reading[];
}

interface RecentChunk {
  readonly base: number;
  readonly readings: Reading[];
}

interface ConsumerState {
  readonly name: string;
  /** Latest cursor asked for by commit; `durable` trails it while the file write is in flight. */
  committed: number;
  durable: number;
  position: number;
  dropped: number;
  /** Bumped whenever the disk bound moves the position, so an in-flight disk read is discarded. */
  epoch: number;
  reading: boolean;
  wake: (() => void) | undefined;
  /** Where the last disk read stopped, so sequential catch-up never rescans a segment. */
  diskCursor: { base: number; offset: number; seq: number } | undefined;
  persisting: Promise<void> | undefined;
  handle: SpoolConsumer | undefined;
}

/**
 * The gateway's write-ahead log. Every accepted reading is appended here before the device is
 * acknowledged; the TSDB writer and later the rule-queue hand-off read it through durable cursors.
 * See README.md for the file layout and the durability contract.
 */
export class Spool implements Component {
  readonly name = 'spool';
  readonly #options: SpoolOptions;

  #state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  #maxBytes = GiB;
  #segmentBytes = 16 * MiB;
  #fsyncIntervalMs = 200;
  #flushIntervalMs = 2;
  #maxBuffered = 100_000;
  #memoryReadings = 100_000;

  #fd: FileHandle | undefined;
  #segments: Segment[] = [];
  #totalBytes = 0;
  #head = 0;
  #failure: SpoolError | undefined;
  #dirty = false;

  #pending: QueuedAppend[] = [];
  #pendingReadings = 0;
  #spaceWaiters: QueuedAppend[] = [];
  #flushTimer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  #writer: Promise<void> | undefined;
  #writing = false;
  #lock: Promise<void> = Promise.resolve();
  #fsyncTimer: NodeJS.Timeout | undefined;
  #syncQueued = false;

  #recent: RecentChunk[] = [];
  #recentFirst = 0;
  #recentCount = 0;

  #consumers = new Map<string, ConsumerState>();
  #appended = 0;
  #writeErrors = 0;
  #corruptRecords = 0;
  #readsFromMemory = 0;
  #readsFromDisk = 0;
  #truncatedBytes = 0;
  #resetCursors: string[] = [];
  #unregisterMetrics: (() => void) | undefined;

  constructor(options: SpoolOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    if (this.#state !== 'new')
      throw new SpoolError('stopped', 'a spool starts once; create a new one to reopen');
    this.#readOptions();
    const { dir } = this.#options;
    if (!claimDirectory(dir)) throw new SpoolError('locked', `spool directory ${dir} is already open`);
    try {
      await mkdir(dir, { recursive: true });
      await this.#recover();
    } catch (error) {
      await this.#fd?.close().catch(() => undefined);
      releaseDirectory(dir);
      throw error;
    }
    this.#state = 'running';
    if (this.#fsyncIntervalMs > 0) {
      this.#fsyncTimer = setInterval(() => this.#scheduleSync(), this.#fsyncIntervalMs);
      this.#fsyncTimer.unref();
    }
    if (this.#options.registry)
      this.#unregisterMetrics = registerSpoolMetrics(this.#options.registry, () => this.stats());
  }

  async stop(): Promise<void> {
    if (this.#state !== 'running') return;
    this.#state = 'stopping';
    clearInterval(this.#fsyncTimer);
    for (const queued of this.#spaceWaiters.splice(0)) queued.reject(this.#stoppedError());
    this.#clearFlushTimer();
    // Everything already accepted into the buffer is written before the file closes.
    while (this.#pendingReadings > 0 || this.#writer !== undefined) {
      if (this.#writer === undefined) this.#startWriter();
      await this.#writer;
    }
    await this.#exclusive(async () => {
      await this.#fd?.sync().catch(() => undefined);
      await this.#fd?.close();
      this.#fd = undefined;
    });
    this.#state = 'stopped';
    for (const consumer of this.#consumers.values()) consumer.wake?.();
    await Promise.allSettled([...this.#consumers.values()].map((c) => c.persisting));
    this.#unregisterMetrics?.();
    releaseDirectory(this.#options.dir);
  }

  /**
   * Resolves once the readings are in the segment file (written with write(2), so they survive a
   * kill of this process); with fsyncIntervalMs 0, once they are also fsynced. Rejects with a
   * SpoolError (`invalid_reading`, `stopped`, `write_failed`) when they were not stored.
   */
  append(readings: readonly Reading[]): Promise<void> {
    if (this.#state !== 'running') return Promise.reject(this.#stoppedError());
    if (this.#failure) return Promise.reject(this.#failure);
    if (readings.length === 0) return Promise.resolve();
    let text = '';
    for (const reading of readings) {
      const reason = invalidReadingReason(reading);
      if (reason !== undefined) {
        return Promise.reject(
          new SpoolError('invalid_reading', `${reason} (point ${JSON.stringify(reading.pointId)})`),
        );
      }
      text += encodeReading(reading);
    }
    return new Promise<void>((resolve, reject) => {
      const queued = { text, bytes: Buffer.byteLength(text), readings, resolve, reject };
      const buffered = this.#pendingReadings;
      if (this.#spaceWaiters.length > 0 || (buffered > 0 && buffered + readings.length > this.#maxBuffered)) {
        this.#spaceWaiters.push(queued);
      } else {
        this.#enqueue(queued);
      }
    });
  }

  /** The named consumer, created (durably) at the oldest or newest reading when first seen. */
  consumer(name: string, options: ConsumerOptions = {}): SpoolConsumer {
    if (this.#state !== 'running') throw new SpoolError('not_started', 'the spool is not running');
    if (!CONSUMER_NAME.test(name)) {
      throw new SpoolError(
        'invalid_consumer',
        `consumer name ${JSON.stringify(name)} must match ${CONSUMER_NAME}`,
      );
    }
    let state = this.#consumers.get(name);
    if (!state) {
      const start = options.from === 'newest' ? this.#head : this.#tail();
      writeCursorFileSync(this.#options.dir, name, start);
      state = this.#newConsumerState(name, start);
      this.#consumers.set(name, state);
    }
    if (!state.handle) state.handle = this.#handleFor(state);
    return state.handle;
  }

  stats(): SpoolStats {
    const consumers: Record<string, ConsumerStats> = {};
    for (const state of this.#consumers.values()) consumers[state.name] = this.#consumerStats(state);
    return {
      bytes: this.#totalBytes,
      segments: this.#segments.length,
      tailSequence: this.#tail(),
      headSequence: this.#head,
      bufferedReadings: this.#pendingReadings,
      appendedReadings: this.#appended,
      writeErrors: this.#writeErrors,
      readsFromMemory: this.#readsFromMemory,
      readsFromDisk: this.#readsFromDisk,
      corruptRecords: this.#corruptRecords,
      failed: this.#failure?.message,
      recovery: { truncatedBytes: this.#truncatedBytes, resetCursors: [...this.#resetCursors] },
      consumers,
    };
  }

  // ---- start-up ------------------------------------------------------------------------------

  #readOptions(): void {
    const o = this.#options;
    const positive = (
      value: number | undefined,
      fallback: number,
      field: string,
      allowZero = false,
    ): number => {
      const v = value ?? fallback;
      if (!Number.isSafeInteger(v) || v < 0 || (v === 0 && !allowZero)) {
        throw new SpoolError(
          'invalid_option',
          `spool option ${field} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${v}`,
        );
      }
      return v;
    };
    this.#maxBytes = positive(o.maxBytes, GiB, 'maxBytes');
    this.#segmentBytes = positive(o.segmentBytes, 16 * MiB, 'segmentBytes');
    this.#fsyncIntervalMs = positive(o.fsyncIntervalMs, 200, 'fsyncIntervalMs', true);
    this.#flushIntervalMs = positive(o.flushIntervalMs, 2, 'flushIntervalMs', true);
    this.#maxBuffered = positive(o.maxBufferedReadings, 100_000, 'maxBufferedReadings');
    this.#memoryReadings = positive(o.memoryReadings, 100_000, 'memoryReadings', true);
    // Deleting the oldest segment must be able to bring the total back under the bound.
    if (this.#maxBytes < 2 * this.#segmentBytes) {
      throw new SpoolError('invalid_option', 'spool option maxBytes must be at least twice segmentBytes');
    }
  }

  async #recover(): Promise<void> {
    const { dir } = this.#options;
    const contents = await listSpoolDirectory(dir);
    const cursors = new Map<string, number | undefined>();
    for (const name of contents.consumers) cursors.set(name, await readCursorFile(dir, name));
    for (const name of contents.leftovers) await unlink(path.join(dir, name)).catch(() => undefined);

    const last = contents.segments.at(-1);
    if (!last) {
      // A new spool continues after the furthest cursor, so sequences never run backwards even if
      // someone emptied the directory but kept the cursors.
      const base = Math.max(0, ...[...cursors.values()].map((c) => c ?? 0));
      this.#segments = [{ base, count: 0, bytes: 0 }];
      this.#fd = await open(path.join(dir, segmentFileName(base)), 'a');
      await syncDirectory(dir);
    } else {
      const recovered = await recoverLastSegment(path.join(dir, segmentFileName(last.base)));
      this.#truncatedBytes = recovered.truncatedBytes;
      this.#segments = contents.segments.map((segment, i) => {
        const next = contents.segments[i + 1];
        return next
          ? { base: segment.base, count: next.base - segment.base, bytes: segment.bytes }
          : { base: segment.base, count: recovered.records, bytes: recovered.bytes };
      });
      this.#fd = await open(path.join(dir, segmentFileName(last.base)), 'a');
    }
    this.#totalBytes = this.#segments.reduce((sum, s) => sum + s.bytes, 0);
    const active = this.#active();
    this.#head = active.base + active.count;

    for (const [name, cursor] of cursors) {
      if (cursor === undefined) this.#resetCursors.push(name);
      const start = Math.min(cursor ?? this.#tail(), this.#head);
      this.#consumers.set(name, this.#newConsumerState(name, start));
    }
    await this.#enforceMaxBytes();
    await this.#deleteConsumedSegments();
  }

  // ---- write path ----------------------------------------------------------------------------

  #enqueue(queued: QueuedAppend): void {
    this.#pending.push(queued);
    this.#pendingReadings += queued.readings.length;
    if (this.#writing || this.#flushTimer) return;
    const flush = (): void => {
      this.#flushTimer = undefined;
      this.#startWriter();
    };
    this.#flushTimer =
      this.#flushIntervalMs === 0 ? setImmediate(flush) : setTimeout(flush, this.#flushIntervalMs);
  }

  #clearFlushTimer(): void {
    if (this.#flushTimer === undefined) return;
    clearTimeout(this.#flushTimer as NodeJS.Timeout);
    clearImmediate(this.#flushTimer as NodeJS.Immediate);
    this.#flushTimer = undefined;
  }

  #startWriter(): void {
    if (this.#writing) return;
    this.#clearFlushTimer();
    this.#writing = true;
    // Appends arriving while a write is in flight gather into the next one: that is the group commit.
    this.#writer = (async () => {
      while (this.#pending.length > 0) await this.#exclusive(() => this.#writeNextGroup());
    })().finally(() => {
      this.#writing = false;
      this.#writer = undefined;
      // An append whose continuation ran between the loop's last check and here must not be stranded.
      if (this.#pendingReadings > 0) this.#startWriter();
    });
  }

  #admitQueuedAppends(): void {
    while (this.#spaceWaiters.length > 0) {
      const next = this.#spaceWaiters[0] as QueuedAppend;
      const buffered = this.#pendingReadings;
      if (buffered > 0 && buffered + next.readings.length > this.#maxBuffered) return;
      this.#spaceWaiters.shift();
      this.#enqueue(next);
    }
  }

  /**
   * Takes as many queued appends as fit in the active segment (at least one, after rotating when
   * the segment has no room), so a segment overshoots segmentBytes by at most one append call.
   */
  async #writeNextGroup(): Promise<void> {
    const first = this.#pending[0] as QueuedAppend;
    const active = this.#active();
    const rotate = active.bytes > 0 && active.bytes + first.bytes > this.#segmentBytes;
    const room = this.#segmentBytes - (rotate ? 0 : active.bytes);
    let taken = 0;
    let bytes = 0;
    while (taken < this.#pending.length) {
      const next = this.#pending[taken] as QueuedAppend;
      if (taken > 0 && bytes + next.bytes > room) break;
      bytes += next.bytes;
      taken += 1;
    }
    const group = this.#pending.splice(0, taken);
    const readings: Reading[] = [];
    for (const queued of group) for (const reading of queued.readings) readings.push(reading);
    this.#pendingReadings -= readings.length;
    this.#admitQueuedAppends();
    await this.#writeGroup(group.map((queued) => queued.text).join(''), readings, group, rotate);
  }

  /** Never rejects: a failure rejects the group's appends instead. */
  async #writeGroup(text: string, readings: Reading[], waiters: Waiter[], rotate: boolean): Promise<void> {
    const bytes = Buffer.from(text, 'utf8');
    try {
      if (this.#failure) throw this.#failure;
      if (rotate) await this.#rotate();
      const fd = this.#fd as FileHandle;
      const before = this.#active().bytes;
      try {
        let offset = 0;
        while (offset < bytes.length) {
          const { bytesWritten } = await fd.write(bytes, offset, bytes.length - offset);
          offset += bytesWritten;
        }
        if (this.#fsyncIntervalMs === 0) await fd.datasync();
      } catch (error) {
        await this.#rollBack(fd, before, error);
        throw error;
      }
    } catch (error) {
      this.#writeErrors += 1;
      const failure =
        error instanceof SpoolError
          ? error
          : new SpoolError('write_failed', `spool write failed: ${(error as Error).message}`, {
              cause: error,
            });
      for (const waiter of waiters) waiter.reject(failure);
      return;
    }

    const active = this.#active();
    const base = this.#head;
    active.bytes += bytes.length;
    active.count += readings.length;
    this.#head += readings.length;
    this.#totalBytes += bytes.length;
    this.#appended += readings.length;
    this.#dirty = true;
    this.#remember(base, readings);
    for (const waiter of waiters) waiter.resolve();
    for (const consumer of this.#consumers.values()) consumer.wake?.();
    await this.#enforceMaxBytes();
  }

  /** A partly written group would leave a torn record in the middle of the log; cut it off again. */
  async #rollBack(fd: FileHandle, size: number, cause: unknown): Promise<void> {
    try {
      await fd.truncate(size);
    } catch (error) {
      this.#failure = new SpoolError(
        'write_failed',
        `spool disabled: a failed write (${(cause as Error).message}) could not be rolled back (${(error as Error).message})`,
        { cause: error },
      );
    }
  }

  async #rotate(): Promise<void> {
    const old = this.#fd as FileHandle;
    // Only the active segment may be torn by a power loss, so a finished one is synced before the next starts.
    await old.sync();
    const base = this.#head;
    this.#fd = await open(path.join(this.#options.dir, segmentFileName(base)), 'a');
    this.#segments.push({ base, count: 0, bytes: 0 });
    await old.close().catch(() => undefined);
    await syncDirectory(this.#options.dir);
  }

  #scheduleSync(): void {
    if (!this.#dirty || this.#syncQueued) return;
    this.#syncQueued = true;
    void this.#exclusive(async () => {
      this.#syncQueued = false;
      if (!this.#dirty || !this.#fd) return;
      this.#dirty = false;
      await this.#fd.datasync();
    }).catch(() => {
      // A failed fdatasync is retried at the next tick; the data is still in the page cache.
      this.#dirty = true;
    });
  }

  /** Serialises everything that touches the active file descriptor. */
  async #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const previous = this.#lock;
    let release = (): void => undefined;
    this.#lock = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  }

  // ---- retention -----------------------------------------------------------------------------

  /** Drop-oldest: the disk bound wins over unread data, and every consumer is told how much it lost. */
  async #enforceMaxBytes(): Promise<void> {
    const victims: Segment[] = [];
    while (this.#totalBytes > this.#maxBytes && this.#segments.length > 1) {
      const victim = this.#segments.shift() as Segment;
      this.#totalBytes -= victim.bytes;
      victims.push(victim);
    }
    if (victims.length === 0) return;
    const tail = this.#tail();
    for (const consumer of this.#consumers.values()) {
      if (consumer.position < tail) {
        consumer.dropped += tail - consumer.position;
        consumer.position = tail;
        consumer.epoch += 1;
        consumer.diskCursor = undefined;
      }
      // Persisting the jump keeps a restart from counting the same loss again.
      if (consumer.committed < tail) {
        consumer.committed = tail;
        void this.#persist(consumer).catch(() => undefined);
      }
    }
    this.#trimRecent();
    await this.#unlinkSegments(victims);
  }

  /** Segments every consumer has committed past are no longer needed by anyone. */
  async #deleteConsumedSegments(): Promise<void> {
    if (this.#consumers.size === 0) return;
    let everyoneDone = Number.POSITIVE_INFINITY;
    for (const consumer of this.#consumers.values()) everyoneDone = Math.min(everyoneDone, consumer.durable);
    const victims: Segment[] = [];
    while (this.#segments.length > 1) {
      const [first, second] = this.#segments as [Segment, Segment];
      if (second.base > everyoneDone) break;
      this.#segments.shift();
      this.#totalBytes -= first.bytes;
      victims.push(first);
    }
    await this.#unlinkSegments(victims);
  }

  async #unlinkSegments(victims: readonly Segment[]): Promise<void> {
    for (const victim of victims) {
      await unlink(path.join(this.#options.dir, segmentFileName(victim.base))).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      });
    }
  }

  // ---- in-memory tail ------------------------------------------------------------------------

  #remember(base: number, readings: Reading[]): void {
    if (this.#memoryReadings === 0) return;
    this.#recent.push({ base, readings });
    this.#recentCount += readings.length;
    this.#trimRecent();
  }

  #trimRecent(): void {
    const tail = this.#tail();
    while (this.#recentFirst < this.#recent.length) {
      const first = this.#recent[this.#recentFirst] as RecentChunk;
      const overLimit = this.#recentCount - first.readings.length >= this.#memoryReadings;
      const dropped = first.base + first.readings.length <= tail;
      if (!overLimit && !dropped) break;
      this.#recentCount -= first.readings.length;
      this.#recentFirst += 1;
    }
    if (this.#recentFirst > 1024) {
      this.#recent = this.#recent.slice(this.#recentFirst);
      this.#recentFirst = 0;
    }
  }

  #recentStart(): number {
    return this.#recent[this.#recentFirst]?.base ?? this.#head;
  }

  #readRecent(from: number, max: number): Reading[] {
    let low = this.#recentFirst;
    let high = this.#recent.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.#recent[mid] as RecentChunk).base <= from) low = mid;
      else high = mid - 1;
    }
    const out: Reading[] = [];
    for (let i = low; i < this.#recent.length && out.length < max; i++) {
      const chunk = this.#recent[i] as RecentChunk;
      const start = Math.max(0, from - chunk.base);
      const end = Math.min(chunk.readings.length, start + (max - out.length));
      for (let j = start; j < end; j++) out.push(chunk.readings[j] as Reading);
    }
    return out;
  }

  // ---- consumers -----------------------------------------------------------------------------

  #newConsumerState(name: string, cursor: number): ConsumerState {
    return {
      name,
      committed: cursor,
      durable: cursor,
      position: cursor,
      dropped: 0,
      epoch: 0,
      reading: false,
      wake: undefined,
      diskCursor: undefined,
      persisting: undefined,
      handle: undefined,
    };
  }

  #handleFor(state: ConsumerState): SpoolConsumer {
    return {
      name: state.name,
      read: (max, signal) => this.#read(state, max, signal),
      commit: (upTo) => this.#commit(state, upTo),
      rewind: () => {
        state.position = state.committed;
        state.epoch += 1;
      },
      stats: () => this.#consumerStats(state),
    };
  }

  #consumerStats(state: ConsumerState): ConsumerStats {
    return {
      cursor: state.durable,
      position: state.position,
      lagReadings: this.#head - Math.max(state.durable, this.#tail()),
      droppedReadings: state.dropped,
    };
  }

  async #read(state: ConsumerState, max: number, signal?: AbortSignal): Promise<SpoolBatch> {
    if (!Number.isSafeInteger(max) || max < 1) throw new SpoolError('invalid_option', 'read needs max >= 1');
    if (state.reading)
      throw new SpoolError('concurrent_read', `consumer ${state.name} already has a read in flight`);
    state.reading = true;
    try {
      for (;;) {
        signal?.throwIfAborted();
        const tail = this.#tail();
        if (state.position < tail) {
          // Only reached after a restart: a cursor older than what the disk bound kept.
          state.dropped += tail - state.position;
          state.position = tail;
          state.diskCursor = undefined;
        }
        const from = state.position;
        if (from < this.#head) {
          const epoch = state.epoch;
          let batch: { readings: Reading[]; next: number };
          if (from >= this.#recentStart()) {
            const readings = this.#readRecent(from, max);
            batch = { readings, next: from + readings.length };
            this.#readsFromMemory += 1;
          } else {
            batch = await this.#readDisk(state, from, max);
            this.#readsFromDisk += 1;
          }
          if (state.epoch !== epoch) continue;
          if (batch.next === from) {
            throw new SpoolError(
              'read_failed',
              `consumer ${state.name}: no record found at sequence ${from}`,
            );
          }
          state.position = batch.next;
          return { readings: batch.readings, from, upTo: batch.next };
        }
        // A stopping spool may still be writing its last group; readers just end and pick it up next start.
        if (this.#state !== 'running') return { readings: [], from, upTo: from };
        await this.#waitForData(state, signal);
      }
    } finally {
      state.reading = false;
    }
  }

  #waitForData(state: ConsumerState, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        state.wake = undefined;
        reject(signal?.reason);
      };
      state.wake = () => {
        state.wake = undefined;
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Reads within one segment, continuing where this consumer's last disk read stopped. */
  async #readDisk(
    state: ConsumerState,
    from: number,
    max: number,
  ): Promise<{ readings: Reading[]; next: number }> {
    const segment = this.#segmentHolding(from);
    let offset = 0;
    let seq = segment.base;
    const resume = state.diskCursor;
    if (resume && resume.base === segment.base && resume.seq <= from) {
      offset = resume.offset;
      seq = resume.seq;
    }
    const end = segment.bytes;
    const readings: Reading[] = [];
    let handle: FileHandle;
    try {
      handle = await open(path.join(this.#options.dir, segmentFileName(segment.base)), 'r');
    } catch (error) {
      // The disk bound deleted the segment meanwhile; the caller notices the epoch change and retries.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !this.#segments.includes(segment)) {
        return { readings, next: from };
      }
      throw error;
    }
    try {
      const buffer = Buffer.allocUnsafe(Math.min(DISK_READ_CHUNK, Math.max(end - offset, 1)));
      while (offset < end && readings.length < max) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, end - offset), offset);
        if (bytesRead === 0) break;
        const view = buffer.subarray(0, bytesRead);
        let lineStart = 0;
        while (readings.length < max) {
          const newline = view.indexOf(0x0a, lineStart);
          if (newline < 0) break;
          if (seq >= from) {
            const reading = decodeReading(view.toString('utf8', lineStart, newline));
            if (reading) readings.push(reading);
            else this.#corruptRecords += 1;
          }
          seq += 1;
          lineStart = newline + 1;
        }
        if (lineStart === 0) {
          throw new SpoolError(
            'read_failed',
            `record longer than ${DISK_READ_CHUNK} bytes in segment ${segment.base}`,
          );
        }
        offset += lineStart;
      }
    } finally {
      await handle.close();
    }
    state.diskCursor = { base: segment.base, offset, seq };
    return { readings, next: seq };
  }

  #segmentHolding(seq: number): Segment {
    let low = 0;
    let high = this.#segments.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.#segments[mid] as Segment).base <= seq) low = mid;
      else high = mid - 1;
    }
    return this.#segments[low] as Segment;
  }

  async #commit(state: ConsumerState, upTo: number): Promise<void> {
    if (!Number.isSafeInteger(upTo) || upTo > state.position) {
      throw new SpoolError(
        'invalid_commit',
        `consumer ${state.name} cannot commit ${upTo} beyond its read position ${state.position}`,
      );
    }
    if (upTo <= state.committed) return;
    state.committed = upTo;
    await this.#persist(state);
    await this.#deleteConsumedSegments();
  }

  /** Coalesces cursor writes: one file write in flight per consumer, always of the latest value. */
  async #persist(state: ConsumerState): Promise<void> {
    while (state.durable < state.committed) {
      if (state.persisting !== undefined) {
        await state.persisting;
        continue;
      }
      const cursor = state.committed;
      state.persisting = writeCursorFile(this.#options.dir, state.name, cursor)
        .then(() => {
          state.durable = cursor;
        })
        .finally(() => {
          state.persisting = undefined;
        });
      await state.persisting;
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  #active(): Segment {
    return this.#segments.at(-1) as Segment;
  }

  #tail(): number {
    return this.#segments[0]?.base ?? this.#head;
  }

  #stoppedError(): SpoolError {
    return this.#state === 'new'
      ? new SpoolError('not_started', 'the spool is not running')
      : new SpoolError('stopped', 'the spool is stopped');
  }
}
