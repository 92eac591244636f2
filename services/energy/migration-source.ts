import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MigrationSource } from '../runtime/migrations.ts';

/** The energy service's migrations (after `registry`: its tables reference contracts). */
export const ENERGY_MIGRATIONS: MigrationSource = {
  owner: 'energy',
  dir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
};
