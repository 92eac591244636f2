import { describe, expect, it } from 'vitest';
import { GATEWAY_OFFLINE_AFTER_MS, gatewayLinkOf } from './gateway-link.ts';

const now = 1_800_000_000_000;
const watermark = (at: number) => JSON.stringify({ w: at - 400, at });

describe('gatewayLinkOf', () => {
  it('is online while the watermark was rewritten within the limit, offline after it', () => {
    expect(gatewayLinkOf('s', watermark(now - 1_000), now)).toEqual({
      site: 's',
      state: 'online',
      lastSeenMs: now - 1_000,
    });
    expect(gatewayLinkOf('s', watermark(now - GATEWAY_OFFLINE_AFTER_MS), now).state).toBe('online');
    expect(gatewayLinkOf('s', watermark(now - GATEWAY_OFFLINE_AFTER_MS - 1), now)).toEqual({
      site: 's',
      state: 'offline',
      lastSeenMs: now - GATEWAY_OFFLINE_AFTER_MS - 1,
    });
    expect(gatewayLinkOf('s', watermark(now - 5_000), now, 2_000).state).toBe('offline');
  });

  it('is online for a gateway clock a little ahead of this one', () => {
    expect(gatewayLinkOf('s', watermark(now + 3_000), now).state).toBe('online');
  });

  it('is unknown without a watermark, or with one that is not a watermark', () => {
    for (const raw of [null, '', 'not json', '{"w":1}', '{"w":1,"at":"yesterday"}', '[]'])
      expect(gatewayLinkOf('s', raw, now), String(raw)).toEqual({
        site: 's',
        state: 'unknown',
        lastSeenMs: null,
      });
  });
});
