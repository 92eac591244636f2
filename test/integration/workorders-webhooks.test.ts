import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import {
  DeliveryLog,
  SeenDeliveries,
  type Verification,
  verifyWebhook,
  WEBHOOK_HEADERS,
  WebhookNotifier,
  type WorkOrderEvent,
  WorkOrderEventListener,
  workOrdersChannel,
} from '../../services/notifications/index.ts';
import { syncRegistry } from '../../services/registry/sync.ts';
import { ManualClock } from '../../services/runtime/clock.ts';
import { createLogger } from '../../services/runtime/logger.ts';
import { migrate } from '../../services/runtime/migrations.ts';
import { sampleConfigDir } from '../helpers/config-fixture.ts';
import { createTestDatabase, stackSettings, type TestDatabase, uniqueName } from '../helpers/stack.ts';
import { waitFor } from '../helpers/wait.ts';

/** Hengyuan's secret is mid-rotation: steward signs with both, the receiver still only knows the old one. */
const HENGYUAN_NEW = 'whsec_hengyuan_new_2b7e151628aed2a6';
const HENGYUAN_OLD = 'whsec_hengyuan_old_abf7158809cf4f3c';
const ANTU_SECRET = 'whsec_antu_762e4b1d5c3f09a8e6b4';
const JINDUN_SECRET = 'whsec_jindun_0f1e2d3c4b5a69788796';

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly verification: Verification;
  readonly status: number;
}

/**
 * A vendor's receiver on a free loopback port, doing what README.md tells receivers to do:
 * verify against the raw body, refuse forgeries and stale requests (401), acknowledge a delivery
 * it already handled without handling it again (200), and remember an id only once handled.
 * `/flaky` fails the first two attempts of each delivery with 503, `/reject` refuses with 400,
 * `/down` always answers 503. The receiver's clock is the test's clock.
 */
class Receiver {
  readonly requests: Received[] = [];
  /** How often each delivery id was acted on. */
  readonly handled = new Map<string, number>();
  readonly #seen = new SeenDeliveries();
  readonly #server: Server;
  readonly #clock: ManualClock;
  readonly #secrets: Readonly<Record<string, string>>;
  #url = '';

  constructor(clock: ManualClock, secrets: Readonly<Record<string, string>>) {
    this.#clock = clock;
    this.#secrets = secrets;
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        const body = Buffer.concat(chunks);
        const verification = verifyWebhook({
          secret: this.#secrets[path] ?? '',
          headers: request.headers,
          body,
          nowMs: this.#clock.nowMs(),
          seen: this.#seen,
        });
        const status = this.#answer(path, verification);
        this.requests.push({ path, headers: request.headers, body, verification, status });
        response
          .writeHead(status, { 'Content-Type': 'text/plain' })
          .end(verification.ok ? `status ${status}` : verification.code);
      });
    });
  }

  get url(): string {
    return this.#url;
  }

  async start(): Promise<void> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }

  forDelivery(deliveryId: string): Received[] {
    return this.requests.filter((request) => request.headers['x-steward-delivery'] === deliveryId);
  }

  #answer(path: string, verification: Verification): number {
    if (!verification.ok) return verification.code === 'replayed_delivery' ? 200 : 401;
    const attempt = this.forDelivery(verification.deliveryId).length + 1;
    let status = 200;
    if (path === '/reject') status = 400;
    if (path === '/down' || (path === '/flaky' && attempt <= 2)) {
      status = 503;
      // The next attempt comes a second later by the clock, so its timestamp differs.
      this.#clock.advance(1_000);
    }
    if (status === 200) {
      this.handled.set(verification.deliveryId, (this.handled.get(verification.deliveryId) ?? 0) + 1);
      this.#seen.remember(verification.deliveryId, this.#clock.nowMs());
    }
    return status;
  }
}

/** Sends a captured request again, as an attacker on the path would. */
async function replay(url: string, captured: Received, body: Buffer = captured.body): Promise<Response> {
  const headers = new Headers();
  for (const name of Object.values(WEBHOOK_HEADERS)) {
    const value = captured.headers[name.toLowerCase()];
    if (typeof value === 'string') headers.set(name, value);
  }
  headers.set('Content-Type', 'application/json');
  return fetch(`${url}${captured.path}`, { method: 'POST', headers, body });
}

const event = (orderId: string, action: string, seq: number, vendorId: string | null): WorkOrderEvent => ({
  orderId,
  vendorId,
  state: action === 'dispatch' ? 'dispatched' : 'accepted',
  action,
  at: new Date(Date.UTC(2026, 10, 23, 8, seq)).toISOString(),
  seq,
});

/**
 * Signed webhooks on the real stack: jobs on Redis under a prefix of this file's own, the
 * delivery log in a PostgreSQL database of this file's own, a vendor's receiver on a free
 * loopback port.
 */
describe('work-order webhooks on real Redis and PostgreSQL', () => {
  const prefix = uniqueName('t');
  const logger = createLogger({ LOG_LEVEL: 'silent' }, 'test');
  const clock = new ManualClock(Date.UTC(2026, 10, 23, 8, 30));
  const metrics = new Registry();
  const receiver = new Receiver(clock, {
    '/flaky': HENGYUAN_OLD,
    '/reject': ANTU_SECRET,
    '/down': JINDUN_SECRET,
  });
  let db: TestDatabase;
  let log: DeliveryLog;
  let notifier: WebhookNotifier;
  let listener: WorkOrderEventListener;
  let redis: Redis;

  const counter = async (name: string, labels: Record<string, string>): Promise<number> => {
    const metric = await metrics.getSingleMetric(name)?.get();
    const value = metric?.values.find((entry) =>
      Object.entries(labels).every(([key, wanted]) => entry.labels[key] === wanted),
    );
    return value?.value ?? 0;
  };
  /** The logged attempts of one delivery, oldest first, once its last attempt is logged. */
  const settled = (vendorId: string, deliveryId: string) =>
    waitFor(async () => {
      const attempts = await log.list({ vendorId, deliveryId });
      return attempts.some((attempt) => attempt.outcome !== 'retrying') ? attempts.reverse() : undefined;
    }, `the last attempt of ${deliveryId}`);

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.pool);
    // webhook_deliveries references the registry's vendors.
    await syncRegistry(db.pool, loadConfig(sampleConfigDir));
    await receiver.start();
    log = new DeliveryLog(db.pool);
    redis = new Redis(stackSettings.REDIS_URL);
    notifier = new WebhookNotifier({
      vendors: [
        {
          id: 'hengyuan-property',
          webhook: { url: `${receiver.url}/flaky`, secret: 'env:HENGYUAN_SECRETS' },
        },
        { id: 'antu-lifts', webhook: { url: `${receiver.url}/reject`, secret: 'env:ANTU_SECRET' } },
        { id: 'jindun-security', webhook: { url: `${receiver.url}/down`, secret: 'env:JINDUN_SECRET' } },
        { id: 'lvheng-energy', webhook: { url: `${receiver.url}/flaky`, secret: 'env:NOT_SET_ANYWHERE' } },
        { id: 'hejia-property' },
      ],
      env: {
        HENGYUAN_SECRETS: `${HENGYUAN_NEW} ${HENGYUAN_OLD}`,
        ANTU_SECRET,
        JINDUN_SECRET,
      },
      connection: stackSettings.REDIS_URL,
      prefix,
      deliveries: log,
      clock,
      logger,
      metrics,
      attempts: 3,
      backoff: { baseMs: 50, maxMs: 200 },
      timeoutMs: 5_000,
    });
    await notifier.start();
    listener = new WorkOrderEventListener({
      redisUrl: stackSettings.REDIS_URL,
      prefix,
      notifier,
      logger,
      metrics,
    });
    await listener.start();
  });

  afterAll(async () => {
    await listener?.stop();
    await notifier?.stop();
    await receiver.stop().catch(() => undefined);
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
    await db?.drop();
  });

  let flakyDeliveryId = '';

  it('retries 503s with the same delivery id, signed afresh each time, and logs every attempt', async () => {
    const outcome = await notifier.notify(
      'hengyuan-property',
      event('101', 'dispatch', 1, 'hengyuan-property'),
    );
    if (outcome.result !== 'enqueued') throw new Error(`not enqueued: ${outcome.result}`);
    flakyDeliveryId = outcome.deliveryId;
    const attempts = await settled('hengyuan-property', flakyDeliveryId);

    expect(attempts.map((a) => [a.attempt, a.outcome, a.statusCode])).toEqual([
      [1, 'retrying', 503],
      [2, 'retrying', 503],
      [3, 'delivered', 200],
    ]);
    expect(attempts[0]).toMatchObject({
      vendorId: 'hengyuan-property',
      event: 'workorder.dispatch',
      orderId: '101',
      url: `${receiver.url}/flaky`,
      error: 'HTTP 503: status 503',
    });
    expect(attempts[2]?.error).toBeNull();

    const requests = receiver.forDelivery(flakyDeliveryId);
    expect(requests).toHaveLength(3);
    // Each attempt verified with the old secret alone: steward signs with the new and the old.
    expect(requests.map((r) => r.verification.ok)).toEqual([true, true, true]);
    expect(requests.map((r) => r.headers['x-steward-signature']?.toString().split(',').length)).toEqual([
      2, 2, 2,
    ]);
    // Same body and delivery id; a new timestamp, and so a new signature, on every attempt.
    expect(new Set(requests.map((r) => r.body.toString())).size).toBe(1);
    const timestamps = requests.map((r) => Number(r.headers['x-steward-timestamp']));
    expect(timestamps[1]).toBeGreaterThan(timestamps[0] ?? Infinity);
    expect(timestamps[2]).toBeGreaterThan(timestamps[1] ?? Infinity);
    expect(timestamps.map((t) => t * 1000)).toEqual(
      attempts.map((a) => Math.floor(a.at.getTime() / 1000) * 1000),
    );
    expect(new Set(requests.map((r) => r.headers['x-steward-signature'])).size).toBe(3);
    expect(JSON.parse(requests[2]?.body.toString() ?? '')).toEqual({
      v: 1,
      event: 'workorder.dispatch',
      vendorId: 'hengyuan-property',
      workOrder: {
        id: '101',
        state: 'dispatched',
        action: 'dispatch',
        at: '2026-11-23T08:01:00.000Z',
        seq: 1,
        assignedToYou: true,
      },
    });
    expect(receiver.handled.get(flakyDeliveryId)).toBe(1);
    expect(await notifier.queue?.getJobState(flakyDeliveryId)).toBe('completed');
    expect(
      await counter('steward_webhook_deliveries_total', { vendor: 'hengyuan-property', outcome: 'retrying' }),
    ).toBe(2);
    expect(
      await counter('steward_webhook_deliveries_total', {
        vendor: 'hengyuan-property',
        outcome: 'delivered',
      }),
    ).toBe(1);
  });

  it('refuses a tampered body, ignores a replay within the tolerance and refuses one after it', async () => {
    const captured = receiver.forDelivery(flakyDeliveryId).at(-1);
    if (!captured) throw new Error('nothing captured');
    const tampered = Buffer.from(captured.body.toString().replace('"dispatched"', '"closed"'));
    const verdict = (body: Buffer, nowMs: number) =>
      verifyWebhook({ secret: HENGYUAN_OLD, headers: captured.headers, body, nowMs });

    expect(verdict(tampered, clock.nowMs())).toMatchObject({ ok: false, code: 'bad_signature' });
    const forged = await replay(receiver.url, captured, tampered);
    expect([forged.status, await forged.text()]).toEqual([401, 'bad_signature']);

    const again = await replay(receiver.url, captured);
    expect([again.status, await again.text()]).toEqual([200, 'replayed_delivery']);

    clock.advance(301_000);
    expect(verdict(captured.body, clock.nowMs())).toMatchObject({ ok: false, code: 'stale_timestamp' });
    const late = await replay(receiver.url, captured);
    expect([late.status, await late.text()]).toEqual([401, 'stale_timestamp']);
    expect(receiver.handled.get(flakyDeliveryId)).toBe(1);
  });

  it('stops after one attempt when the receiver answers 400', async () => {
    const outcome = await notifier.notify('antu-lifts', event('102', 'dispatch', 2, 'antu-lifts'));
    if (outcome.result !== 'enqueued') throw new Error(`not enqueued: ${outcome.result}`);
    const attempts = await settled('antu-lifts', outcome.deliveryId);
    expect(attempts.map((a) => [a.attempt, a.outcome, a.statusCode, a.error])).toEqual([
      [1, 'failed', 400, 'HTTP 400: status 400'],
    ]);
    // Failed for good: BullMQ holds no further attempt for it.
    expect(await notifier.queue?.getJobState(outcome.deliveryId)).toBe('failed');
    expect(receiver.forDelivery(outcome.deliveryId)).toHaveLength(1);
    expect(receiver.forDelivery(outcome.deliveryId)[0]?.verification.ok).toBe(true);
  });

  it('gives up after the last attempt while the receiver stays down', async () => {
    const outcome = await notifier.notify('jindun-security', event('103', 'dispatch', 3, 'jindun-security'));
    if (outcome.result !== 'enqueued') throw new Error(`not enqueued: ${outcome.result}`);
    const attempts = await settled('jindun-security', outcome.deliveryId);
    expect(attempts.map((a) => [a.attempt, a.outcome, a.statusCode])).toEqual([
      [1, 'retrying', 503],
      [2, 'retrying', 503],
      [3, 'failed', 503],
    ]);
    await waitFor(
      async () => ((await notifier.queue?.getJobState(outcome.deliveryId)) === 'failed' ? true : undefined),
      'the job to fail',
    );
    expect(receiver.forDelivery(outcome.deliveryId)).toHaveLength(3);
  });

  it('enqueues an event once, and nothing for vendors without a usable webhook', async () => {
    expect(
      await notifier.notify('hengyuan-property', event('101', 'dispatch', 1, 'hengyuan-property')),
    ).toEqual({
      result: 'duplicate',
      deliveryId: flakyDeliveryId,
    });
    expect(await notifier.notify('hejia-property', event('104', 'dispatch', 4, 'hejia-property'))).toEqual({
      result: 'no_webhook',
    });
    expect(await notifier.notify('lvheng-energy', event('105', 'dispatch', 5, 'lvheng-energy'))).toEqual({
      result: 'secret_unavailable',
    });
    expect(await notifier.notify('no-such-vendor', event('106', 'dispatch', 6, 'no-such-vendor'))).toEqual({
      result: 'unknown_vendor',
    });
    for (const result of ['duplicate', 'no_webhook', 'secret_unavailable', 'unknown_vendor']) {
      expect(await counter('steward_webhook_notifications_total', { result })).toBe(1);
    }
    expect(await counter('steward_webhook_endpoints', { state: 'ready' })).toBe(3);
    expect(await counter('steward_webhook_endpoints', { state: 'secret_unavailable' })).toBe(1);
    expect(await log.list({ vendorId: 'hejia-property' })).toEqual([]);
  });

  it('delivers changes published on the work-order channel to both vendors of a reassignment, once each', async () => {
    const before = receiver.requests.length;
    // The work-order service's message: v, orderId, vendorId, previousVendorId, state, action, at, seq.
    const reassigned = {
      v: 1,
      ...event('107', 'reassign', 7, 'hengyuan-property'),
      previousVendorId: 'antu-lifts',
      state: 'dispatched',
    };
    const channel = workOrdersChannel(prefix);
    await redis.publish(channel, JSON.stringify(reassigned));
    await redis.publish(channel, JSON.stringify(reassigned));
    await redis.publish(channel, JSON.stringify(event('108', 'dispatch', 8, null)));
    await redis.publish(channel, '{"orderId": "109"}');

    const delivered = await waitFor(async () => {
      const attempts = await log.list({ vendorId: 'hengyuan-property', orderId: '107' });
      return attempts.find((attempt) => attempt.outcome === 'delivered');
    }, 'the reassignment to reach the new vendor');
    const [refused] = await waitFor(async () => {
      const attempts = await log.list({ vendorId: 'antu-lifts', orderId: '107' });
      return attempts.length > 0 ? attempts : undefined;
    }, 'the reassignment to reach the previous vendor');
    await waitFor(
      async () =>
        (await counter('steward_webhook_notifications_total', { result: 'invalid_event' }))
          ? true
          : undefined,
      'the invalid message to be counted',
    );

    expect(delivered.event).toBe('workorder.reassign');
    const toNew = receiver.forDelivery(delivered.deliveryId);
    expect(toNew.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(JSON.parse(toNew[2]?.body.toString() ?? '').workOrder.assignedToYou).toBe(true);
    expect(receiver.handled.get(delivered.deliveryId)).toBe(1);

    expect(refused).toMatchObject({ attempt: 1, outcome: 'failed', statusCode: 400 });
    const toPrevious = receiver.forDelivery(refused?.deliveryId ?? '');
    expect(toPrevious).toHaveLength(1);
    expect(toPrevious[0]?.verification.ok).toBe(true);
    const previousBody = toPrevious[0]?.body.toString() ?? '';
    expect(JSON.parse(previousBody).workOrder.assignedToYou).toBe(false);
    expect(previousBody).not.toContain('hengyuan');

    expect(receiver.requests.length - before).toBe(4);
    expect(await counter('steward_webhook_notifications_total', { result: 'no_vendor' })).toBe(1);
  });

  it('keeps the delivery log append-only', async () => {
    await expect(db.pool.query('update webhook_deliveries set outcome = $1', ['delivered'])).rejects.toThrow(
      /append-only/,
    );
    await expect(db.pool.query('delete from webhook_deliveries')).rejects.toThrow(/append-only/);
    await expect(db.pool.query('truncate webhook_deliveries')).rejects.toThrow(/append-only/);
  });
});
