/**
 * Shared by the live server's integration tests (not used by production code): a fresh database
 * with the sample registry and the accounts tables, real users and sessions from AccountStore,
 * live servers on fastify instances listening on free loopback ports, a private Redis prefix, the
 * real publishers (the gateway's LiveValues, the incident and work-order change publishers), and
 * socket.io clients that record what they receive.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import {
  type Socket as ClientSocket,
  io as connectClient,
  type ManagerOptions,
  type SocketOptions,
} from 'socket.io-client';
import { loadConfig } from '../../config/load/load-config.ts';
import type { SiteModel } from '../../config/load/model.ts';
import { LiveValues } from '../../gateway/handoff/live-values.ts';
import type { Reading } from '../../gateway/ingest/reading.ts';
import { sampleConfigDir } from '../../test/helpers/config-fixture.ts';
import { incidentRow } from '../../test/helpers/incident-row.ts';
import {
  createTestDatabase,
  stackSettings,
  type TestDatabase,
  uniqueName,
} from '../../test/helpers/stack.ts';
import { AccountStore } from '../accounts/index.ts';
import type { AccountRole } from '../accounts/principal.ts';
import { ChangePublisher } from '../incidents/publisher.ts';
import type { Incident, IncidentEventKind } from '../incidents/types.ts';
import { syncRegistry } from '../registry/sync.ts';
import { ManualClock } from '../runtime/clock.ts';
import { createLogger } from '../runtime/logger.ts';
import { MIGRATION_SOURCES, migrate } from '../runtime/migrations.ts';
import { type WorkOrderChange, WorkOrderChangePublisher } from '../workorders/changes.ts';
import { LiveServer, type LiveServerOptions } from './live-server.ts';
import type { LiveHello } from './messages.ts';
import { liveSitesOf } from './sites.ts';

export interface Received {
  readonly event: string;
  readonly payload: unknown;
  readonly atMs: number;
}

/** A socket.io client that records every event it receives. */
export class LiveClient {
  readonly socket: ClientSocket;
  readonly received: Received[] = [];

  constructor(url: string, options: Partial<ManagerOptions & SocketOptions>) {
    this.socket = connectClient(url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      autoConnect: false,
      ...options,
    });
    this.socket.onAny((event: string, payload: unknown) => {
      this.received.push({ event, payload, atMs: Date.now() });
    });
  }

  /** Connects and resolves with the `ready` greeting, or rejects with the `connect_error`. */
  connect(): Promise<LiveHello> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect_error', reject);
      this.socket.once('ready' as never, (hello: LiveHello) => resolve(hello));
      this.socket.connect();
    });
  }

  /** The error a refused handshake ends with. */
  refusal(): Promise<Error & { data?: { code?: string } }> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect_error', resolve);
      this.socket.once('connect', () => reject(new Error('the handshake was accepted')));
      this.socket.connect();
    });
  }

  payloads<T = unknown>(event: string): T[] {
    return this.received.filter((r) => r.event === event).map((r) => r.payload as T);
  }

  /** Waits until an `event` whose payload satisfies `match` has been received; returns its payload. */
  async waitFor<T = unknown>(
    event: string,
    match: (payload: T) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((r) => r.event === event && match(r.payload as T));
      if (found) return found.payload as T;
      if (Date.now() > deadline) {
        throw new Error(
          `no ${event} within ${timeoutMs} ms; received ${this.received.map((r) => r.event).join(', ')}`,
        );
      }
      await sleep(20);
    }
  }

  /** Resolves with the reason once the socket is disconnected. */
  disconnected(): Promise<string> {
    if (!this.socket.connected) return Promise.resolve('not connected');
    return new Promise((resolve) => this.socket.once('disconnect', (reason) => resolve(reason)));
  }

  close(): void {
    this.socket.disconnect();
  }
}

export interface StartedLiveServer {
  readonly live: LiveServer;
  readonly app: FastifyInstance;
  readonly url: string;
  readonly metrics: Registry;
}

export class LiveHarness {
  readonly prefix = uniqueName('live');
  readonly clock = new ManualClock(Date.now());
  readonly logger = createLogger({ LOG_LEVEL: 'silent' }, 'test');
  readonly model: SiteModel = loadConfig(sampleConfigDir);
  readonly siteId: string;
  #db: TestDatabase | undefined;
  #accounts: AccountStore | undefined;
  #redis: Redis | undefined;
  #liveValues: LiveValues | undefined;
  readonly #servers: StartedLiveServer[] = [];
  readonly #clients: LiveClient[] = [];

  /** The stack's Redis unless a test brings its own (to cut connections or stop it). */
  readonly redisUrl: string;

  constructor(options: { redisUrl?: string } = {}) {
    this.redisUrl = options.redisUrl ?? stackSettings.REDIS_URL;
    const site = this.model.sites[0];
    if (!site) throw new Error('the sample configuration has no site');
    this.siteId = site.id;
  }

  get accounts(): AccountStore {
    if (!this.#accounts) throw new Error('open() first');
    return this.#accounts;
  }

  async open(): Promise<void> {
    this.#db = await createTestDatabase('steward_live');
    // pool.end() resolves before its idle connections have closed, so the forced drop at the end
    // can terminate one; unheard, the pool's 'error' would fail the file as an uncaught exception.
    this.#db.pool.on('error', () => undefined);
    await migrate(
      this.#db.pool,
      MIGRATION_SOURCES.filter((source) => source.owner === 'registry' || source.owner === 'accounts'),
    );
    await syncRegistry(this.#db.pool, this.model);
    // Cheap scrypt: these tests never log in with a password.
    this.#accounts = new AccountStore({
      pool: this.#db.pool,
      clock: this.clock,
      scrypt: { N: 1024, r: 8, p: 1, keyLength: 32, saltLength: 16 },
    });
    // Publishing waits out a Redis restart instead of failing.
    this.#redis = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    this.#redis.on('error', () => undefined);
  }

  async dispose(): Promise<void> {
    for (const client of this.#clients) client.close();
    await this.#liveValues?.stop();
    for (const server of this.#servers.reverse()) {
      await server.live.stop();
      await server.app.close();
    }
    if (this.#redis) {
      const keys = await this.#redis.keys(`${this.prefix}:*`);
      if (keys.length > 0) await this.#redis.del(...keys);
      this.#redis.disconnect();
    }
    await this.#db?.drop();
  }

  /** A live server on its own fastify instance (as the API process has), listening on a free port. */
  async startServer(
    options: Partial<Omit<LiveServerOptions, 'httpServer'>> = {},
  ): Promise<StartedLiveServer> {
    const app = Fastify();
    app.get('/ping', async () => ({ pong: true }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const metrics = new Registry();
    const live = new LiveServer({
      httpServer: app.server,
      authenticator: this.accounts,
      redisUrl: this.redisUrl,
      prefix: this.prefix,
      sites: liveSitesOf(this.model),
      clock: this.clock,
      logger: this.logger,
      metrics,
      ...options,
    });
    await live.start();
    const address = app.server.address();
    if (typeof address !== 'object' || !address) throw new Error('not listening');
    const started = { live, app, url: `http://127.0.0.1:${address.port}`, metrics };
    this.#servers.push(started);
    return started;
  }

  /** A new user of `role` and a session of theirs; the token is what a login would return. */
  async session(
    role: AccountRole,
    vendorId?: string,
  ): Promise<{ token: string; sessionId: string; userId: string }> {
    const username = uniqueName(role).replaceAll('_', '-');
    const user = await this.accounts.createUser({
      username,
      displayName: username,
      role,
      ...(vendorId === undefined ? {} : { vendorId }),
      password: 'long enough 1',
    });
    const session = await this.accounts.createSession(user.id);
    return { token: session.token, sessionId: session.sessionId, userId: user.id };
  }

  client(server: StartedLiveServer, options: Partial<ManagerOptions & SocketOptions> = {}): LiveClient {
    const client = new LiveClient(server.url, options);
    this.#clients.push(client);
    return client;
  }

  async connect(server: StartedLiveServer, token: string): Promise<LiveClient> {
    const client = this.client(server, { auth: { token } });
    await client.connect();
    return client;
  }

  /** The gateway's live-value publisher on this harness's prefix (coalescing window `intervalMs`). */
  async gatewayLiveValues(intervalMs = 50): Promise<LiveValues> {
    if (!this.#redis) throw new Error('open() first');
    if (!this.#liveValues) {
      this.#liveValues = new LiveValues({
        redis: this.#redis,
        prefix: this.prefix,
        site: this.siteId,
        intervalMs,
        logger: this.logger,
        metrics: new Registry(),
      });
      await this.#liveValues.start();
    }
    return this.#liveValues;
  }

  /** Publishes any text on one of the prefix's channels (`incidents`, `workorders`, `live:<site>`). */
  async publishRaw(channel: string, text: string): Promise<void> {
    if (!this.#redis) throw new Error('open() first');
    await this.#redis.publish(`${this.prefix}:${channel}`, text);
  }

  reading(pointId: string, value: number, ts = Date.now()): Reading {
    return { pointId, ts, value, quality: 'good' };
  }

  /** Publishes an incident change exactly as the incident store does after its commit. */
  async publishIncident(kind: IncidentEventKind, incident: Partial<Incident> = {}): Promise<void> {
    if (!this.#redis) throw new Error('open() first');
    const at = new Date();
    const changes = new ChangePublisher({ publisher: this.#redis, prefix: this.prefix });
    await changes.publish([
      {
        kind,
        at,
        actor: 'rules',
        incident: incidentRow(at, incident),
      },
    ]);
  }

  /** Publishes a work-order change exactly as the work-order store does after its commit. */
  async publishWorkOrder(change: Partial<WorkOrderChange> & Pick<WorkOrderChange, 'orderId'>): Promise<void> {
    if (!this.#redis) throw new Error('open() first');
    const publisher = new WorkOrderChangePublisher({ publisher: this.#redis, prefix: this.prefix });
    await publisher.publish([
      { vendorId: null, state: 'dispatched', action: 'dispatch', atMs: Date.now(), seq: 2, ...change },
    ]);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
