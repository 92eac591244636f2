import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { readSettings } from '../../services/runtime/settings.ts';

/**
 * Integration tests use the real servers of the local stack (services/stack), isolated per
 * test file: a database of its own, created here and dropped afterwards, and a Redis key prefix
 * of its own.
 */
export const stackSettings = readSettings();

export const uniqueName = (prefix: string): string =>
  `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly pool: pg.Pool;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix = 'steward_test'): Promise<TestDatabase> {
  const name = uniqueName(prefix).toLowerCase();
  const admin = new pg.Client({ connectionString: stackSettings.DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(stackSettings.DATABASE_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 5 });
  // The forced drop terminates connections pool.end() has not finished closing; without a
  // listener their 'error' would be an uncaught exception in the test process.
  pool.on('error', () => undefined);
  return {
    name,
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const client = new pg.Client({ connectionString: stackSettings.DATABASE_URL });
      await client.connect();
      try {
        // FORCE terminates the test's leftover sessions, but an autovacuum worker busy in the
        // database (a superuser process) makes it fail with 42501 for a moment: retry.
        for (let attempt = 1; ; attempt++) {
          try {
            await client.query(`drop database if exists ${name} with (force)`);
            return;
          } catch (error) {
            const code = (error as { code?: string }).code;
            if (attempt >= 20 || (code !== '42501' && code !== '55006')) throw error;
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
        }
      } finally {
        await client.end();
      }
    },
  };
}
