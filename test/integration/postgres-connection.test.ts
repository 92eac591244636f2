import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../services/runtime/clock.ts';
import { PostgresConnection } from '../../services/runtime/connections/postgres.ts';
import { createLogger } from '../../services/runtime/logger.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/stack.ts';

/**
 * The process's pool survives its server dropping a connection that is checked out between two
 * queries (a transaction mid-way when PostgreSQL restarts): node-postgres emits 'error' on that
 * client, which without a listener is an uncaught exception, here a failed test run.
 */
describe('the PostgreSQL pool when a checked-out connection is terminated', () => {
  let db: TestDatabase;
  let connection: PostgresConnection;

  beforeAll(async () => {
    db = await createTestDatabase();
    connection = new PostgresConnection(db.url, {
      logger: createLogger({ LOG_LEVEL: 'silent' }, 'test'),
      startupTimeoutMs: 5_000,
      clock: systemClock,
    });
    await connection.start();
  });
  afterAll(async () => {
    await connection.stop();
    await db.drop();
  });

  it('fails the next query on that client and carries on with a new one', async () => {
    const client = await connection.pool.connect();
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    await db.pool.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
    // The server's goodbye reaches the idle-in-checkout client as an 'error' event.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(client.query('select 1')).rejects.toThrow();
    client.release(true);
    expect((await connection.pool.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });
});
