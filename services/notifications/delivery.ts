import { signWebhook } from './signature.ts';

/**
 * One HTTP attempt of one delivery, and the rules for what comes after it. Pure apart from the
 * injected fetch: the notifier (notifier.ts) supplies the time, the secrets and the queue.
 */

/** `delivered`: 2xx. `retryable`: worth another attempt. `permanent`: another attempt would not help. */
export type AttemptVerdict = 'delivered' | 'retryable' | 'permanent';

export interface AttemptResult {
  readonly verdict: AttemptVerdict;
  /** The receiver's HTTP status; null when no answer came (network error, timeout). */
  readonly statusCode: number | null;
  /** What went wrong, for the delivery log; null when delivered. */
  readonly error: string | null;
  readonly durationMs: number;
  /** From a Retry-After header on 429 or 503. */
  readonly retryAfterMs?: number;
}

/**
 * 2xx is delivered. 408 (timeout), 429 (slow down) and 5xx are the receiver's trouble of the
 * moment: retry. Any other 4xx means the request itself is refused (bad secret, gone endpoint):
 * retrying would only repeat it. 3xx is not followed (a signed body is not re-posted to another
 * address) and counts as a misconfigured URL: permanent. 1xx never reaches here.
 */
export function classifyStatus(status: number): AttemptVerdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429 || status >= 500) return 'retryable';
  return 'permanent';
}

/** Retry-After as delay-seconds or an HTTP date, in ms from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

export interface BackoffPolicy {
  /** The delay before the first retry; each next one doubles. */
  readonly baseMs: number;
  /** No delay is longer, not even one a Retry-After asks for. */
  readonly maxMs: number;
}

/**
 * The delay before the next attempt after `attemptsMade` attempts (1 after the first):
 * `baseMs · 2^(attemptsMade−1)`, at least what the receiver's Retry-After asked for, at most `maxMs`.
 */
export function retryDelayMs(attemptsMade: number, policy: BackoffPolicy, retryAfterMs?: number): number {
  const exponential = policy.baseMs * 2 ** Math.max(0, attemptsMade - 1);
  return Math.min(policy.maxMs, Math.max(exponential, retryAfterMs ?? 0));
}

export interface AttemptRequest {
  readonly url: string;
  readonly secrets: readonly string[];
  readonly deliveryId: string;
  readonly event: string;
  /** The exact JSON bytes; the same on every attempt, only the timestamp and signature change. */
  readonly body: string;
  readonly timestampS: number;
  /** The time budget of the whole exchange, response headers and body included. */
  readonly timeoutMs: number;
  /** The clock's now, for Retry-After dates. */
  readonly nowMs: number;
  readonly fetch?: typeof fetch;
  readonly userAgent?: string;
}

/** How much of a refusal's body goes into the delivery log. */
const EXCERPT_CHARS = 300;

/** POSTs one signed attempt and says what came of it; never throws. */
export async function attemptDelivery(request: AttemptRequest): Promise<AttemptResult> {
  const doFetch = request.fetch ?? fetch;
  const headers = {
    'Content-Type': 'application/json; charset=utf-8',
    'User-Agent': request.userAgent ?? 'steward-webhooks/1',
    ...signWebhook({
      secrets: request.secrets,
      timestampS: request.timestampS,
      deliveryId: request.deliveryId,
      event: request.event,
      body: request.body,
    }),
  };
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const response = await doFetch(request.url, {
      method: 'POST',
      headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const verdict = classifyStatus(response.status);
    if (verdict === 'delivered') {
      // Nothing in a 2xx body matters; release the connection.
      await response.body?.cancel().catch(() => undefined);
      return { verdict, statusCode: response.status, error: null, durationMs: elapsed() };
    }
    const excerpt = await readExcerpt(response);
    const retryAfterMs =
      response.status === 429 || response.status === 503
        ? parseRetryAfter(response.headers.get('retry-after'), request.nowMs)
        : undefined;
    const reason = `HTTP ${response.status}${response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : ''}`;
    return {
      verdict,
      statusCode: response.status,
      error: excerpt ? `${reason}: ${excerpt}` : reason,
      durationMs: elapsed(),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  } catch (error) {
    return {
      verdict: 'retryable',
      statusCode: null,
      error: describeFailure(error, request.timeoutMs),
      durationMs: elapsed(),
    };
  }
}

/** The start of a refusal's body, on one line; a body that cannot be read gives ''. */
async function readExcerpt(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < EXCERPT_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // A body cut off or timed out: what came so far is enough.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, EXCERPT_CHARS);
}

/** fetch reports most network failures as `TypeError: fetch failed` with the reason in `cause`. */
function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `timeout: no answer within ${timeoutMs} ms`;
  }
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${code}: ${cause.message}` : cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}
