import { Redis } from 'ioredis';
import { liveChannel } from '../../gateway/handoff/shards.ts';
import { incidentsChannel } from '../incidents/publisher.ts';
import { isWorkOrderEvent, type WorkOrderEvent } from '../notifications/event.ts';
import type { Logger } from '../runtime/logger.ts';
import { workOrdersChannel } from '../workorders/changes.ts';
import {
  type IncidentUpdate,
  isIncidentUpdate,
  isLiveFrame,
  type LiveValue,
  parseFrame,
} from './messages.ts';
import type { LiveMetrics } from './metrics.ts';

/** Where each kind of message goes once it has been validated. */
export interface LiveSourceHandlers {
  liveValues(site: string, values: readonly LiveValue[]): void;
  incident(update: IncidentUpdate): void;
  workOrder(event: WorkOrderEvent): void;
  /** The subscription came back after a loss: messages of the gap are gone. */
  resubscribed(): void;
}

export interface LiveSourcesOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly siteIds: readonly string[];
  readonly handlers: LiveSourceHandlers;
  readonly logger: Logger;
  readonly metrics: LiveMetrics;
}

/**
 * The process's one subscriber to what the live feed relays: the gateway's live values of each
 * site, incident changes and work-order changes. Frames that are not valid JSON of their schema
 * are dropped and counted.
 */
export class LiveSources {
  readonly #options: LiveSourcesOptions;
  #subscriber: Redis | undefined;

  constructor(options: LiveSourcesOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    const { redisUrl, prefix, siteIds, handlers, logger, metrics } = this.#options;
    const routes = new Map<string, (text: string) => void>();
    const drop = (source: string, text: string): void => {
      metrics.framesDropped.inc({ source });
      logger.warn(
        { source, message: text.slice(0, 300) },
        'live feed: message dropped, does not fit its schema',
      );
    };
    for (const site of siteIds) {
      routes.set(liveChannel(prefix, site), (text) => {
        const values = parseFrame(isLiveFrame, text);
        if (values) handlers.liveValues(site, values);
        else drop('live', text);
      });
    }
    routes.set(incidentsChannel(prefix), (text) => {
      const update = parseFrame(isIncidentUpdate, text);
      if (update) handlers.incident(update);
      else drop('incidents', text);
    });
    routes.set(workOrdersChannel(prefix), (text) => {
      const event = parseFrame(isWorkOrderEvent, text);
      if (event) handlers.workOrder(event);
      else drop('workorders', text);
    });

    // Commands wait for the connection (no retry limit), so the subscription is made whenever
    // Redis comes; ioredis subscribes again by itself after a reconnect.
    const subscriber = new Redis(redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: null,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    subscriber.on('error', (error: Error) => logger.warn({ err: error }, 'live feed subscriber error'));
    subscriber.on('message', (channel: string, text: string) => routes.get(channel)?.(text));
    let connectedBefore = false;
    subscriber.on('ready', () => {
      if (connectedBefore) handlers.resubscribed();
      connectedBefore = true;
    });
    this.#subscriber = subscriber;
    const connected = subscriber.connect().then(
      () => true,
      (error: unknown) => {
        logger.warn({ err: error }, 'live feed: Redis not reachable at start; retrying in the background');
        return false;
      },
    );
    const subscribed = subscriber.subscribe(...routes.keys()).catch((error: unknown) => {
      logger.warn({ err: error }, 'live feed: subscription failed');
    });
    // Started means subscribed when Redis is there; when it is not, start anyway (as the
    // process's Redis connection does) and subscribe once it comes.
    if (await connected) await subscribed;
  }

  async stop(): Promise<void> {
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    if (!subscriber) return;
    if (subscriber.status === 'ready') await subscriber.quit();
    else subscriber.disconnect();
  }
}
