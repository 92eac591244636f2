import { describe, expect, it } from 'vitest';
import { attemptDelivery, classifyStatus, parseRetryAfter, retryDelayMs } from './delivery.ts';
import { verifyWebhook } from './signature.ts';

const SECRET = 'whsec_example_0123456789abcdef';
const NOW_MS = Date.UTC(2026, 10, 23, 8, 5, 0);
const BODY = '{"v":1,"event":"workorder.accept"}';

interface Sent {
  readonly url: string;
  readonly headers: Headers;
  readonly body: string;
  readonly redirect: RequestInit['redirect'];
}

/** A fetch that records the request and answers with `respond`. */
function fakeFetch(respond: (init: RequestInit) => Promise<Response> | Response) {
  const sent: Sent[] = [];
  const doFetch = (async (url: string | URL | Request, init?: RequestInit) => {
    const request = init ?? {};
    sent.push({
      url: String(url),
      headers: new Headers(request.headers),
      body: String(request.body),
      redirect: request.redirect,
    });
    return respond(request);
  }) as typeof fetch;
  return { sent, fetch: doFetch };
}

const attempt = (doFetch: typeof fetch, timeoutMs = 1_000) =>
  attemptDelivery({
    url: 'https://vendor.example/hooks/steward',
    secrets: [SECRET],
    deliveryId: 'wh_abc',
    event: 'workorder.accept',
    body: BODY,
    timestampS: NOW_MS / 1000,
    timeoutMs,
    nowMs: NOW_MS,
    fetch: doFetch,
  });

describe('classifyStatus', () => {
  it('retries what may pass and gives up on what will not', () => {
    const verdicts = Object.fromEntries(
      [200, 202, 204, 301, 302, 400, 401, 403, 404, 408, 410, 413, 422, 429, 500, 502, 503, 504].map(
        (status) => [status, classifyStatus(status)],
      ),
    );
    expect(verdicts).toEqual({
      200: 'delivered',
      202: 'delivered',
      204: 'delivered',
      301: 'permanent',
      302: 'permanent',
      400: 'permanent',
      401: 'permanent',
      403: 'permanent',
      404: 'permanent',
      408: 'retryable',
      410: 'permanent',
      413: 'permanent',
      422: 'permanent',
      429: 'retryable',
      500: 'retryable',
      502: 'retryable',
      503: 'retryable',
      504: 'retryable',
    });
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base up to the cap, and waits at least what Retry-After asks', () => {
    const policy = { baseMs: 1_000, maxMs: 3_600_000 };
    expect([1, 2, 3, 4, 12, 13, 20].map((made) => retryDelayMs(made, policy))).toEqual([
      1_000, 2_000, 4_000, 8_000, 2_048_000, 3_600_000, 3_600_000,
    ]);
    expect(retryDelayMs(1, policy, 30_000)).toBe(30_000);
    expect(retryDelayMs(4, policy, 1_000)).toBe(8_000);
    expect(retryDelayMs(1, policy, 86_400_000)).toBe(3_600_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores the rest', () => {
    expect(parseRetryAfter('120', NOW_MS)).toBe(120_000);
    expect(parseRetryAfter(new Date(NOW_MS + 90_000).toUTCString(), NOW_MS)).toBe(90_000);
    expect(parseRetryAfter(new Date(NOW_MS - 90_000).toUTCString(), NOW_MS)).toBe(0);
    expect(parseRetryAfter('soon', NOW_MS)).toBeUndefined();
    expect(parseRetryAfter(null, NOW_MS)).toBeUndefined();
  });
});

describe('attemptDelivery', () => {
  it('POSTs the body as JSON, signed so the receiver verifies it, without following redirects', async () => {
    const { sent, fetch } = fakeFetch(() => new Response(null, { status: 204 }));
    const result = await attempt(fetch);
    expect(result).toMatchObject({ verdict: 'delivered', statusCode: 204, error: null });
    const [request] = sent;
    expect(request?.url).toBe('https://vendor.example/hooks/steward');
    expect(request?.body).toBe(BODY);
    expect(request?.redirect).toBe('manual');
    expect(request?.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(
      verifyWebhook({
        secret: SECRET,
        headers: request?.headers ?? {},
        body: request?.body ?? '',
        nowMs: NOW_MS,
      }),
    ).toMatchObject({ ok: true, deliveryId: 'wh_abc', event: 'workorder.accept' });
  });

  it('keeps the start of a refusal and the Retry-After of a 503', async () => {
    const unavailable = fakeFetch(
      () => new Response('down for\n maintenance', { status: 503, headers: { 'Retry-After': '30' } }),
    );
    expect(await attempt(unavailable.fetch)).toMatchObject({
      verdict: 'retryable',
      statusCode: 503,
      error: 'HTTP 503: down for maintenance',
      retryAfterMs: 30_000,
    });
    const refused = fakeFetch(() => new Response('x'.repeat(10_000), { status: 400 }));
    const result = await attempt(refused.fetch);
    expect(result.verdict).toBe('permanent');
    expect(result.error).toBe(`HTTP 400: ${'x'.repeat(300)}`);
    const moved = fakeFetch(() => new Response(null, { status: 302, headers: { Location: '/elsewhere' } }));
    expect(await attempt(moved.fetch)).toMatchObject({
      verdict: 'permanent',
      error: 'HTTP 302 (redirects are not followed)',
    });
  });

  it('retries network errors and timeouts, saying which', async () => {
    const refused = fakeFetch(() => {
      const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
      throw new TypeError('fetch failed', { cause });
    });
    expect(await attempt(refused.fetch)).toMatchObject({
      verdict: 'retryable',
      statusCode: null,
      error: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9',
    });
    const silent = fakeFetch(
      (init) =>
        new Promise<Response>((_, reject) => {
          init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
    );
    expect(await attempt(silent.fetch, 20)).toMatchObject({
      verdict: 'retryable',
      statusCode: null,
      error: 'timeout: no answer within 20 ms',
    });
  });
});
