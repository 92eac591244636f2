import type { SiteModel } from '../../config/load/model.ts';
import type { Clock } from '../runtime/clock.ts';
import type { Component } from '../runtime/component.ts';
import type { SqlPool } from '../runtime/connections/postgres.ts';
import type { Logger } from '../runtime/logger.ts';
import { ScoringStore, type WorkOrderHistories } from './store/scoring-store.ts';

export interface ScoringPartsOptions {
  readonly model: SiteModel;
  readonly pool: SqlPool;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The work-order store of the same process (its `historiesAsOf`). */
  readonly workOrders: WorkOrderHistories;
}

/**
 * At start, audits every scoring scheme of the configuration that differs from the one audited
 * last (`scheme_recorded`): a scheme change is on the trail before any score is computed with it.
 */
export class SchemeRecorder implements Component {
  readonly name = 'scoring-schemes';
  readonly #store: ScoringStore;
  readonly #logger: Logger;

  constructor(store: ScoringStore, logger: Logger) {
    this.#store = store;
    this.#logger = logger;
  }

  async start(): Promise<void> {
    const recorded = await this.#store.recordSchemes({ role: 'system' });
    if (recorded > 0) this.#logger.info({ schemes: recorded }, 'scoring schemes changed since last audited');
  }

  async stop(): Promise<void> {}
}

export interface ScoringParts {
  readonly store: ScoringStore;
  /** Add to the roles that run migrations' owners' components (`api`, `workers`, `all`). */
  readonly schemes: SchemeRecorder;
}

/** Wires the scoring parts of one process. No I/O here. */
export function composeScoring(options: ScoringPartsOptions): ScoringParts {
  const store = new ScoringStore({
    pool: options.pool,
    clock: options.clock,
    model: options.model,
    workOrders: options.workOrders,
  });
  return { store, schemes: new SchemeRecorder(store, options.logger.child({ component: 'scoring' })) };
}
