import { type Counter, type Gauge, Histogram, type Registry } from 'prom-client';
import { sharedCounter, sharedGauge } from '../runtime/metrics.ts';

/** What became of a notify() call (or of a message on the work-order channel). */
export type NotifyResult =
  | 'enqueued'
  | 'duplicate'
  | 'no_webhook'
  | 'unknown_vendor'
  | 'secret_unavailable'
  | 'no_vendor'
  | 'invalid_event'
  | 'error';

export interface WebhookMetrics {
  readonly notifications: Counter<'result'>;
  readonly deliveries: Counter<'vendor' | 'outcome'>;
  readonly duration: Histogram<'vendor'>;
  readonly logFailures: Counter;
  readonly endpoints: Gauge<'state'>;
}

/** The notifier's metrics, registered once per registry (several notifiers in tests share them). */
export function webhookMetrics(registry: Registry): WebhookMetrics {
  return {
    notifications: sharedCounter(registry, {
      name: 'steward_webhook_notifications_total',
      help: 'Work-order events offered to the webhook notifier, by result (enqueued, duplicate, no_webhook, unknown_vendor, secret_unavailable, no_vendor, invalid_event, error)',
      labelNames: ['result'],
    }),
    deliveries: sharedCounter(registry, {
      name: 'steward_webhook_deliveries_total',
      help: 'Webhook HTTP attempts by vendor and outcome (delivered, retrying: failed with another attempt scheduled, failed: no more attempts)',
      labelNames: ['vendor', 'outcome'],
    }),
    duration: sharedHistogram(registry, 'steward_webhook_delivery_duration_seconds', {
      help: 'Duration of webhook HTTP attempts, whatever their outcome',
      labelNames: ['vendor'],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
    logFailures: sharedCounter(registry, {
      name: 'steward_webhook_log_failures_total',
      help: 'Webhook attempts that could not be written to the delivery log (PostgreSQL unavailable)',
    }),
    endpoints: sharedGauge(registry, {
      name: 'steward_webhook_endpoints',
      help: 'Vendors with a configured webhook, by state at start (ready, secret_unavailable)',
      labelNames: ['state'],
    }),
  };
}

function sharedHistogram<L extends string>(
  registry: Registry,
  name: string,
  config: { help: string; labelNames: readonly L[]; buckets: number[] },
): Histogram<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Histogram) return existing as Histogram<L>;
  return new Histogram({ name, ...config, registers: [registry] });
}
