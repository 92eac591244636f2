import pg from 'pg';
import type { Clock } from '../clock.ts';
import type { Component, DependencyHealth, HealthCheck } from '../component.ts';
import { timedCheck } from '../component.ts';
import type { Logger } from '../logger.ts';

export type SqlPool = pg.Pool;

/**
 * Runs `work` in one transaction on a client of the pool: begin, work, commit; on any error a
 * rollback (its own failure ignored: the connection may be what failed) and the error rethrown
 * as it was. The client goes back to the pool either way.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The process's PostgreSQL pool. start() waits, bounded, for the server to accept connections. */
export class PostgresConnection implements Component, HealthCheck {
  readonly name = 'postgres';
  readonly dependency = 'postgres';
  readonly pool: pg.Pool;
  readonly #logger: Logger;
  readonly #startupTimeoutMs: number;
  readonly #clock: Clock;

  constructor(
    url: string,
    options: { logger: Logger; startupTimeoutMs: number; clock: Clock; max?: number },
  ) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      connectionTimeoutMillis: 5_000,
    });
    this.#logger = options.logger;
    this.#startupTimeoutMs = options.startupTimeoutMs;
    this.#clock = options.clock;
    // An idle client losing its server must not crash the process; the pool replaces it.
    this.pool.on('error', (error) => this.#logger.warn({ err: error }, 'idle PostgreSQL client failed'));
    // Nor may a checked-out one between two queries of a transaction: node-postgres emits
    // 'error' on the client itself then, and an 'error' without a listener kills the process
    // (chaos postgres-outage caught `steward workers` dying so). The next query on it fails and
    // its caller handles that; the pool drops the broken client when it is released.
    this.pool.on('connect', (client) => {
      client.on('error', (error) => this.#logger.debug({ err: error }, 'PostgreSQL client in use failed'));
    });
  }

  async start(): Promise<void> {
    const deadline = this.#clock.nowMs() + this.#startupTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.pool.query('select 1');
        return;
      } catch (error) {
        if (this.#clock.nowMs() >= deadline) {
          throw new DependencyUnavailableError('postgres', error);
        }
        this.#logger.warn({ attempt, err: error }, 'PostgreSQL not reachable yet, retrying');
        await sleep(Math.min(2_000, 200 * attempt));
      }
    }
  }

  async stop(): Promise<void> {
    await this.pool.end();
  }

  check(): Promise<DependencyHealth> {
    return timedCheck(() => this.pool.query('select 1'));
  }
}

export class DependencyUnavailableError extends Error {
  readonly code = 'DEPENDENCY_UNAVAILABLE';
  readonly dependency: string;

  constructor(dependency: string, cause: unknown) {
    super(`${dependency} is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.dependency = dependency;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
