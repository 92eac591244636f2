import type { Redis } from 'ioredis';
import type { Rejection } from './rejection.ts';

export interface DeadLetter extends Rejection {
  /** When the gateway refused it, ms since the epoch. */
  readonly at: number;
}

/**
 * The bounded dead-letter list: the newest refused messages, for operators to see what was
 * refused and why. Kept in memory (always) and mirrored to a Redis list (when Redis is up) so the
 * API and the CLI can read it from another process. A flood of bad input costs one bounded
 * Redis write per flush, never one per message.
 */
export class DeadLetters {
  readonly #capacity: number;
  readonly #ring: DeadLetter[] = [];
  #next = 0;
  #pending: DeadLetter[] = [];

  constructor(capacity = 1_000) {
    this.#capacity = capacity;
  }

  add(letter: DeadLetter): void {
    if (this.#ring.length < this.#capacity) this.#ring.push(letter);
    else this.#ring[this.#next] = letter;
    this.#next = (this.#next + 1) % this.#capacity;
    this.#pending.push(letter);
    if (this.#pending.length > this.#capacity) this.#pending.splice(0, this.#pending.length - this.#capacity);
  }

  /** Newest first. */
  list(limit = this.#capacity): DeadLetter[] {
    const ordered =
      this.#ring.length < this.#capacity
        ? [...this.#ring]
        : [...this.#ring.slice(this.#next), ...this.#ring.slice(0, this.#next)];
    return ordered.reverse().slice(0, limit);
  }

  /** Takes what was added since the last call (at most `capacity` entries, newest kept). */
  drain(): DeadLetter[] {
    const pending = this.#pending;
    this.#pending = [];
    return pending;
  }

  get capacity(): number {
    return this.#capacity;
  }
}

export const deadLetterKey = (prefix: string, site: string): string =>
  `${prefix}:gateway:${site}:dead-letters`;

/** Appends entries to the Redis mirror, newest at the head, trimmed to `capacity`. */
export async function mirrorDeadLetters(
  redis: Redis,
  key: string,
  letters: readonly DeadLetter[],
  capacity: number,
): Promise<void> {
  if (letters.length === 0) return;
  await redis
    .multi()
    .lpush(key, ...letters.map((letter) => JSON.stringify(letter)))
    .ltrim(key, 0, capacity - 1)
    .exec();
}

/** Reads the Redis mirror, newest first (for the API and `steward dead-letters`). */
export async function readDeadLetters(redis: Redis, key: string, limit: number): Promise<DeadLetter[]> {
  const rows = await redis.lrange(key, 0, Math.max(0, limit - 1));
  return rows.map((row) => JSON.parse(row) as DeadLetter);
}

/** Periodically copies new dead letters to the Redis mirror; skips a round while Redis is away. */
export class DeadLetterMirror {
  readonly name = 'dead-letter-mirror';
  readonly #letters: DeadLetters;
  readonly #redis: Redis;
  readonly #key: string;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(letters: DeadLetters, redis: Redis, key: string, intervalMs = 500) {
    this.#letters = letters;
    this.#redis = redis;
    this.#key = key;
    this.#intervalMs = intervalMs;
  }

  async start(): Promise<void> {
    this.#timer = setInterval(() => {
      this.#running ??= this.#flush().finally(() => {
        this.#running = undefined;
      });
    }, this.#intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
    await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#redis.status !== 'ready') return;
    const letters = this.#letters.drain();
    // Oldest first, so that LPUSH leaves the newest at the head.
    await mirrorDeadLetters(this.#redis, this.#key, letters, this.#letters.capacity).catch(() => undefined);
  }
}
