import type { Component } from './component.ts';
import type { Logger } from './logger.ts';

/**
 * Starts components in order and stops them in reverse. If a start fails, what already
 * started is stopped again, so a failed start leaves nothing running.
 */
export class Lifecycle {
  readonly #components: readonly Component[];
  readonly #logger: Logger;
  readonly #started: Component[] = [];
  #stopping: Promise<void> | undefined;

  constructor(components: readonly Component[], logger: Logger) {
    this.#components = components;
    this.#logger = logger;
  }

  async start(): Promise<void> {
    for (const component of this.#components) {
      try {
        await component.start();
      } catch (error) {
        this.#logger.error({ err: error, component: component.name }, 'start failed; stopping what started');
        await this.stop();
        throw error;
      }
      this.#started.push(component);
    }
  }

  /** Idempotent: concurrent and repeated calls share one shutdown. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stopAll();
    return this.#stopping;
  }

  async #stopAll(): Promise<void> {
    for (const component of [...this.#started].reverse()) {
      try {
        await component.stop();
      } catch (error) {
        this.#logger.error({ err: error, component: component.name }, 'stop failed; continuing shutdown');
      }
    }
    this.#started.length = 0;
  }
}

/**
 * SIGINT/SIGTERM stop the lifecycle gracefully and exit 0; a second signal, or a shutdown
 * longer than `timeoutMs`, exits 1 at once.
 */
export function exitOnSignals(lifecycle: Lifecycle, logger: Logger, timeoutMs: number): void {
  let received = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received) {
      logger.warn({ signal }, 'second signal during shutdown; exiting now');
      process.exit(1);
    }
    received = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    lifecycle.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
