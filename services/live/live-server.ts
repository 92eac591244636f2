import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { Server, type Socket } from 'socket.io';
import { handoffKey, latestKey } from '../../gateway/handoff/shards.ts';
import type { Authenticator, Principal } from '../accounts/principal.ts';
import type { WorkOrderEvent } from '../notifications/event.ts';
import type { Clock } from '../runtime/clock.ts';
import type { Component } from '../runtime/component.ts';
import type { Logger } from '../runtime/logger.ts';
import { adapterClients } from './adapter-clients.ts';
import { LiveValueCoalescer } from './coalescer.ts';
import { LiveAuthError } from './errors.ts';
import { GATEWAY_OFFLINE_AFTER_MS, type GatewayLink, gatewayLinkOf } from './gateway-link.ts';
import { cookieOriginAllowed, credentialOf } from './handshake.ts';
import {
  type IncidentUpdate,
  isLatestValue,
  type LiveBatch,
  type LiveEvent,
  type LiveValue,
  parseFrame,
  type ServerToClientEvents,
  type SessionEnded,
} from './messages.ts';
import { type LiveMetrics, liveMetrics } from './metrics.ts';
import {
  incidentRooms,
  membershipOf,
  sessionRoom,
  siteRoom,
  userRoom,
  workOrderDeliveries,
} from './rooms.ts';
import { recheckSessions, type SessionCheckResult } from './sessions.ts';
import type { LiveSite } from './sites.ts';
import { LiveSources } from './sources.ts';

/** Sockets written per event-loop turn when a live batch is broadcast. */
const BROADCAST_SLICE = 250;

export interface LiveServerOptions {
  /** The node server under the process's fastify instance (`HttpServer.app.server`). */
  readonly httpServer: HttpServer;
  readonly authenticator: Authenticator;
  readonly redisUrl: string;
  readonly prefix: string;
  readonly sites: readonly LiveSite[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics?: Registry;
  /** Updates of one point a client receives per second at most (default 2). */
  readonly maxUpdatesPerSecond?: number;
  /** Sockets written per event-loop turn when a live batch is broadcast; default 250. */
  readonly broadcastSlice?: number;
  /** How often every connected session is verified again (default 60 s). */
  readonly sessionCheckMs?: number;
  /** Origins besides the server's own whose pages may connect with the session cookie. */
  readonly allowedOrigins?: readonly string[];
  /** The socket.io path (default `/socket.io`). */
  readonly path?: string;
  /** How often each site's gateway link is read from Redis (default 5 s). */
  readonly gatewayCheckMs?: number;
  /** A gateway whose watermark is older than this is offline (default GATEWAY_OFFLINE_AFTER_MS). */
  readonly gatewayOfflineAfterMs?: number;
  /** The wall clock the gateway's watermark time is compared with (default Date.now; tests move it). */
  readonly wallClock?: () => number;
}

/** Clients send no events. */
type ClientToServerEvents = Record<never, never>;
type InterServerEvents = Record<never, never>;
interface SocketData {
  principal: Principal;
  token: string;
}
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type LiveIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/**
 * The socket.io live feed: an authenticated handshake, rooms per site and per vendor, and the
 * Redis adapter so several API processes serve clients.
 *
 * Exactly one copy per client: every process subscribes to the same source channels itself
 * (live values, incidents, work orders), so each emits what it hears to its *own* sockets only
 * (`io.local`); emitting through the adapter as well would deliver every event once per
 * process. The adapter carries what only one process knows: disconnecting a session or a user
 * wherever their sockets are (logout, account changes), and any broadcast a process originates.
 *
 * Attach after the HTTP server in the start order: socket.io takes the server's `request` and
 * `upgrade` listeners over (passing every other path to fastify), and stopping first closes the
 * long-lived client connections that would otherwise hold the HTTP server's close open. Clients
 * cut off by a stop reconnect, to another process if there is one.
 */
export class LiveServer implements Component {
  readonly name = 'live';
  readonly #options: LiveServerOptions;
  readonly #metrics: LiveMetrics;
  readonly #coalescer = new LiveValueCoalescer();
  readonly #siteIds: readonly string[];
  readonly #siteOfBuilding: ReadonlyMap<string, string>;
  #io: LiveIo | undefined;
  #sources: LiveSources | undefined;
  #redis: { commands: Redis; adapterSubscriber: Redis } | undefined;
  #flushTimer: NodeJS.Timeout | undefined;
  #sessionTimer: NodeJS.Timeout | undefined;
  #checking: Promise<SessionCheckResult> | undefined;
  #linkTimer: NodeJS.Timeout | undefined;
  #linkRound: Promise<void> | undefined;
  /** The last gateway link read per site; a site Redis has not answered for yet has none. */
  readonly #links = new Map<string, GatewayLink>();

  constructor(options: LiveServerOptions) {
    const rate = options.maxUpdatesPerSecond ?? 2;
    if (!(rate > 0 && rate <= 50))
      throw new RangeError(`maxUpdatesPerSecond must be in (0, 50], not ${rate}`);
    const checkMs = options.sessionCheckMs ?? 60_000;
    if (!(checkMs >= 100)) throw new RangeError(`sessionCheckMs must be at least 100, not ${checkMs}`);
    this.#options = options;
    this.#metrics = liveMetrics(options.metrics ?? new Registry());
    this.#siteIds = options.sites.map((site) => site.id);
    this.#siteOfBuilding = new Map(
      options.sites.flatMap((site) => site.buildingCodes.map((code) => [code, site.id] as const)),
    );
  }

  async start(): Promise<void> {
    const { redisUrl, prefix, logger } = this.#options;
    const redisOptions = {
      lazyConnect: true,
      retryStrategy: (times: number) => Math.min(times * 200, 2_000),
    };
    // Snapshots fail fast while Redis is away; the adapter's subscriptions wait for it.
    const commands = new Redis(redisUrl, {
      ...redisOptions,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    const adapterSubscriber = new Redis(redisUrl, { ...redisOptions, maxRetriesPerRequest: null });
    for (const client of [commands, adapterSubscriber]) {
      client.on('error', (error: Error) => logger.warn({ err: error }, 'live server Redis connection error'));
    }
    this.#redis = { commands, adapterSubscriber };
    await Promise.all(
      [commands, adapterSubscriber].map((client) =>
        client.connect().catch((error: unknown) => {
          logger.warn(
            { err: error },
            'live server: Redis not reachable at start; retrying in the background',
          );
        }),
      ),
    );

    this.#sources = new LiveSources({
      redisUrl,
      prefix,
      siteIds: this.#siteIds,
      logger,
      metrics: this.#metrics,
      handlers: {
        liveValues: (site, values) => this.#coalescer.offer(site, values),
        incident: (update) => this.#relayIncident(update),
        workOrder: (event) => this.#relayWorkOrder(event),
        resubscribed: () => this.#resync(),
      },
    });
    await this.#sources.start();

    const { pubClient, subClient } = adapterClients(commands, adapterSubscriber, logger);
    const io: LiveIo = new Server(this.#options.httpServer, {
      path: this.#options.path ?? '/socket.io',
      serveClient: false,
      // Clients send nothing but the handshake.
      maxHttpBufferSize: 16_384,
      adapter: createAdapter(pubClient, subClient, { key: `${prefix}:socket.io` }),
    });
    io.use((socket, next) => {
      this.#authenticate(socket).then(
        () => next(),
        (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
      );
    });
    io.on('connection', (socket) => {
      this.#welcome(socket).catch((error: unknown) =>
        logger.warn({ err: error, userId: socket.data.principal.userId }, 'live client set-up failed'),
      );
    });
    this.#io = io;

    const maxPerSecond = this.#options.maxUpdatesPerSecond ?? 2;
    this.#flushTimer = setInterval(() => this.#flushLiveValues(), Math.round(1000 / maxPerSecond));
    this.#sessionTimer = setInterval(() => {
      this.checkSessions().catch((error: unknown) => logger.warn({ err: error }, 'session check failed'));
    }, this.#options.sessionCheckMs ?? 60_000);
    await this.checkGatewayLinks();
    this.#linkTimer = setInterval(() => void this.checkGatewayLinks(), this.#options.gatewayCheckMs ?? 5_000);
  }

  async stop(): Promise<void> {
    clearInterval(this.#flushTimer);
    clearInterval(this.#sessionTimer);
    clearInterval(this.#linkTimer);
    await this.#linkRound;
    await this.#sources?.stop();
    this.#sources = undefined;
    const io = this.#io;
    this.#io = undefined;
    if (io) {
      // Not io.close(): that would close the HTTP server, which is not ours. New handshakes
      // are refused from now on (the HTTP server may serve a little longer); closing the engine
      // drops every client connection without a "server disconnect", so clients reconnect.
      io.engine.opts.allowRequest = (_request, callback) => callback('the live server is stopping', false);
      io.engine.close();
      await io.of('/').adapter.close();
    }
    await this.#checking?.catch(() => undefined);
    const redis = this.#redis;
    this.#redis = undefined;
    for (const client of redis ? [redis.commands, redis.adapterSubscriber] : []) {
      if (client.status === 'ready') await client.quit();
      else client.disconnect();
    }
  }

  /**
   * Verifies every session holding a socket of this process now (the timer does it every
   * `sessionCheckMs`); sockets whose session ended or changed hands are told and disconnected.
   */
  checkSessions(): Promise<SessionCheckResult> {
    this.#checking ??= this.#checkSessions().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  /**
   * Reads every site's gateway link now (the timer does it every `gatewayCheckMs`) and tells the
   * site's staff sockets of a change. While Redis does not answer, the last links stand.
   */
  checkGatewayLinks(): Promise<void> {
    this.#linkRound ??= this.#checkGatewayLinks().finally(() => {
      this.#linkRound = undefined;
    });
    return this.#linkRound;
  }

  /** The gateway links last read, by site. */
  gatewayLinks(): GatewayLink[] {
    return [...this.#links.values()];
  }

  async #checkGatewayLinks(): Promise<void> {
    const commands = this.#redis?.commands;
    if (!commands || this.#siteIds.length === 0) return;
    let raws: (string | null)[];
    try {
      raws = await commands.mget(...this.#siteIds.map((site) => handoffKey(this.#options.prefix, site)));
    } catch {
      return; // Redis away: /health and the Redis alerts say so; the last links stand.
    }
    const wallNowMs = (this.#options.wallClock ?? Date.now)();
    this.#siteIds.forEach((site, i) => {
      const link = gatewayLinkOf(
        site,
        raws[i] ?? null,
        wallNowMs,
        this.#options.gatewayOfflineAfterMs ?? GATEWAY_OFFLINE_AFTER_MS,
      );
      const previous = this.#links.get(site);
      this.#links.set(site, link);
      if (previous?.state === link.state) return;
      if (previous !== undefined || link.state === 'offline') {
        const log = link.state === 'offline' ? this.#options.logger.warn : this.#options.logger.info;
        log.call(
          this.#options.logger,
          { site, state: link.state, lastSeenMs: link.lastSeenMs },
          'gateway link changed',
        );
      }
      this.#emitLocal([siteRoom(site)], 'site:link', link);
    });
  }

  /** Disconnects a session's sockets on every process (through the adapter), e.g. at logout. */
  disconnectSession(sessionId: string): void {
    this.#endEverywhere(sessionRoom(sessionId));
  }

  /** Disconnects a user's sockets on every process, e.g. when the account is disabled or its role changes. */
  disconnectUser(userId: string): void {
    this.#endEverywhere(userRoom(userId));
  }

  /** Clients connected to this process. */
  get localClients(): number {
    return this.#io?.of('/').sockets.size ?? 0;
  }

  async #authenticate(socket: LiveSocket): Promise<void> {
    const { handshake } = socket;
    const fail = (code: LiveAuthError['code'], cause?: unknown): never => {
      this.#metrics.authFailures.inc({ reason: code });
      throw new LiveAuthError(code, cause === undefined ? undefined : { cause });
    };
    const credential = credentialOf(handshake.auth, handshake.headers);
    if (!credential) return fail('unauthenticated');
    if (
      credential.source === 'cookie' &&
      !cookieOriginAllowed(handshake.headers, this.#options.allowedOrigins ?? [])
    ) {
      return fail('forbidden_origin');
    }
    let principal: Principal | undefined;
    try {
      principal = await this.#options.authenticator.authenticate(credential.token);
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'live handshake: authenticator unavailable');
      return fail('auth_unavailable', error);
    }
    if (!principal) return fail('unauthenticated');
    socket.data.principal = principal;
    socket.data.token = credential.token;
  }

  async #welcome(socket: LiveSocket): Promise<void> {
    const { principal } = socket.data;
    const membership = membershipOf(principal, this.#siteIds);
    this.#metrics.clients.inc({ role: principal.role });
    socket.on('disconnect', () => this.#metrics.clients.dec({ role: principal.role }));
    // Joined before anything is awaited, so no event published from now on is missed.
    await socket.join([...membership.rooms]);
    for (const site of membership.sites) {
      const link = this.#links.get(site);
      if (link) {
        socket.emit('site:link', link);
        this.#metrics.messages.inc({ event: 'site:link' });
      }
      const batch = await this.#snapshot(site);
      if (!batch || socket.disconnected) continue;
      socket.emit('live:snapshot', batch);
      this.#metrics.messages.inc({ event: 'live:snapshot' });
    }
    socket.emit('ready', {
      userId: principal.userId,
      username: principal.username,
      role: principal.role,
      ...(principal.vendorId === undefined ? {} : { vendorId: principal.vendorId }),
      sites: [...membership.sites],
      workOrders: membership.workOrders,
      serverTimeMs: this.#options.clock.nowMs(),
    });
    this.#metrics.messages.inc({ event: 'ready' });
  }

  /** The latest value of every point of a site; undefined while Redis cannot answer. */
  async #snapshot(site: string): Promise<LiveBatch | undefined> {
    const commands = this.#redis?.commands;
    if (!commands) return undefined;
    let fields: Record<string, string>;
    try {
      fields = await commands.hgetall(latestKey(this.#options.prefix, site));
    } catch (error) {
      this.#options.logger.warn({ err: error, site }, 'live snapshot not read; the client gets changes only');
      return undefined;
    }
    const values: LiveValue[] = [];
    for (const [p, text] of Object.entries(fields)) {
      const latest = parseFrame(isLatestValue, text);
      if (latest) values.push({ p, t: latest.t, v: latest.v });
      else this.#metrics.framesDropped.inc({ source: 'latest' });
    }
    return { site, values };
  }

  #flushLiveValues(): void {
    for (const batch of this.#coalescer.drain()) this.#emitInSlices(siteRoom(batch.site), batch);
  }

  /**
   * A live batch goes to a room's sockets a slice at a time, one event-loop turn each: socket.io
   * writes a broadcast to every socket in one synchronous loop, which at a few thousand clients
   * blocks the process (and every API request) for tens of milliseconds per tick.
   */
  #emitInSlices(room: string, batch: LiveBatch): void {
    const members = this.#io?.of('/').adapter.rooms.get(room);
    if (!members || members.size === 0) return;
    const sliceSize = this.#options.broadcastSlice ?? BROADCAST_SLICE;
    if (members.size <= sliceSize) {
      this.#emitLocal([room], 'live:values', batch);
      return;
    }
    const ids = [...members];
    let from = 0;
    const next = (): void => {
      const io = this.#io;
      if (!io) return;
      const slice = ids.slice(from, from + sliceSize);
      from += sliceSize;
      io.local.to(slice).emit('live:values', batch);
      this.#metrics.messages.inc({ event: 'live:values' }, slice.length);
      if (from < ids.length) setImmediate(next);
    };
    next();
  }

  #relayIncident(update: IncidentUpdate): void {
    const { rooms, known } = incidentRooms(update, this.#siteOfBuilding, this.#siteIds);
    if (!known) {
      this.#options.logger.warn(
        { incidentId: update.incidentId, buildingCode: update.incident.buildingCode },
        'incident of a building no configured site has; sent to every site room',
      );
    }
    this.#emitLocal(rooms, 'incident', update);
  }

  #relayWorkOrder(event: WorkOrderEvent): void {
    for (const delivery of workOrderDeliveries(event)) {
      if (delivery.event === 'workorder') this.#emitLocal(delivery.rooms, 'workorder', delivery.payload);
      else this.#emitLocal(delivery.rooms, 'workorder:left', delivery.payload);
    }
  }

  /**
   * After the source subscription was lost and came back: live values of the gap are replaced
   * by a fresh snapshot per site; events of the gap are gone, so clients are told to re-read
   * their lists from the API.
   */
  #resync(): void {
    this.#options.logger.info('live feed resubscribed; sending snapshots and a resync notice');
    this.#emitLocal(this.#siteIds.map(siteRoom), 'resync', { reason: 'source_reconnected' });
    for (const site of this.#siteIds) {
      this.#snapshot(site).then(
        (batch) => {
          if (batch) this.#emitLocal([siteRoom(site)], 'live:snapshot', batch);
        },
        () => undefined,
      );
    }
  }

  /** Emits to this process's sockets in `rooms` (each socket once), counting one message per socket. */
  #emitLocal<E extends LiveEvent>(
    rooms: readonly string[],
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    const io = this.#io;
    if (!io || rooms.length === 0) return;
    const recipients = this.#localRecipients(rooms);
    if (recipients === 0) return;
    io.local.to([...rooms]).emit(event, ...args);
    this.#metrics.messages.inc({ event }, recipients);
  }

  #localRecipients(rooms: readonly string[]): number {
    const members = this.#io?.of('/').adapter.rooms;
    if (!members) return 0;
    if (rooms.length === 1) return members.get(rooms[0] as string)?.size ?? 0;
    const union = new Set<string>();
    for (const room of rooms) for (const id of members.get(room) ?? []) union.add(id);
    return union.size;
  }

  #endEverywhere(room: string): void {
    const io = this.#io;
    if (!io) return;
    const notice: SessionEnded = { code: 'session_ended' };
    io.to(room).emit('session:ended', notice);
    io.in(room).disconnectSockets(true);
  }

  async #checkSessions(): Promise<SessionCheckResult> {
    const io = this.#io;
    if (!io) return { sessions: 0, ended: 0, unanswered: 0 };
    const sockets = [...io.of('/').sockets.values()].map((socket) => ({
      token: socket.data.token,
      principal: socket.data.principal,
      end: (code: SessionEnded['code']) => {
        this.#metrics.sessionsEnded.inc({ reason: code });
        socket.emit('session:ended', { code });
        this.#metrics.messages.inc({ event: 'session:ended' });
        socket.disconnect(true);
      },
    }));
    const result = await recheckSessions(sockets, this.#options.authenticator);
    if (result.unanswered > 0) {
      this.#options.logger.warn(
        { unanswered: result.unanswered },
        'session check: the authenticator did not answer for some sessions; their sockets stay until the next check',
      );
    }
    return result;
  }
}
