import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import type { Component } from '../runtime/component.ts';
import type { Logger } from '../runtime/logger.ts';
import { workOrdersChannel } from '../workorders/changes.ts';
import { isWorkOrderEvent, recipientsOf } from './event.ts';
import { type WebhookMetrics, webhookMetrics } from './metrics.ts';
import type { WebhookNotifier } from './notifier.ts';

/** The channel the work-order service publishes its changes on. */
export { workOrdersChannel };

export interface WorkOrderEventListenerOptions {
  /** A subscribed Redis client can do nothing else, so the listener opens its own from this URL. */
  readonly redisUrl: string;
  readonly prefix: string;
  readonly notifier: Pick<WebhookNotifier, 'notify'>;
  readonly logger: Logger;
  /** The registry the notifier uses, so skipped messages land in the same counter. */
  readonly metrics?: Registry;
}

/**
 * Hands every work-order change published on `<prefix>:workorders` to the notifier, for the
 * order's vendor and, on a reassignment, the vendor it was taken from. Every `workers` process may run one: the delivery id makes the notifier
 * enqueue each change once. Pub/sub is at most once (a change published while no listener is
 * connected is not seen), so the work-order store should call notify() itself after its commit
 * where it must not miss one; this listener is the loose coupling for everything else.
 */
export class WorkOrderEventListener implements Component {
  readonly name = 'webhook-listener';
  readonly #options: WorkOrderEventListenerOptions;
  readonly #metrics: WebhookMetrics;
  readonly #inFlight = new Set<Promise<void>>();
  #subscriber: Redis | undefined;

  constructor(options: WorkOrderEventListenerOptions) {
    this.#options = options;
    this.#metrics = webhookMetrics(options.metrics ?? new Registry());
  }

  async start(): Promise<void> {
    const { redisUrl, prefix, logger } = this.#options;
    const subscriber = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
    subscriber.on('error', (error: Error) =>
      logger.warn({ err: error }, 'work-order listener connection error'),
    );
    subscriber.on('message', (_channel: string, message: string) => {
      const handled = this.#handle(message).finally(() => this.#inFlight.delete(handled));
      this.#inFlight.add(handled);
    });
    this.#subscriber = subscriber;
    await subscriber.connect();
    // ioredis subscribes again by itself after a reconnect.
    await subscriber.subscribe(workOrdersChannel(prefix));
  }

  async stop(): Promise<void> {
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    if (subscriber) {
      if (subscriber.status === 'ready') await subscriber.quit();
      else subscriber.disconnect();
    }
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Never rejects: a bad message or a failed enqueue is logged and counted. */
  async #handle(message: string): Promise<void> {
    const { logger, notifier } = this.#options;
    let event: unknown;
    try {
      event = JSON.parse(message);
    } catch {
      event = undefined;
    }
    if (!isWorkOrderEvent(event)) {
      this.#metrics.notifications.inc({ result: 'invalid_event' });
      logger.warn({ message: message.slice(0, 500) }, 'work-order event dropped: not a valid event');
      return;
    }
    const recipients = recipientsOf(event);
    // Orders in the facilities office's own queue have no vendor to tell.
    if (recipients.length === 0) {
      this.#metrics.notifications.inc({ result: 'no_vendor' });
      return;
    }
    for (const vendorId of recipients) {
      try {
        await notifier.notify(vendorId, event);
      } catch (error) {
        this.#metrics.notifications.inc({ result: 'error' });
        logger.error({ err: error, orderId: event.orderId, vendorId }, 'work-order event not enqueued');
      }
    }
  }
}
