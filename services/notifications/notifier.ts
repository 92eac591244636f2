import { type ConnectionOptions, type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import type { Vendor } from '../../config/schema/vendors.ts';
import type { Clock } from '../runtime/clock.ts';
import type { Component } from '../runtime/component.ts';
import type { Logger } from '../runtime/logger.ts';
import { reportQueueDepth } from '../runtime/metrics.ts';
import { resolveSecret } from '../runtime/secrets.ts';
import { type AttemptResult, attemptDelivery, type BackoffPolicy, retryDelayMs } from './delivery.ts';
import type { DeliveryAttemptRecord, DeliveryOutcome, DeliveryRecorder } from './delivery-log.ts';
import { WebhookError } from './errors.ts';
import { deliveryIdOf, isWorkOrderEvent, type WorkOrderEvent, webhookPayload } from './event.ts';
import { type WebhookMetrics, webhookMetrics } from './metrics.ts';

export const WEBHOOK_QUEUE = 'webhooks';
/** With the default backoff: retries after 1 s, 2 s, … 2048 s, then twice an hour apart; about 3 h in all. */
export const DEFAULT_WEBHOOK_ATTEMPTS = 15;
export const DEFAULT_WEBHOOK_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 3_600_000 };
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
export const DEFAULT_WEBHOOK_CONCURRENCY = 4;
/** How long a delivered event's job is kept, and so how long notifying it again is a `duplicate`. */
export const DEFAULT_KEEP_DELIVERED_S = 24 * 3600;
/** Failed jobs are kept longer, for inspection; they also keep notifying again a `duplicate`. */
const KEEP_FAILED_S = 7 * 24 * 3600;

/** The part of a configured vendor the notifier reads. */
export type WebhookVendor = Pick<Vendor, 'id' | 'webhook'>;

/** What a job carries: everything but the secret, which never leaves the process. */
export const WebhookJob = Type.Object({
  deliveryId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$' }),
  vendorId: Type.String({ minLength: 1 }),
  event: Type.String({ minLength: 1 }),
  orderId: Type.Union([Type.String(), Type.Null()]),
  /** The exact JSON that is POSTed, the same on every attempt. */
  body: Type.String(),
});
export type WebhookJob = Static<typeof WebhookJob>;

export type NotifyOutcome =
  | { readonly result: 'enqueued' | 'duplicate'; readonly deliveryId: string }
  | { readonly result: 'no_webhook' | 'unknown_vendor' | 'secret_unavailable' | 'invalid_event' };

export interface WebhookNotifierOptions {
  /** The configured vendors (`model.vendors.values()`); those without `webhook` get nothing. */
  readonly vendors: Iterable<WebhookVendor>;
  /**
   * Where the queue and worker connect: a Redis URL (the notifier opens, and closes, its own
   * client with `maxRetriesPerRequest: null`), BullMQ connection options, or such an ioredis client.
   */
  readonly connection: string | ConnectionOptions;
  /** The BullMQ prefix (`STEWARD_REDIS_PREFIX`). */
  readonly prefix: string;
  /** The delivery log (`new DeliveryLog(pool)`). */
  readonly deliveries: DeliveryRecorder;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where the metrics go; default a registry of its own. */
  readonly metrics?: Registry;
  /** Where `env:` secret references are read; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Attempts per delivery, the first included; default `DEFAULT_WEBHOOK_ATTEMPTS`. */
  readonly attempts?: number;
  /** Default `DEFAULT_WEBHOOK_BACKOFF`; tests shorten it. */
  readonly backoff?: BackoffPolicy;
  /** Per attempt; default `DEFAULT_WEBHOOK_TIMEOUT_MS`. */
  readonly timeoutMs?: number;
  /** Attempts in flight at once in this process; default `DEFAULT_WEBHOOK_CONCURRENCY`. */
  readonly concurrency?: number;
  /** Default `DEFAULT_KEEP_DELIVERED_S`. */
  readonly keepDeliveredS?: number;
  /** Replaces the global fetch (a proxy agent, tests). */
  readonly fetch?: typeof fetch;
}

/** A vendor's endpoint as resolved at start; `secrets` undefined when the reference failed. */
interface Endpoint {
  readonly url: string;
  readonly secrets: readonly string[] | undefined;
  readonly secretError?: string;
}

/** A failed attempt that BullMQ is to retry; carries the receiver's Retry-After into the backoff. */
class RetryableDelivery extends Error {
  readonly retryAfterMs: number | undefined;

  constructor(message: string, retryAfterMs: number | undefined) {
    super(message);
    this.name = 'RetryableDelivery';
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Signed webhooks to vendors. notify() turns a work-order event into one BullMQ job on the queue
 * `webhooks` (job id = delivery id, so the same event is enqueued once); the worker POSTs it,
 * signed afresh on every attempt, logs every attempt in `webhook_deliveries`, and leaves retries
 * to BullMQ: 5xx, 408, 429 and network errors again after an exponential backoff (at least the
 * receiver's Retry-After), other 4xx and 3xx never. See README.md.
 *
 * The constructor only stores its options; start() resolves the vendors' secrets (once: a
 * rotated secret needs a restart), opens the queue and starts the worker; stop() lets the
 * attempts in flight finish and closes them.
 */
export class WebhookNotifier implements Component {
  readonly name = 'webhooks';
  readonly #options: WebhookNotifierOptions;
  readonly #logger: Logger;
  readonly #metrics: WebhookMetrics;
  readonly #backoff: BackoffPolicy;
  readonly #attempts: number;
  readonly #vendors: readonly WebhookVendor[];
  #endpoints = new Map<string, Endpoint>();
  #vendorIds = new Set<string>();
  #queue: Queue<WebhookJob> | undefined;
  #worker: Worker<WebhookJob> | undefined;
  #ownConnections: Redis[] = [];

  constructor(options: WebhookNotifierOptions) {
    this.#options = options;
    this.#logger = options.logger;
    const registry = options.metrics ?? new Registry();
    this.#metrics = webhookMetrics(registry);
    reportQueueDepth(registry, () => (this.#queue ? [this.#queue] : []));
    this.#backoff = options.backoff ?? DEFAULT_WEBHOOK_BACKOFF;
    this.#attempts = options.attempts ?? DEFAULT_WEBHOOK_ATTEMPTS;
    // An iterator (`model.vendors.values()`) can be read once; start() may run again after stop().
    this.#vendors = [...options.vendors];
  }

  /** The BullMQ queue, for tests and operators' tools; undefined before start(). */
  get queue(): Queue<WebhookJob> | undefined {
    return this.#queue;
  }

  async start(): Promise<void> {
    this.#resolveEndpoints();
    const { connection, prefix } = this.#options;
    // Given a URL, notify() fails fast while Redis is away (the caller keeps its event and can
    // retry), whereas the worker waits for Redis to come back, as BullMQ requires.
    const [producer, consumer]: [ConnectionOptions, ConnectionOptions] =
      typeof connection === 'string'
        ? [
            this.#connect(connection, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }),
            this.#connect(connection, { enableOfflineQueue: true, maxRetriesPerRequest: null }),
          ]
        : [connection, connection];
    this.#queue = new Queue<WebhookJob>(WEBHOOK_QUEUE, { connection: producer, prefix });
    this.#queue.on('error', (error) => this.#logger.warn({ err: error }, 'webhook queue error'));
    await this.#queue.waitUntilReady();
    this.#worker = new Worker<WebhookJob>(WEBHOOK_QUEUE, (job) => this.#deliver(job), {
      connection: consumer,
      prefix,
      concurrency: this.#options.concurrency ?? DEFAULT_WEBHOOK_CONCURRENCY,
      settings: {
        backoffStrategy: (attemptsMade, _type, error) =>
          retryDelayMs(
            attemptsMade,
            this.#backoff,
            error instanceof RetryableDelivery ? error.retryAfterMs : undefined,
          ),
      },
    });
    this.#worker.on('error', (error) => this.#logger.warn({ err: error }, 'webhook worker error'));
    await this.#worker.waitUntilReady();
    this.#logger.info(
      { endpoints: [...this.#endpoints.keys()], queue: WEBHOOK_QUEUE },
      'webhook notifier started',
    );
  }

  async stop(): Promise<void> {
    // close() waits for the attempts in flight.
    await this.#worker?.close();
    this.#worker = undefined;
    await this.#queue?.close();
    this.#queue = undefined;
    for (const client of this.#ownConnections) {
      if (client.status === 'ready') await client.quit();
      else client.disconnect();
    }
    this.#ownConnections = [];
  }

  #connect(
    url: string,
    options: { enableOfflineQueue: boolean; maxRetriesPerRequest: number | null },
  ): Redis {
    const client = new Redis(url, options);
    client.on('error', (error: Error) => this.#logger.warn({ err: error }, 'webhook queue connection error'));
    this.#ownConnections.push(client);
    return client;
  }

  /**
   * Enqueues the event for the vendor, unless the vendor has no usable webhook or the event was
   * enqueued before (by this or another process). Bad input is an outcome, not an exception;
   * Redis being away is an exception (the caller's event is not lost silently).
   */
  async notify(vendorId: string, event: WorkOrderEvent): Promise<NotifyOutcome> {
    const queue = this.#queue;
    if (!queue) throw new WebhookError('not_started', 'the webhook notifier is not started');
    const outcome = await this.#enqueue(queue, vendorId, event);
    this.#metrics.notifications.inc({ result: outcome.result });
    return outcome;
  }

  async #enqueue(queue: Queue<WebhookJob>, vendorId: string, event: WorkOrderEvent): Promise<NotifyOutcome> {
    if (!isWorkOrderEvent(event)) return { result: 'invalid_event' };
    if (!this.#vendorIds.has(vendorId)) return { result: 'unknown_vendor' };
    const endpoint = this.#endpoints.get(vendorId);
    if (!endpoint) return { result: 'no_webhook' };
    if (!endpoint.secrets) return { result: 'secret_unavailable' };
    const deliveryId = deliveryIdOf(vendorId, event);
    // add() with an existing job id is a no-op either way; asking first only tells the two apart.
    if (await queue.getJob(deliveryId)) return { result: 'duplicate', deliveryId };
    const payload = webhookPayload(vendorId, event);
    await queue.add(
      payload.event,
      {
        deliveryId,
        vendorId,
        event: payload.event,
        orderId: payload.workOrder.id,
        body: JSON.stringify(payload),
      },
      {
        jobId: deliveryId,
        attempts: this.#attempts,
        backoff: { type: 'webhook', delay: this.#backoff.baseMs },
        removeOnComplete: { age: this.#options.keepDeliveredS ?? DEFAULT_KEEP_DELIVERED_S },
        removeOnFail: { age: KEEP_FAILED_S },
      },
    );
    return { result: 'enqueued', deliveryId };
  }

  /** One attempt of one job: POST, log, count, then tell BullMQ whether to retry. */
  async #deliver(job: Job<WebhookJob>): Promise<{ statusCode: number | null }> {
    const data: unknown = job.data;
    if (!Value.Check(WebhookJob, data)) {
      this.#logger.error({ jobId: job.id }, 'webhook job with invalid data dropped');
      throw new UnrecoverableError(`invalid_job: job ${job.id} does not match the job schema`);
    }
    const attempt = job.attemptsMade + 1;
    const nowMs = this.#options.clock.nowMs();
    const endpoint = this.#endpoints.get(data.vendorId);
    const result: AttemptResult =
      endpoint?.secrets === undefined
        ? {
            // A vendor whose webhook is gone has nowhere to go; a secret missing in this process
            // may be there after a restart (or in another process), so that one is retried.
            verdict: endpoint ? 'retryable' : 'permanent',
            statusCode: null,
            error: endpoint
              ? `secret_unavailable: ${endpoint.secretError ?? 'no secret'}`
              : 'no_webhook: the vendor has no webhook in this configuration',
            durationMs: 0,
          }
        : await attemptDelivery({
            url: endpoint.url,
            secrets: endpoint.secrets,
            deliveryId: data.deliveryId,
            event: data.event,
            body: data.body,
            timestampS: Math.floor(nowMs / 1000),
            timeoutMs: this.#options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS,
            nowMs,
            ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
          });
    const lastAttempt = attempt >= (job.opts.attempts ?? 1);
    const outcome: DeliveryOutcome =
      result.verdict === 'delivered'
        ? 'delivered'
        : result.verdict === 'retryable' && !lastAttempt
          ? 'retrying'
          : 'failed';
    await this.#log({
      deliveryId: data.deliveryId,
      vendorId: data.vendorId,
      event: data.event,
      orderId: data.orderId,
      attempt,
      url: endpoint?.url ?? null,
      outcome,
      statusCode: result.statusCode,
      error: result.error,
      durationMs: result.durationMs,
      at: new Date(nowMs),
    });
    this.#metrics.deliveries.inc({ vendor: data.vendorId, outcome });
    if (endpoint?.secrets)
      this.#metrics.duration.observe({ vendor: data.vendorId }, result.durationMs / 1000);

    const context = {
      deliveryId: data.deliveryId,
      orderId: data.orderId,
      vendorId: data.vendorId,
      event: data.event,
      attempt,
      statusCode: result.statusCode,
      error: result.error,
    };
    if (outcome === 'delivered') {
      this.#logger.debug(context, 'webhook delivered');
      return { statusCode: result.statusCode };
    }
    const message = result.error ?? 'delivery failed';
    if (outcome === 'retrying') {
      this.#logger.warn(context, 'webhook attempt failed; retrying');
      throw new RetryableDelivery(message, result.retryAfterMs);
    }
    this.#logger.error(context, 'webhook delivery failed; no more attempts');
    throw new UnrecoverableError(message);
  }

  /**
   * A log that cannot be written is counted and logged, not retried through the delivery: the
   * vendor would get the event again for a bookkeeping problem of ours.
   */
  async #log(record: DeliveryAttemptRecord): Promise<void> {
    try {
      await this.#options.deliveries.record(record);
    } catch (error) {
      this.#metrics.logFailures.inc();
      this.#logger.error(
        { err: error, deliveryId: record.deliveryId, attempt: record.attempt },
        'webhook attempt not logged',
      );
    }
  }

  /**
   * Resolves every configured webhook's secret once. A value may hold several secrets separated
   * by whitespace or commas (new first, during a rotation): each gives one `v1=` signature. A
   * reference that cannot be resolved disables that vendor's webhook (logged, counted) instead
   * of keeping the whole process from starting.
   */
  #resolveEndpoints(): void {
    const endpoints = new Map<string, Endpoint>();
    const vendorIds = new Set<string>();
    let unavailable = 0;
    for (const vendor of this.#vendors) {
      vendorIds.add(vendor.id);
      if (!vendor.webhook) continue;
      const { url, secret } = vendor.webhook;
      if (url.startsWith('http://') && !isLoopback(url)) {
        this.#logger.warn(
          { vendorId: vendor.id, url },
          'webhook URL is not HTTPS: bodies travel in clear text',
        );
      }
      try {
        const secrets = resolveSecret(secret, this.#options.env)
          .split(/[\s,]+/)
          .filter((part) => part !== '');
        if (secrets.length === 0) throw new Error(`${secret} holds no secret`);
        if (secrets.some((part) => part.length < 16)) {
          this.#logger.warn({ vendorId: vendor.id }, 'webhook secret shorter than 16 characters');
        }
        endpoints.set(vendor.id, { url, secrets });
      } catch (error) {
        unavailable++;
        const reason = error instanceof Error ? error.message : String(error);
        endpoints.set(vendor.id, { url, secrets: undefined, secretError: reason });
        this.#logger.error({ vendorId: vendor.id, reason }, 'webhook secret unavailable; webhook disabled');
      }
    }
    this.#endpoints = endpoints;
    this.#vendorIds = vendorIds;
    this.#metrics.endpoints.set({ state: 'ready' }, endpoints.size - unavailable);
    this.#metrics.endpoints.set({ state: 'secret_unavailable' }, unavailable);
  }
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}
