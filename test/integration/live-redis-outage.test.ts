import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentUpdate, LiveBatch, LiveHello, Resync } from '../../services/live/messages.ts';
import { LiveHarness, type StartedLiveServer, sleep } from '../../services/live/test-harness.ts';
import { freePort } from '../../services/runtime/free-port.ts';
import { waitForRedis } from '../helpers/private-redis.ts';

/** A redis-server of this file's own, which it can stop and start again on the same port. */
class RestartableRedis {
  readonly port: number;
  #process: ChildProcess | undefined;

  constructor(port: number) {
    this.port = port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.#process = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await waitForRedis(this.url);
  }

  async stop(): Promise<void> {
    const child = this.#process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

describe('the live server through Redis failures', () => {
  let redis: RestartableRedis;
  let h: LiveHarness;
  let server: StartedLiveServer;

  beforeAll(async () => {
    redis = new RestartableRedis(await freePort());
    await redis.start();
    h = new LiveHarness({ redisUrl: redis.url });
    await h.open();
    server = await h.startServer({ maxUpdatesPerSecond: 4 });
  });
  afterAll(async () => {
    await h.dispose();
    await redis.stop();
  });

  it('sends a fresh snapshot and a resync notice when its subscription was cut and came back', async () => {
    const operator = await h.connect(server, (await h.session('operator')).token);
    const gateway = await h.gatewayLiveValues(50);
    gateway.offer([h.reading('MB-EM-01000.power', 7)]);
    await operator.waitFor<LiveBatch>('live:values');

    const admin = new Redis(redis.url);
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    admin.disconnect();

    expect(await operator.waitFor<Resync>('resync')).toEqual({ reason: 'source_reconnected' });
    const snapshot = await operator.waitFor<LiveBatch>('live:snapshot', (batch) => batch.values.length > 0);
    expect(snapshot.values).toEqual([{ p: 'MB-EM-01000.power', t: expect.any(Number), v: 7 }]);
    // And the feed flows again.
    await h.publishIncident('fired', { id: '801' });
    await operator.waitFor<IncidentUpdate>('incident', (u) => u.incidentId === '801');
  });

  it('keeps its clients while Redis is down, accepts new ones, and relays again once Redis is back', async () => {
    const { token } = await h.session('operator');
    const operator = await h.connect(server, token);
    await redis.stop();
    await sleep(300);

    // A logout broadcast through the adapter while Redis is away neither throws nor crashes
    // the process (an unhandled rejection would fail this file); it just reaches no other process.
    server.live.disconnectSession('00000000-0000-0000-0000-000000000000');
    const newcomer = h.client(server, { auth: { token: (await h.session('facilities_manager')).token } });
    const hello: LiveHello = await newcomer.connect();
    expect(hello.role).toBe('facilities_manager');
    expect(operator.socket.connected).toBe(true);

    await redis.start();
    await operator.waitFor<Resync>('resync', undefined, 10_000);
    await h.publishIncident('cleared', { id: '802', state: 'cleared' });
    for (const client of [operator, newcomer]) {
      await client.waitFor<IncidentUpdate>('incident', (u) => u.incidentId === '802');
    }
    expect(operator.socket.connected).toBe(true);
  });
});
