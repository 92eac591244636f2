import type { Logger } from '../runtime/logger.ts';
import { codeOf } from './dispatch-failures.ts';
import type { DispatchResult } from './event-handler.ts';
import type { IncidentEventFact } from './incident-feed.ts';
import type { WorkOrderMetrics } from './metrics.ts';

/**
 * What the dispatcher tells operators about the events it handles, after each commit: the
 * `steward_work_order_dispatcher_*` counters (defined in `metrics.ts`) and the log line that goes
 * with each, carrying the event's and incident's ids. Its own lifecycle (the Redis subscriber) it
 * logs itself.
 */

export interface DispatcherTelemetryOptions {
  readonly logger: Logger;
  readonly metrics?: WorkOrderMetrics;
}

export class DispatcherTelemetry {
  readonly #options: DispatcherTelemetryOptions;

  constructor(options: DispatcherTelemetryOptions) {
    this.#options = options;
  }

  /** An event handled by a drain, its cursor advanced. */
  dispatched(event: IncidentEventFact, { outcome, orderId }: DispatchResult): void {
    const { metrics, logger } = this.#options;
    metrics?.dispatched.inc({ outcome });
    if (outcome !== 'ignored') {
      // Info, with both ids: the link operators follow from an incident to its work order.
      logger.info(
        { eventId: event.eventId, incidentId: event.incidentId, kind: event.kind, outcome, orderId },
        'incident event dispatched',
      );
    }
  }

  /** A drain that stopped on a failure; the next wake starts again from the cursor. */
  drainFailed(error: unknown): void {
    this.#options.metrics?.dispatchFailures.inc();
    this.#options.logger.error({ err: error }, 'incident event not dispatched; retrying from the cursor');
  }

  /** An event parked after `attempts` failures in a row, `error` the last. */
  parked(event: IncidentEventFact, error: unknown, attempts: number): void {
    const { metrics, logger } = this.#options;
    metrics?.parked.inc();
    logger.error(
      {
        eventId: event.eventId,
        incidentId: event.incidentId,
        kind: event.kind,
        attempts,
        errorCode: codeOf(error),
        err: error,
      },
      'incident event parked after repeated failures; later events go on (see listParked / redispatchParked)',
    );
  }

  /** A parked event handled again by a person's `redispatchParked`. */
  redispatched(event: IncidentEventFact, handled: DispatchResult): void {
    const { metrics, logger } = this.#options;
    metrics?.dispatched.inc({ outcome: handled.outcome });
    logger.info(
      { eventId: event.eventId, incidentId: event.incidentId, kind: event.kind, ...handled },
      'parked incident event re-dispatched',
    );
  }
}
