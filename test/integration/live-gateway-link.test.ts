import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffKey } from '../../gateway/handoff/shards.ts';
import type { GatewayLink } from '../../services/live/gateway-link.ts';
import { LiveHarness, type StartedLiveServer, sleep } from '../../services/live/test-harness.ts';
import { stackSettings } from '../helpers/stack.ts';

/**
 * The control room learns that a site's gateway stopped reaching the platform: the live server
 * reads the gateway's hand-off watermark from real Redis and tells the site's staff when it goes
 * stale, and again when it comes back. The wall clock the watermark is judged by is moved here.
 */
describe('gateway link on the live feed', () => {
  const h = new LiveHarness();
  const redis = new Redis(stackSettings.REDIS_URL);
  let server: StartedLiveServer;
  let wallNowMs = Date.now();
  const writeWatermark = (at: number) =>
    redis.set(handoffKey(h.prefix, h.siteId), JSON.stringify({ w: at - 300, at }));

  beforeAll(async () => {
    await h.open();
    server = await h.startServer({
      gatewayCheckMs: 100,
      gatewayOfflineAfterMs: 2_000,
      wallClock: () => wallNowMs,
    });
  });
  afterAll(async () => {
    redis.disconnect();
    await h.dispose();
  });

  it('says unknown to an operator before the gateway ever reported, then online once it does', async () => {
    const operator = await h.connect(server, (await h.session('operator')).token);
    expect(operator.payloads<GatewayLink>('site:link')).toEqual([
      { site: h.siteId, state: 'unknown', lastSeenMs: null },
    ]);
    await writeWatermark(wallNowMs);
    expect(await operator.waitFor<GatewayLink>('site:link', (link) => link.state === 'online')).toEqual({
      site: h.siteId,
      state: 'online',
      lastSeenMs: wallNowMs,
    });
  });

  it('tells the site’s staff once when the gateway goes silent, and once when it is back; never a vendor', async () => {
    const operator = await h.connect(server, (await h.session('operator')).token);
    const manager = await h.connect(server, (await h.session('facilities_manager')).token);
    const vendor = await h.connect(server, (await h.session('vendor_user', 'antu-lifts')).token);
    const lastSeenMs = wallNowMs;
    await writeWatermark(lastSeenMs);
    await sleep(300);
    expect(operator.payloads<GatewayLink>('site:link').at(-1)?.state).toBe('online');

    wallNowMs += 2_500; // no watermark written for longer than the limit
    const offline = { site: h.siteId, state: 'offline', lastSeenMs };
    expect(await operator.waitFor<GatewayLink>('site:link', (link) => link.state === 'offline')).toEqual(
      offline,
    );
    expect(await manager.waitFor<GatewayLink>('site:link', (link) => link.state === 'offline')).toEqual(
      offline,
    );
    await sleep(400); // several more checks: still offline, nothing more sent
    expect(
      operator.payloads<GatewayLink>('site:link').filter((link) => link.state === 'offline'),
    ).toHaveLength(1);

    // Someone opening the control room while it lasts sees it at once.
    const late = await h.connect(server, (await h.session('operator')).token);
    expect(late.payloads<GatewayLink>('site:link')).toEqual([offline]);

    await writeWatermark(wallNowMs);
    await operator.waitFor<GatewayLink>(
      'site:link',
      (link) => link.state === 'online' && link.lastSeenMs === wallNowMs,
    );
    expect(server.live.gatewayLinks()).toEqual([{ site: h.siteId, state: 'online', lastSeenMs: wallNowMs }]);
    expect(vendor.payloads('site:link')).toEqual([]);
  });
});
