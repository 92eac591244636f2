import type { SiteModel } from '../../config/load/model.ts';
import type { Component } from '../runtime/component.ts';
import type { SqlPool } from '../runtime/connections/postgres.ts';
import type { Logger } from '../runtime/logger.ts';
import { migrate } from '../runtime/migrations.ts';
import { syncRegistry } from './sync.ts';

/** At start, brings the schema up to date and writes the loaded configuration into the registry. */
export class RegistrySync implements Component {
  readonly name = 'registry';
  readonly #pool: SqlPool;
  readonly #model: SiteModel;
  readonly #logger: Logger;

  constructor(pool: SqlPool, model: SiteModel, logger: Logger) {
    this.#pool = pool;
    this.#model = model;
    this.#logger = logger;
  }

  async start(): Promise<void> {
    const applied = await migrate(this.#pool);
    if (applied.length > 0)
      this.#logger.info({ applied: applied.map((m) => `${m.owner}/${m.name}`) }, 'migrations applied');
    const summary = await syncRegistry(this.#pool, this.#model);
    this.#logger.info(summary, 'registry synced from configuration');
  }

  async stop(): Promise<void> {}
}
