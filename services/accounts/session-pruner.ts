import type { Component } from '../runtime/component.ts';
import type { Logger } from '../runtime/logger.ts';
import type { AccountStore } from './store.ts';

/** Ended sessions are kept this long (for a look at a recent logout or expiry), then deleted. */
export const DEFAULT_SESSION_KEEP_MS = 7 * 24 * 3_600_000;
const DEFAULT_INTERVAL_MS = 3_600_000;

export interface SessionPrunerOptions {
  readonly accounts: Pick<AccountStore, 'pruneSessions'>;
  readonly logger: Logger;
  /** Default a week. */
  readonly keepMs?: number;
  /** Default an hour. */
  readonly intervalMs?: number;
}

/**
 * The API role's housekeeping of the sessions table: at start and then hourly, deletes sessions
 * that expired or were revoked over a week ago. Several API processes may each run it; a delete
 * is idempotent. A failed round (PostgreSQL away) is logged and the next one tries again.
 */
export class SessionPruner implements Component {
  readonly name = 'session-pruner';
  readonly #options: SessionPrunerOptions;
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> = Promise.resolve();

  constructor(options: SessionPrunerOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    this.#round = this.prune();
    this.#timer = setInterval(() => {
      this.#round = this.#round.then(() => this.prune());
    }, this.#options.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#round;
  }

  /** One round; never throws. */
  async prune(): Promise<void> {
    try {
      const deleted = await this.#options.accounts.pruneSessions(
        this.#options.keepMs ?? DEFAULT_SESSION_KEEP_MS,
      );
      if (deleted > 0) this.#options.logger.info({ deleted }, 'ended sessions pruned');
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'ended sessions not pruned; next round retries');
    }
  }
}
