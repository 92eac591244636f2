/**
 * Stable codes of the notifier's own errors; metrics and logs label by them, nobody branches on
 * message text. Delivery failures are not errors of this kind: they are outcomes in the delivery
 * log (`delivered`, `retrying`, `failed`) with the receiver's status code or the network error.
 */
export const WEBHOOK_ERROR_CODES = [
  /** notify() before start() or after stop(). */
  'not_started',
] as const;
export type WebhookErrorCode = (typeof WEBHOOK_ERROR_CODES)[number];

export class WebhookError extends Error {
  readonly code: WebhookErrorCode;

  constructor(code: WebhookErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WebhookError';
    this.code = code;
  }
}
