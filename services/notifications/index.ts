export {
  type AttemptResult,
  type AttemptVerdict,
  attemptDelivery,
  type BackoffPolicy,
  classifyStatus,
  parseRetryAfter,
  retryDelayMs,
} from './delivery.ts';
export {
  type DeliveryAttempt,
  type DeliveryAttemptRecord,
  type DeliveryFilter,
  DeliveryLog,
  type DeliveryOutcome,
  type DeliveryRecorder,
} from './delivery-log.ts';
export { WEBHOOK_ERROR_CODES, WebhookError, type WebhookErrorCode } from './errors.ts';
export {
  deliveryIdOf,
  eventKind,
  isWorkOrderEvent,
  recipientsOf,
  type WebhookPayload,
  WorkOrderEvent,
  webhookPayload,
} from './event.ts';
export { WorkOrderEventListener, type WorkOrderEventListenerOptions, workOrdersChannel } from './listener.ts';
export { type NotifyResult, type WebhookMetrics, webhookMetrics } from './metrics.ts';
export {
  DEFAULT_KEEP_DELIVERED_S,
  DEFAULT_WEBHOOK_ATTEMPTS,
  DEFAULT_WEBHOOK_BACKOFF,
  DEFAULT_WEBHOOK_CONCURRENCY,
  DEFAULT_WEBHOOK_TIMEOUT_MS,
  type NotifyOutcome,
  WEBHOOK_QUEUE,
  WebhookJob,
  WebhookNotifier,
  type WebhookNotifierOptions,
  type WebhookVendor,
} from './notifier.ts';
export * from './signature.ts';
