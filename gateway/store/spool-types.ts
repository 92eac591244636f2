import type { Registry } from 'prom-client';
import type { Reading } from '../ingest/reading.ts';

export interface SpoolOptions {
  readonly dir: string;
  /** Bound on the segment files; beyond it the oldest segments are deleted, read or not. Default 1 GiB. */
  readonly maxBytes?: number;
  /** Rotation size. A segment may exceed it by at most one group write. Default 16 MiB. */
  readonly segmentBytes?: number;
  /** Period of fdatasync on the active segment; 0 syncs every group write before acknowledging it. Default 200. */
  readonly fsyncIntervalMs?: number;
  /** Group-commit window: appends arriving within it share one write(2). Default 2. */
  readonly flushIntervalMs?: number;
  /** Readings waiting for the next group write beyond which `append` waits (back-pressure). Default 100,000. */
  readonly maxBufferedReadings?: number;
  /** Most recent readings kept in memory so consumers at the head never read files. Default 100,000. */
  readonly memoryReadings?: number;
  /** When given, spool metrics are registered on start and removed on stop. */
  readonly registry?: Registry;
}

/** Where a consumer seen for the first time starts; a consumer with a cursor file resumes from it. */
export interface ConsumerOptions {
  readonly from?: 'oldest' | 'newest';
}

export interface SpoolBatch {
  /** Readings in sequence order; fewer than asked when the spool had fewer, empty once it stops. */
  readonly readings: Reading[];
  /** Sequence number of the first reading. */
  readonly from: number;
  /** The cursor to commit once these readings are safely elsewhere (exclusive end). */
  readonly upTo: number;
}

export interface SpoolConsumer {
  readonly name: string;
  /**
   * The next readings after this consumer's read position, waiting until there are some. Resolves
   * empty when the spool stops; rejects with the signal's reason when aborted.
   */
  read(max: number, signal?: AbortSignal): Promise<SpoolBatch>;
  /** Durably moves the cursor to `upTo` (as returned by read); older values are ignored. */
  commit(upTo: number): Promise<void>;
  /** Moves the read position back to the committed cursor, so uncommitted readings come again. */
  rewind(): void;
  stats(): ConsumerStats;
}

export interface ConsumerStats {
  /** Committed (durable) cursor: the next sequence this consumer has not yet handed on. */
  readonly cursor: number;
  /** Next sequence `read` returns (ahead of the cursor while a batch is in flight). */
  readonly position: number;
  /** Readings kept in the spool that the consumer has not committed. */
  readonly lagReadings: number;
  /** Readings deleted by the disk bound before this consumer read them (since process start). */
  readonly droppedReadings: number;
}

export interface SpoolStats {
  readonly bytes: number;
  readonly segments: number;
  /** Sequence of the oldest reading still on disk. */
  readonly tailSequence: number;
  /** Sequence the next appended reading gets. */
  readonly headSequence: number;
  readonly bufferedReadings: number;
  readonly appendedReadings: number;
  readonly writeErrors: number;
  /** Consumer reads served from the in-memory tail vs from segment files (catch-up after a backlog). */
  readonly readsFromMemory: number;
  readonly readsFromDisk: number;
  /** Records on disk that could not be decoded when read (skipped, sequence kept). */
  readonly corruptRecords: number;
  /** Set when a failed write could not be rolled back; the spool then refuses appends. */
  readonly failed: string | undefined;
  readonly recovery: {
    /** Bytes cut from the end of the last segment at start (torn or unsynced records). */
    readonly truncatedBytes: number;
    /** Consumers whose cursor file was unreadable and restart from the oldest reading. */
    readonly resetCursors: readonly string[];
  };
  readonly consumers: Readonly<Record<string, ConsumerStats>>;
}
