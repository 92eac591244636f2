import { type Counter, Registry } from 'prom-client';
import { sharedCounter } from '../runtime/metrics.ts';
import type { WorkOrderChange } from './changes.ts';
import type { Route } from './domain/index.ts';

/** How an order came to be, as a metric label. */
export type CreatedRoute = 'immediate' | 'daily_group' | 'office_queue';

export const createdRouteOf = (route: Route): CreatedRoute =>
  route.kind === 'office_queue' ? 'office_queue' : route.dispatch;

/**
 * The work-order counters, registered once per registry (the store, the dispatcher and the
 * service of one process share them). Counted after commit, so a rolled-back change counts nothing.
 */
export class WorkOrderMetrics {
  readonly created: Counter<'route'>;
  readonly transitions: Counter<'action'>;
  readonly breaches: Counter<'target'>;
  readonly dispatched: Counter<'outcome'>;
  readonly dispatchFailures: Counter;
  readonly parked: Counter;
  readonly publishFailures: Counter;

  constructor(registry: Registry = new Registry()) {
    this.created = sharedCounter(registry, {
      name: 'steward_work_orders_created_total',
      help: 'Work orders created, by route (immediate, daily_group, office_queue)',
      labelNames: ['route'],
    });
    this.transitions = sharedCounter(registry, {
      name: 'steward_work_order_transitions_total',
      help: 'Work-order transitions committed, by action (create, dispatch, accept, …)',
      labelNames: ['action'],
    });
    this.breaches = sharedCounter(registry, {
      name: 'steward_work_order_breaches_recorded_total',
      help: 'SLA breaches newly recorded in sla_events, by target (accept, arrive, resolve)',
      labelNames: ['target'],
    });
    this.dispatched = sharedCounter(registry, {
      name: 'steward_work_order_dispatcher_events_total',
      help: 'Incident events handled by the work-order dispatcher, by outcome',
      labelNames: ['outcome'],
    });
    this.dispatchFailures = sharedCounter(registry, {
      name: 'steward_work_order_dispatcher_failures_total',
      help: 'Incident events the dispatcher failed to handle (retried from the cursor)',
    });
    this.parked = sharedCounter(registry, {
      name: 'steward_work_order_dispatcher_parked_total',
      help: 'Incident events the dispatcher parked after repeated permanent failures (work_order_parked_events)',
    });
    this.publishFailures = sharedCounter(registry, {
      name: 'steward_work_order_publish_failures_total',
      help: 'Work-order changes committed but not published on Redis',
    });
  }

  /** Counts one committed transaction's changes. */
  count(changes: readonly WorkOrderChange[], created: readonly CreatedRoute[]): void {
    for (const route of created) this.created.inc({ route });
    for (const change of changes) {
      if (change.seq !== undefined) this.transitions.inc({ action: change.action });
    }
  }
}
