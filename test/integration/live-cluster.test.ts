import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  IncidentUpdate,
  LiveBatch,
  SessionEnded,
  WorkOrderUpdate,
} from '../../services/live/messages.ts';
import { LiveHarness, type StartedLiveServer, sleep } from '../../services/live/test-harness.ts';

describe('two API processes behind the Redis adapter', () => {
  const h = new LiveHarness();
  let one: StartedLiveServer;
  let two: StartedLiveServer;

  beforeAll(async () => {
    await h.open();
    one = await h.startServer();
    two = await h.startServer();
  });
  afterAll(() => h.dispose());

  it('delivers each incident, work-order change and live batch exactly once to a client of either process', async () => {
    const operator = await h.session('operator');
    const onOne = await h.connect(one, operator.token);
    const onTwo = await h.connect(two, operator.token);
    const vendorOnOne = await h.connect(one, (await h.session('vendor_user', 'antu-lifts')).token);
    const vendorOnTwo = await h.connect(two, (await h.session('vendor_user', 'antu-lifts')).token);

    await h.publishIncident('fired', { id: '701' });
    await h.publishWorkOrder({ orderId: '71', vendorId: 'antu-lifts' });
    (await h.gatewayLiveValues(50)).offer([h.reading('MB-EM-01000.power', 42)]);
    for (const client of [onOne, onTwo]) {
      await client.waitFor<IncidentUpdate>('incident', (u) => u.incidentId === '701');
      await client.waitFor<LiveBatch>('live:values');
    }
    for (const client of [vendorOnOne, vendorOnTwo]) await client.waitFor<WorkOrderUpdate>('workorder');
    // Long enough for a second copy through the other process to arrive, were there one, and
    // for a second live tick.
    await sleep(1_200);

    for (const client of [onOne, onTwo]) {
      expect(client.payloads<IncidentUpdate>('incident').map((u) => u.incidentId)).toEqual(['701']);
      expect(client.payloads<WorkOrderUpdate>('workorder').map((u) => u.orderId)).toEqual(['71']);
      expect(client.payloads<LiveBatch>('live:values').flatMap((b) => b.values.map((v) => v.v))).toEqual([
        42,
      ]);
    }
    for (const client of [vendorOnOne, vendorOnTwo]) {
      expect(client.payloads<WorkOrderUpdate>('workorder').map((u) => u.orderId)).toEqual(['71']);
    }
  });

  it('disconnects a logged-out session on the other process too, through the adapter', async () => {
    const { token, sessionId } = await h.session('auditor');
    const onOne = await h.connect(one, token);
    const onTwo = await h.connect(two, token);
    const bystander = await h.connect(two, (await h.session('auditor')).token);
    const gone = [onOne.disconnected(), onTwo.disconnected()];
    // What the logout route does, on whichever process served it.
    one.live.disconnectSession(sessionId);
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
    for (const client of [onOne, onTwo]) {
      expect(client.payloads<SessionEnded>('session:ended')).toEqual([{ code: 'session_ended' }]);
    }
    await sleep(200);
    expect(bystander.socket.connected).toBe(true);
  });

  it('lets clients reconnect to the process that stays when one stops', async () => {
    const { token } = await h.session('operator');
    const client = h.client(two, { auth: { token }, reconnection: true, reconnectionDelay: 50 });
    await client.connect();
    const lost = client.disconnected();
    await two.live.stop();
    // A stop is not a logout: the client is cut off as by a network failure and retries.
    expect(await lost).toBe('transport close');
    expect(client.payloads('session:ended')).toEqual([]);
    // The stopped process refuses new handshakes (its HTTP server may still be up a moment).
    await h.client(two, { auth: { token } }).refusal();
    const onOne = await h.connect(one, token);
    await h.publishIncident('cleared', { id: '702', state: 'cleared' });
    await onOne.waitFor<IncidentUpdate>('incident', (u) => u.incidentId === '702');
  });
});
