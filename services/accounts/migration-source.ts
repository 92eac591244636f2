import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MigrationSource } from '../runtime/migrations.ts';

/** The accounts' migrations (after `registry`: users reference vendors). */
export const ACCOUNTS_MIGRATIONS: MigrationSource = {
  owner: 'accounts',
  dir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
};
