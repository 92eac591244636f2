import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlPool } from './connections/postgres.ts';

/** A service's folder of versioned SQL migrations: `NNN_description.sql`, applied in order. */
export interface MigrationSource {
  /** The service that owns the tables. */
  readonly owner: string;
  readonly dir: string;
}

interface Migration {
  readonly owner: string;
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface AppliedMigration {
  readonly owner: string;
  readonly version: number;
  readonly name: string;
}

export class MigrationError extends Error {
  readonly code: 'MIGRATION_FAILED' | 'MIGRATION_CHANGED' | 'MIGRATION_NAME_INVALID';

  constructor(code: MigrationError['code'], message: string, cause?: unknown) {
    super(message, { cause });
    this.code = code;
  }
}

const servicesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Owners in dependency order: a service's tables may reference only tables of owners before it.
 * Each later issue appends its service here.
 */
export const MIGRATION_SOURCES: readonly MigrationSource[] = [
  { owner: 'registry', dir: path.join(servicesDir, 'registry', 'migrations') },
  { owner: 'incidents', dir: path.join(servicesDir, 'incidents', 'migrations') },
  { owner: 'workorders', dir: path.join(servicesDir, 'workorders', 'migrations') },
  { owner: 'notifications', dir: path.join(servicesDir, 'notifications', 'migrations') },
  { owner: 'accounts', dir: path.join(servicesDir, 'accounts', 'migrations') },
  { owner: 'energy', dir: path.join(servicesDir, 'energy', 'migrations') },
  { owner: 'scoring', dir: path.join(servicesDir, 'scoring', 'migrations') },
];

/** Any number to serialise concurrent migrators (several processes starting at once). */
const MIGRATION_LOCK = 7_304_211;

/**
 * Applies every pending migration, each in its own transaction, under an advisory lock.
 * An applied migration whose file changed since is refused: migrations are append-only.
 */
export async function migrate(
  pool: SqlPool,
  sources: readonly MigrationSource[] = MIGRATION_SOURCES,
): Promise<AppliedMigration[]> {
  const migrations = sources.flatMap(readMigrations);
  const client = await pool.connect();
  const applied: AppliedMigration[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`create table if not exists steward_migrations (
      owner text not null,
      version integer not null,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now(),
      primary key (owner, version))`);
    const { rows } = await client.query<{ owner: string; version: number; checksum: string }>(
      'select owner, version, checksum from steward_migrations',
    );
    const done = new Map(rows.map((row) => [`${row.owner}/${row.version}`, row.checksum]));
    for (const migration of migrations) {
      const checksum = done.get(`${migration.owner}/${migration.version}`);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new MigrationError(
            'MIGRATION_CHANGED',
            `migration ${migration.owner}/${migration.name} was changed after it was applied; add a new migration instead`,
          );
        }
        continue;
      }
      try {
        await client.query('begin');
        await client.query(migration.sql);
        await client.query(
          'insert into steward_migrations (owner, version, name, checksum) values ($1, $2, $3, $4)',
          [migration.owner, migration.version, migration.name, migration.checksum],
        );
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        const reason = error instanceof Error ? error.message : String(error);
        throw new MigrationError(
          'MIGRATION_FAILED',
          `migration ${migration.owner}/${migration.name} failed: ${reason}`,
          error,
        );
      }
      applied.push({ owner: migration.owner, version: migration.version, name: migration.name });
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return applied;
}

function readMigrations(source: MigrationSource): Migration[] {
  const files = readdirSync(source.dir)
    .filter((file) => file.endsWith('.sql'))
    .sort();
  return files.map((file) => {
    const match = /^(\d{3})_[a-z0-9_]+\.sql$/.exec(file);
    if (!match?.[1]) {
      throw new MigrationError(
        'MIGRATION_NAME_INVALID',
        `${source.owner}/${file}: migrations are named NNN_description.sql`,
      );
    }
    const sql = readFileSync(path.join(source.dir, file), 'utf8');
    return {
      owner: source.owner,
      version: Number(match[1]),
      name: file,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    };
  });
}
