import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature scheme of steward's webhooks, both sides: the notifier signs with signWebhook(),
 * receivers check with verifyWebhook() (or a copy of its logic in their own language). Pure: the
 * time is passed in, nothing is remembered here.
 *
 *   X-Steward-Signature: v1=hex(HMAC-SHA256(secret, "<timestamp>.<delivery id>.<raw body>"))
 *
 * The delivery id is signed along with the timestamp and the body: were it not, anyone who
 * captured a request could replay it within the tolerance under a fresh id and slip past the
 * receiver's de-duplication. The timestamp is digits and the id has no dot, so the signed string
 * cannot be read two ways.
 */
export const WEBHOOK_HEADERS = {
  timestamp: 'X-Steward-Timestamp',
  signature: 'X-Steward-Signature',
  delivery: 'X-Steward-Delivery',
  event: 'X-Steward-Event',
} as const;

export const SIGNATURE_SCHEME = 'v1';
/** How far a request's timestamp may be from the receiver's clock, either way. */
export const DEFAULT_TOLERANCE_S = 300;
/** Delivery ids: letters, digits, `_` and `-` (never a dot, see above). */
export const DELIVERY_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** More signatures than this in one header are not looked at (a rotation needs two). */
const MAX_SIGNATURES = 8;

export type WebhookBody = string | Uint8Array;

/** The bytes that are signed: `<timestamp>.<delivery id>.` followed by the raw body. */
export function signedPayload(timestampS: number, deliveryId: string, body: WebhookBody): Buffer {
  const head = Buffer.from(`${timestampS}.${deliveryId}.`, 'utf8');
  return Buffer.concat([head, typeof body === 'string' ? Buffer.from(body, 'utf8') : body]);
}

/** The hex HMAC-SHA256 of the signed payload with one secret. */
export function computeSignature(
  secret: string,
  timestampS: number,
  deliveryId: string,
  body: WebhookBody,
): string {
  return createHmac('sha256', secret)
    .update(signedPayload(timestampS, deliveryId, body))
    .digest('hex');
}

export interface SignInput {
  /** One `v1=` signature per secret, in this order: during a rotation, the new and the old. */
  readonly secrets: readonly string[];
  readonly timestampS: number;
  readonly deliveryId: string;
  readonly event: string;
  readonly body: WebhookBody;
}

/** The four X-Steward-* headers of one attempt. */
export function signWebhook(input: SignInput): Record<string, string> {
  if (input.secrets.length === 0) throw new RangeError('signWebhook needs at least one secret');
  if (!DELIVERY_ID_PATTERN.test(input.deliveryId)) {
    throw new RangeError(`delivery id ${JSON.stringify(input.deliveryId)} is not [A-Za-z0-9_-]{1,128}`);
  }
  if (!Number.isSafeInteger(input.timestampS) || input.timestampS < 0) {
    throw new RangeError(`timestamp ${input.timestampS} is not whole seconds`);
  }
  const signatures = input.secrets.map(
    (secret) =>
      `${SIGNATURE_SCHEME}=${computeSignature(secret, input.timestampS, input.deliveryId, input.body)}`,
  );
  return {
    [WEBHOOK_HEADERS.timestamp]: String(input.timestampS),
    [WEBHOOK_HEADERS.signature]: signatures.join(','),
    [WEBHOOK_HEADERS.delivery]: input.deliveryId,
    [WEBHOOK_HEADERS.event]: input.event,
  };
}

/** Why a request is refused. */
export const WEBHOOK_REJECTIONS = [
  /** One of the timestamp, signature or delivery headers is absent or empty. */
  'missing_header',
  /** The timestamp is not whole seconds, or the delivery id has characters it may not have. */
  'malformed_header',
  /** No `v1=` signature matches any of the receiver's secrets: forged, tampered or wrong secret. */
  'bad_signature',
  /** Authentic, but the timestamp is outside the tolerance: a replay (or a clock far off). */
  'stale_timestamp',
  /** Authentic and fresh, but this delivery id was already handled. */
  'replayed_delivery',
] as const;
export type WebhookRejection = (typeof WEBHOOK_REJECTIONS)[number];

export type Verification =
  | {
      readonly ok: true;
      readonly deliveryId: string;
      /** The X-Steward-Event header (not signed: read the event from the body, which is). */
      readonly event: string | undefined;
      readonly timestampS: number;
    }
  | { readonly ok: false; readonly code: WebhookRejection; readonly message: string };

/** Node's `IncomingHttpHeaders`, a plain object with any case of names, or fetch's `Headers`. */
export type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Delivery ids the receiver has handled; a `Set<string>` or `SeenDeliveries` fits. */
export interface SeenDeliveryIds {
  has(deliveryId: string): boolean;
}

export interface VerifyInput {
  /** The receiver's secret, or several while rotating (any of them may match). */
  readonly secret: string | readonly string[];
  readonly headers: HeaderSource;
  /** The raw body exactly as received: never re-serialised JSON. */
  readonly body: WebhookBody;
  /** The receiver's clock. */
  readonly nowMs: number;
  readonly toleranceS?: number;
  readonly seen?: SeenDeliveryIds;
}

/**
 * Checks, in this order: the headers are there and well-formed; one `v1=` signature matches one
 * secret (compared in constant time); the timestamp is within the tolerance of `nowMs`; the
 * delivery id is not in `seen`. Authenticity comes first, so staleness and replays are only ever
 * reported for requests steward really signed. Nothing is remembered: add the id to `seen` once
 * the request has been handled (a retry after your 5xx carries the same id and must get through).
 */
export function verifyWebhook(input: VerifyInput): Verification {
  const timestampText = headerValue(input.headers, WEBHOOK_HEADERS.timestamp);
  const signatureText = headerValue(input.headers, WEBHOOK_HEADERS.signature);
  const deliveryId = headerValue(input.headers, WEBHOOK_HEADERS.delivery);
  if (!timestampText || !signatureText || !deliveryId) {
    const missing = [
      [WEBHOOK_HEADERS.timestamp, timestampText],
      [WEBHOOK_HEADERS.signature, signatureText],
      [WEBHOOK_HEADERS.delivery, deliveryId],
    ]
      .filter(([, value]) => !value)
      .map(([name]) => name);
    return reject('missing_header', `missing ${missing.join(', ')}`);
  }
  if (!/^\d{1,12}$/.test(timestampText)) {
    return reject('malformed_header', `${WEBHOOK_HEADERS.timestamp} is not unix seconds`);
  }
  if (!DELIVERY_ID_PATTERN.test(deliveryId)) {
    return reject('malformed_header', `${WEBHOOK_HEADERS.delivery} has characters outside [A-Za-z0-9_-]`);
  }
  const timestampS = Number(timestampText);

  const candidates = parseSignatures(signatureText);
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  let authentic = false;
  for (const secret of secrets) {
    if (secret === '') continue;
    const expected = createHmac('sha256', secret)
      .update(signedPayload(timestampS, deliveryId, input.body))
      .digest();
    for (const candidate of candidates) {
      if (timingSafeEqual(expected, candidate)) authentic = true;
    }
  }
  if (!authentic) return reject('bad_signature', 'no v1 signature matches');

  const toleranceS = input.toleranceS ?? DEFAULT_TOLERANCE_S;
  const skewS = Math.abs(input.nowMs / 1000 - timestampS);
  if (skewS > toleranceS) {
    return reject('stale_timestamp', `timestamp is ${Math.round(skewS)} s away, tolerance ${toleranceS} s`);
  }
  if (input.seen?.has(deliveryId)) {
    return reject('replayed_delivery', `delivery ${deliveryId} was already handled`);
  }
  return {
    ok: true,
    deliveryId,
    event: headerValue(input.headers, WEBHOOK_HEADERS.event),
    timestampS,
  };
}

/** The `v1=` values of a signature header as 32-byte buffers; other schemes and junk are skipped. */
function parseSignatures(header: string): Buffer[] {
  const signatures: Buffer[] = [];
  for (const part of header.split(',').slice(0, MAX_SIGNATURES)) {
    const [scheme, value] = part.trim().split('=', 2);
    if (scheme !== SIGNATURE_SCHEME || value === undefined || !/^[0-9a-fA-F]{64}$/.test(value)) continue;
    signatures.push(Buffer.from(value, 'hex'));
  }
  return signatures;
}

function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name)?.trim() || undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    const text = typeof value === 'string' ? value : value.join(',');
    return text.trim() || undefined;
  }
  return undefined;
}

function reject(code: WebhookRejection, message: string): Verification {
  return { ok: false, code, message };
}

/**
 * The delivery ids a receiver has handled, for replay protection, kept in memory for `ttlMs`
 * after they were handled. Twice the tolerance is enough against replays: a captured request
 * verifies only while its timestamp is within the tolerance of the receiver's clock. It is not
 * enough for idempotency: steward's retries, hours later, carry the same id with a fresh
 * timestamp, so a receiver that must act once per event keeps the ids in its own database.
 */
export class SeenDeliveries implements SeenDeliveryIds {
  readonly #ttlMs: number;
  /** id → when it was handled; Map keeps insertion order, so the oldest come first. */
  readonly #handledAt = new Map<string, number>();

  constructor(ttlMs = 2 * DEFAULT_TOLERANCE_S * 1000) {
    this.#ttlMs = ttlMs;
  }

  get size(): number {
    return this.#handledAt.size;
  }

  has(deliveryId: string): boolean {
    return this.#handledAt.has(deliveryId);
  }

  /** Records a handled delivery and forgets those handled more than the TTL before `nowMs`. */
  remember(deliveryId: string, nowMs: number): void {
    for (const [id, handledAt] of this.#handledAt) {
      if (handledAt > nowMs - this.#ttlMs) break;
      this.#handledAt.delete(id);
    }
    this.#handledAt.delete(deliveryId);
    this.#handledAt.set(deliveryId, nowMs);
  }
}
