import type { Registry } from 'prom-client';
import type { SiteModel } from '../../config/load/model.ts';
import type { Clock } from '../runtime/clock.ts';
import type { SqlPool } from '../runtime/connections/postgres.ts';
import type { Logger } from '../runtime/logger.ts';
import { SiteCalendars } from './calendars.ts';
import {
  type RedisPublisher,
  type WorkOrderChange,
  WorkOrderChangePublisher,
  type WorkOrderChangeSink,
} from './changes.ts';
import { WorkOrderDispatcher } from './dispatcher.ts';
import { WorkOrderMetrics } from './metrics.ts';
import { WorkOrderService } from './service.ts';
import { WorkOrderStore } from './store/index.ts';

export interface WorkOrderPartsOptions {
  readonly model: SiteModel;
  readonly pool: SqlPool;
  /** The process's Redis client, to publish changes on `<prefix>:workorders`. */
  readonly redis: RedisPublisher;
  /** For the dispatcher's own subscriber on `<prefix>:incidents`. */
  readonly redisUrl: string;
  readonly prefix: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics?: Registry;
  /** Also told about every committed change, after the Redis channel (e.g. the webhook notifier). */
  readonly sinks?: readonly WorkOrderChangeSink[];
}

export interface WorkOrderParts {
  readonly calendars: SiteCalendars;
  readonly publisher: WorkOrderChangePublisher;
  readonly metrics: WorkOrderMetrics;
  readonly store: WorkOrderStore;
  readonly service: WorkOrderService;
  /** The only component: add it to the `workers` (and `all`) role. */
  readonly dispatcher: WorkOrderDispatcher;
}

/** Wires the work-order parts of one process over its PostgreSQL pool and Redis client. No I/O here. */
export function composeWorkOrders(options: WorkOrderPartsOptions): WorkOrderParts {
  const { model, pool, clock, logger, prefix } = options;
  const calendars = new SiteCalendars(model);
  const metrics = new WorkOrderMetrics(options.metrics);
  const publisher = new WorkOrderChangePublisher({
    publisher: options.redis,
    prefix,
    logger: logger.child({ component: 'workorders' }),
    failures: metrics.publishFailures,
  });
  const sinks = [publisher, ...(options.sinks ?? [])];
  const changes: WorkOrderChangeSink = {
    async publish(batch: readonly WorkOrderChange[]) {
      for (const sink of sinks) await sink.publish(batch);
    },
  };
  const store = new WorkOrderStore({
    pool,
    clock,
    calendarFor: calendars.forBuilding,
    changes,
    metrics,
    logger: logger.child({ component: 'workorders' }),
  });
  const service = new WorkOrderService({ store, model, clock });
  const dispatcher = new WorkOrderDispatcher({
    store,
    model,
    calendarFor: calendars.forBuilding,
    clock,
    logger: logger.child({ component: 'workorder-dispatcher' }),
    prefix,
    redisUrl: options.redisUrl,
    metrics,
  });
  return { calendars, publisher, metrics, store, service, dispatcher };
}
