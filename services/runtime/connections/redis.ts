import { Redis } from 'ioredis';
import type { Component, DependencyHealth, HealthCheck } from '../component.ts';
import { timedCheck } from '../component.ts';
import type { Logger } from '../logger.ts';

/**
 * The process's Redis connection. ioredis reconnects by itself; while Redis is away /health
 * says so and callers see errors instead of hanging (no offline queue).
 */
export class RedisConnection implements Component, HealthCheck {
  readonly name = 'redis';
  readonly dependency = 'redis';
  readonly client: Redis;
  readonly #logger: Logger;

  constructor(url: string, options: { logger: Logger }) {
    this.#logger = options.logger;
    this.client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    this.client.on('error', (error: Error) => this.#logger.warn({ err: error }, 'Redis connection error'));
  }

  async start(): Promise<void> {
    // Another user of the client (BullMQ) may have started connecting it already.
    if (this.client.status !== 'wait') return;
    try {
      await this.client.connect();
    } catch (error) {
      // Not fatal: the connection keeps retrying and /health reports Redis as down meanwhile.
      this.#logger.warn({ err: error }, 'Redis not reachable at start; retrying in the background');
    }
  }

  async stop(): Promise<void> {
    if (this.client.status === 'ready') await this.client.quit();
    else this.client.disconnect();
  }

  check(): Promise<DependencyHealth> {
    return timedCheck(() => this.client.ping());
  }
}
