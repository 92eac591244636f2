import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SESSION_COOKIE } from '../../services/live/handshake.ts';
import type {
  IncidentUpdate,
  LiveBatch,
  SessionEnded,
  WorkOrderLeft,
  WorkOrderUpdate,
} from '../../services/live/messages.ts';
import { LiveHarness, type StartedLiveServer, sleep } from '../../services/live/test-harness.ts';

const POWER = 'MB-EM-01000.power';
const FLOW = 'MB-EM-01000.flow';

describe('the socket.io live server on real Redis, PostgreSQL sessions and a fastify server', () => {
  const h = new LiveHarness();
  let server: StartedLiveServer;

  beforeAll(async () => {
    await h.open();
    // 2 updates per point per second; sessions verified again every 300 ms.
    server = await h.startServer({ maxUpdatesPerSecond: 2, sessionCheckMs: 300 });
  });
  afterAll(() => h.dispose());

  it('refuses a handshake without a valid session with the code unauthenticated', async () => {
    const anonymous = await h.client(server).refusal();
    expect(anonymous.message).toBe('unauthenticated');
    expect(anonymous.data).toEqual({ code: 'unauthenticated' });

    const forged = await h.client(server, { auth: { token: 'A'.repeat(43) } }).refusal();
    expect(forged.data).toEqual({ code: 'unauthenticated' });

    const { token, sessionId } = await h.session('operator');
    await h.accounts.revokeSession(sessionId);
    const loggedOut = await h.client(server, { auth: { token } }).refusal();
    expect(loggedOut.data).toEqual({ code: 'unauthenticated' });

    expect(await server.metrics.getSingleMetricAsString('steward_live_auth_failures_total')).toContain(
      'steward_live_auth_failures_total{reason="unauthenticated"} 3',
    );
    // socket.io took over the server's request listener; fastify's routes still answer.
    expect(await (await fetch(`${server.url}/ping`)).json()).toEqual({ pong: true });
  });

  it('takes the session cookie, but not from a page of another origin', async () => {
    const { token } = await h.session('facilities_manager');
    const cookie = `other=1; ${SESSION_COOKIE}=${token}`;
    const sameOrigin = h.client(server, { extraHeaders: { cookie, origin: server.url } });
    expect((await sameOrigin.connect()).role).toBe('facilities_manager');
    const foreign = await h
      .client(server, { extraHeaders: { cookie, origin: 'https://evil.example.com' } })
      .refusal();
    expect(foreign.data).toEqual({ code: 'forbidden_origin' });
  });

  it('gives an operator the snapshot, then live values coalesced to 2 per point and second, and incidents', async () => {
    const gateway = await h.gatewayLiveValues(50);
    gateway.offer([h.reading(POWER, 100), h.reading(FLOW, 5)]);
    await sleep(200); // published and in the latest-values hash before the operator connects

    const { token } = await h.session('operator');
    const operator = await h.connect(server, token);
    const [snapshot] = operator.payloads<LiveBatch>('live:snapshot');
    expect(snapshot?.site).toBe(h.siteId);
    expect(snapshot?.values.map((v) => [v.p, v.v]).sort()).toEqual([
      [FLOW, 5],
      [POWER, 100],
    ]);

    // The gateway publishes both points every 50 ms for 2 s: 40 values each.
    const started = Date.now();
    for (let value = 101; value <= 140; value++) {
      gateway.offer([h.reading(POWER, value), h.reading(FLOW, value / 10)]);
      await sleep(50);
    }
    const elapsedS = (Date.now() - started) / 1000;
    await operator.waitFor<LiveBatch>('live:values', (batch) =>
      batch.values.some((v) => v.p === POWER && v.v === 140),
    );
    const batches = operator.payloads<LiveBatch>('live:values');
    const updates = batches.flatMap((batch) => batch.values.filter((v) => v.p === POWER));
    // At most 2 per second (one more for the tick that caught the last value), at least one per
    // second, in order, ending with the newest: most of the 40 values are never relayed.
    expect(updates.length).toBeLessThanOrEqual(Math.ceil(elapsedS * 2) + 1);
    expect(updates.length).toBeGreaterThanOrEqual(Math.floor(elapsedS));
    expect(updates.map((v) => v.v)).toEqual([...updates.map((v) => v.v)].sort((a, b) => a - b));
    // One message per tick for the whole site, not one per point.
    expect(batches.length).toBe(updates.length);
    for (const batch of batches) expect(batch.values.map((v) => v.p).sort()).toEqual([FLOW, POWER]);

    await h.publishIncident('fired', { id: '901' });
    const incident = await operator.waitFor<IncidentUpdate>('incident', (u) => u.incidentId === '901');
    expect(incident.kind).toBe('fired');
    expect(incident.incident.buildingCode).toBe('330302A001');
    expect(await server.metrics.getSingleMetricAsString('steward_live_clients')).toMatch(
      /steward_live_clients\{role="operator"\} [1-9]/,
    );
  });

  it('writes a live batch a slice of sockets at a time, and every operator still gets every batch', async () => {
    const sliced = await h.startServer({ broadcastSlice: 1 });
    const gateway = await h.gatewayLiveValues(50);
    const operators = await Promise.all(
      [1, 2, 3].map(async () => h.connect(sliced, (await h.session('operator')).token)),
    );
    for (let value = 201; value <= 210; value++) {
      gateway.offer([h.reading(POWER, value)]);
      await sleep(50);
    }
    for (const operator of operators) {
      await operator.waitFor<LiveBatch>('live:values', (batch) =>
        batch.values.some((v) => v.p === POWER && v.v === 210),
      );
    }
    const seen = operators.map((operator) =>
      operator.payloads<LiveBatch>('live:values').map((batch) => batch.values.find((v) => v.p === POWER)?.v),
    );
    // Three sockets, three turns per batch: each got the same batches, in the same order.
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);
  });

  it('gives vendor A its own work orders only, without the other vendor, and never live values or incidents', async () => {
    const a = await h.connect(server, (await h.session('vendor_user', 'antu-lifts')).token);
    const b = await h.connect(server, (await h.session('vendor_user', 'hengyuan-property')).token);
    const manager = await h.connect(server, (await h.session('facilities_manager')).token);
    const gateway = await h.gatewayLiveValues(50);

    await h.publishWorkOrder({ orderId: '11', vendorId: 'hengyuan-property', action: 'dispatch' });
    await h.publishWorkOrder({ orderId: '12', vendorId: 'antu-lifts', action: 'dispatch' });
    await h.publishIncident('fired', { id: '902' });
    gateway.offer([h.reading(POWER, 500)]);
    await a.waitFor<WorkOrderUpdate>('workorder', (u) => u.orderId === '12');
    await b.waitFor<WorkOrderUpdate>('workorder', (u) => u.orderId === '11');
    await manager.waitFor<LiveBatch>('live:values', (batch) => batch.values.some((v) => v.v === 500));
    await manager.waitFor<IncidentUpdate>('incident', (u) => u.incidentId === '902');

    // Reassigned from B to A: A gets the order without learning who had it, B only that it left.
    await h.publishWorkOrder({
      orderId: '11',
      vendorId: 'antu-lifts',
      previousVendorId: 'hengyuan-property',
      action: 'reassign',
      seq: 4,
    });
    const reassigned = await a.waitFor<WorkOrderUpdate>('workorder', (u) => u.orderId === '11');
    expect(reassigned).not.toHaveProperty('previousVendorId');
    expect(reassigned).toMatchObject({ vendorId: 'antu-lifts', action: 'reassign', seq: 4 });
    expect(await b.waitFor<WorkOrderLeft>('workorder:left')).toEqual({
      v: 1,
      orderId: '11',
      at: expect.any(String),
    });
    const staffView = await manager.waitFor<WorkOrderUpdate>('workorder', (u) => u.action === 'reassign');
    expect(staffView.previousVendorId).toBe('hengyuan-property');
    await sleep(700); // a further live tick and any stray delivery

    expect(a.payloads<WorkOrderUpdate>('workorder').map((u) => u.orderId)).toEqual(['12', '11']);
    expect(b.payloads<WorkOrderUpdate>('workorder').map((u) => u.orderId)).toEqual(['11']);
    for (const vendor of [a, b]) {
      expect(vendor.payloads('live:values')).toEqual([]);
      expect(vendor.payloads('live:snapshot')).toEqual([]);
      expect(vendor.payloads('incident')).toEqual([]);
    }
    expect(a.payloads<{ sites: string[] }>('ready')[0]?.sites).toEqual([]);
  });

  it('drops frames on the channels that do not fit their schema, and carries on', async () => {
    const { token } = await h.session('operator');
    const operator = await h.connect(server, token);
    await h.publishRaw('incidents', '{"v":1,"kind":"exploded"}');
    await h.publishRaw('workorders', 'not json');
    await h.publishRaw(`live:${h.siteId}`, '[{"p":"x","t":"yesterday","v":1}]');
    await h.publishIncident('acknowledged', { id: '903', state: 'acknowledged' });
    await operator.waitFor<IncidentUpdate>('incident', (u) => u.incidentId === '903');
    expect(operator.payloads<IncidentUpdate>('incident').map((u) => u.incidentId)).toEqual(['903']);
    const dropped = await server.metrics.getSingleMetricAsString('steward_live_frames_dropped_total');
    expect(dropped).toContain('source="incidents"} 1');
    expect(dropped).toContain('source="workorders"} 1');
    expect(dropped).toContain('source="live"} 1');
  });

  it('disconnects a socket soon after its session is logged out, telling it why', async () => {
    const { token, sessionId } = await h.session('operator');
    const operator = await h.connect(server, token);
    const other = await h.connect(server, (await h.session('operator')).token);
    const gone = operator.disconnected();
    await h.accounts.revokeSession(sessionId);
    // No call here: the server's own 300 ms check finds it.
    expect(await gone).toBe('io server disconnect');
    expect(operator.payloads<SessionEnded>('session:ended')).toEqual([{ code: 'session_ended' }]);
    expect(other.socket.connected).toBe(true);
  });

  it('disconnects sockets whose session expired by the clock', async () => {
    const vendor = await h.connect(server, (await h.session('vendor_user', 'antu-lifts')).token);
    const gone = vendor.disconnected();
    h.clock.advance(13 * 60 * 60_000); // past the 12-hour session
    await server.live.checkSessions();
    expect(await gone).toBe('io server disconnect');
    expect(vendor.payloads<SessionEnded>('session:ended')).toEqual([{ code: 'session_ended' }]);
    // Every session of this file has expired now: no socket is left.
    await vi.waitFor(() => expect(server.live.localClients).toBe(0));
  });
});
