import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeSignature,
  SeenDeliveries,
  signWebhook,
  type Verification,
  verifyWebhook,
  WEBHOOK_HEADERS,
} from './signature.ts';

const SECRET = 'whsec_example_0123456789abcdef';
const OLD_SECRET = 'whsec_old_secret_fedcba9876543210';
const DELIVERY = 'wh_0123456789abcdef0123456789abcdef';
const T = 1_795_421_100; // 2026-11-23T08:05:00Z
const NOW_MS = T * 1000;
const BODY =
  '{"v":1,"event":"workorder.dispatch","vendorId":"antu-lifts","workOrder":{"id":"42","state":"dispatched","action":"dispatch","at":"2026-11-23T08:05:00.000Z","seq":2,"assignedToYou":true}}';

const sign = (overrides: { secrets?: string[]; timestampS?: number; body?: string } = {}) =>
  signWebhook({
    secrets: overrides.secrets ?? [SECRET],
    timestampS: overrides.timestampS ?? T,
    deliveryId: DELIVERY,
    event: 'workorder.dispatch',
    body: overrides.body ?? BODY,
  });

/** Node hands headers to a server lower-cased. */
const asNodeHeaders = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

const rejection = (result: Verification) => (result.ok ? 'ok' : result.code);

describe('signWebhook', () => {
  it('signs "<timestamp>.<delivery id>.<body>" with HMAC-SHA256 (vector checked with openssl dgst -hmac)', () => {
    const headers = sign();
    expect(headers).toEqual({
      [WEBHOOK_HEADERS.timestamp]: '1795421100',
      [WEBHOOK_HEADERS.signature]: 'v1=2e51ce21d1e9efc8d52a09ecc1d27431e5fc6edc36036227ee7c042eb7aca924',
      [WEBHOOK_HEADERS.delivery]: DELIVERY,
      [WEBHOOK_HEADERS.event]: 'workorder.dispatch',
    });
  });

  it('gives one v1 signature per secret, in order, during a rotation', () => {
    const header = sign({ secrets: [SECRET, OLD_SECRET] })[WEBHOOK_HEADERS.signature];
    expect(header).toBe(
      `v1=${computeSignature(SECRET, T, DELIVERY, BODY)},v1=${computeSignature(OLD_SECRET, T, DELIVERY, BODY)}`,
    );
  });

  it('signs bytes and the same text alike', () => {
    expect(computeSignature(SECRET, T, DELIVERY, Buffer.from(BODY))).toBe(
      computeSignature(SECRET, T, DELIVERY, BODY),
    );
  });

  it('refuses delivery ids with a dot, no secret, or a fractional timestamp', () => {
    expect(() =>
      signWebhook({ secrets: [SECRET], timestampS: T, deliveryId: 'a.b', event: 'e', body: '' }),
    ).toThrow(RangeError);
    expect(() =>
      signWebhook({ secrets: [], timestampS: T, deliveryId: DELIVERY, event: 'e', body: '' }),
    ).toThrow(RangeError);
    expect(() => sign({ timestampS: T + 0.5 })).toThrow(RangeError);
  });
});

describe('verifyWebhook', () => {
  it('accepts a request it signed, from Node headers or fetch Headers', () => {
    const fromNode = verifyWebhook({
      secret: SECRET,
      headers: asNodeHeaders(sign()),
      body: BODY,
      nowMs: NOW_MS,
    });
    expect(fromNode).toEqual({ ok: true, deliveryId: DELIVERY, event: 'workorder.dispatch', timestampS: T });
    const fromFetch = verifyWebhook({
      secret: SECRET,
      headers: new Headers(sign()),
      body: Buffer.from(BODY),
      nowMs: NOW_MS,
    });
    expect(fromFetch.ok).toBe(true);
  });

  it('rejects a changed body, delivery id or timestamp, and a wrong secret, as bad_signature', () => {
    const headers = sign();
    const verify = (overrides: { headers?: Record<string, string>; body?: string; secret?: string }) =>
      rejection(
        verifyWebhook({
          secret: overrides.secret ?? SECRET,
          headers: overrides.headers ?? headers,
          body: overrides.body ?? BODY,
          nowMs: NOW_MS,
        }),
      );
    expect(verify({ body: BODY.replace('"dispatched"', '"closed"') })).toBe('bad_signature');
    expect(verify({ headers: { ...headers, [WEBHOOK_HEADERS.delivery]: 'wh_forged' } })).toBe(
      'bad_signature',
    );
    expect(verify({ headers: { ...headers, [WEBHOOK_HEADERS.timestamp]: String(T + 60) } })).toBe(
      'bad_signature',
    );
    expect(verify({ secret: OLD_SECRET })).toBe('bad_signature');
    expect(verify({ headers: { ...headers, [WEBHOOK_HEADERS.signature]: 'v1=zz,v0=00' } })).toBe(
      'bad_signature',
    );
  });

  it('rejects any single changed byte of the body', () => {
    const headers = sign();
    fc.assert(
      fc.property(fc.nat(BODY.length - 1), fc.integer({ min: 1, max: 255 }), (index, flip) => {
        const bytes = Buffer.from(BODY);
        bytes[index] = (bytes[index] ?? 0) ^ flip;
        return (
          rejection(verifyWebhook({ secret: SECRET, headers, body: bytes, nowMs: NOW_MS })) ===
          'bad_signature'
        );
      }),
    );
  });

  it('names missing headers and refuses malformed ones', () => {
    const { [WEBHOOK_HEADERS.signature]: _signature, ...unsigned } = sign();
    const missing = verifyWebhook({ secret: SECRET, headers: unsigned, body: BODY, nowMs: NOW_MS });
    expect(missing).toEqual({ ok: false, code: 'missing_header', message: 'missing X-Steward-Signature' });
    const headers = sign();
    expect(
      rejection(
        verifyWebhook({
          secret: SECRET,
          headers: { ...headers, [WEBHOOK_HEADERS.timestamp]: '2026-11-23T08:05:00Z' },
          body: BODY,
          nowMs: NOW_MS,
        }),
      ),
    ).toBe('malformed_header');
    expect(
      rejection(
        verifyWebhook({
          secret: SECRET,
          headers: { ...headers, [WEBHOOK_HEADERS.delivery]: 'wh.1' },
          body: BODY,
          nowMs: NOW_MS,
        }),
      ),
    ).toBe('malformed_header');
  });

  it('rejects timestamps further than the tolerance from the receiver clock, either way', () => {
    const headers = sign();
    const at = (nowMs: number, toleranceS?: number) =>
      rejection(
        verifyWebhook({
          secret: SECRET,
          headers,
          body: BODY,
          nowMs,
          ...(toleranceS === undefined ? {} : { toleranceS }),
        }),
      );
    expect(at(NOW_MS + 300_000)).toBe('ok');
    expect(at(NOW_MS + 301_000)).toBe('stale_timestamp');
    expect(at(NOW_MS - 301_000)).toBe('stale_timestamp');
    expect(at(NOW_MS + 61_000, 60)).toBe('stale_timestamp');
  });

  it('rejects a delivery id already handled, but only for an authentic request', () => {
    const seen = new Set([DELIVERY]);
    const headers = sign();
    expect(rejection(verifyWebhook({ secret: SECRET, headers, body: BODY, nowMs: NOW_MS, seen }))).toBe(
      'replayed_delivery',
    );
    expect(rejection(verifyWebhook({ secret: SECRET, headers, body: `${BODY} `, nowMs: NOW_MS, seen }))).toBe(
      'bad_signature',
    );
  });

  it('accepts either side of a rotation', () => {
    const both = sign({ secrets: [SECRET, OLD_SECRET] });
    const oldOnly = sign({ secrets: [OLD_SECRET] });
    const verify = (secret: string | string[], headers: Record<string, string>) =>
      rejection(verifyWebhook({ secret, headers, body: BODY, nowMs: NOW_MS }));
    expect(verify(OLD_SECRET, both)).toBe('ok');
    expect(verify(SECRET, both)).toBe('ok');
    expect(verify([SECRET, OLD_SECRET], oldOnly)).toBe('ok');
    expect(verify([SECRET], oldOnly)).toBe('bad_signature');
  });
});

describe('SeenDeliveries', () => {
  it('remembers handled ids for its TTL, then forgets them', () => {
    const seen = new SeenDeliveries(600_000);
    seen.remember('wh_a', 0);
    seen.remember('wh_b', 300_000);
    expect(seen.has('wh_a')).toBe(true);
    seen.remember('wh_c', 600_000);
    expect(seen.has('wh_a')).toBe(false);
    expect(seen.has('wh_b')).toBe(true);
    expect(seen.size).toBe(2);
  });
});
