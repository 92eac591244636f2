import { io, type Socket } from 'socket.io-client';
import type { GatewayLink } from '../../services/live/gateway-link.ts';
import type {
  IncidentUpdate,
  LiveBatch,
  LiveHello,
  ServerToClientEvents,
  WorkOrderUpdate,
} from '../../services/live/messages.ts';

/**
 * The live connection: one socket per page, authenticated by the session cookie (same origin),
 * reconnecting by itself. Views subscribe to what they draw; live values are kept here in one map
 * (point id → latest) and handed out at most every `VALUE_FLUSH_MS`, so a wall screen with a
 * thousand points re-renders a few times a second, not per message.
 */
export type { GatewayLink, IncidentUpdate, LiveHello, WorkOrderUpdate };

const VALUE_FLUSH_MS = 500;

export interface LatestValue {
  readonly t: number;
  readonly v: number;
}

type Listener<T> = (value: T) => void;

export class LiveConnection {
  readonly values = new Map<string, LatestValue>();
  readonly #socket: Socket<ServerToClientEvents>;
  readonly #valueListeners = new Set<Listener<ReadonlyMap<string, LatestValue>>>();
  readonly #incidentListeners = new Set<Listener<IncidentUpdate>>();
  readonly #orderListeners = new Set<Listener<WorkOrderUpdate | { orderId: string; left: true }>>();
  readonly #statusListeners = new Set<Listener<boolean>>();
  readonly #resyncListeners = new Set<Listener<void>>();
  readonly #linkListeners = new Set<Listener<ReadonlyMap<string, GatewayLink>>>();
  /** Each site's gateway link as the server last said (staff only; vendors get none). */
  readonly links = new Map<string, GatewayLink>();
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** Server time minus this device's clock (ms), so countdowns stay right on a phone with a wrong clock. */
  clockSkewMs = 0;
  hello: LiveHello | undefined;

  constructor() {
    this.#socket = io({ transports: ['websocket'], withCredentials: true });
    this.#socket.on('connect', () => this.#emitStatus(true));
    this.#socket.on('disconnect', () => this.#emitStatus(false));
    this.#socket.on('ready', (hello) => {
      this.hello = hello;
      this.clockSkewMs = hello.serverTimeMs - Date.now();
      this.#emitStatus(true);
    });
    this.#socket.on('live:snapshot', (batch) => this.#takeValues(batch));
    this.#socket.on('live:values', (batch) => this.#takeValues(batch));
    this.#socket.on('incident', (update) => {
      for (const listener of this.#incidentListeners) listener(update);
    });
    this.#socket.on('workorder', (update) => {
      for (const listener of this.#orderListeners) listener(update);
    });
    this.#socket.on('workorder:left', (left) => {
      for (const listener of this.#orderListeners) listener({ orderId: left.orderId, left: true });
    });
    this.#socket.on('site:link', (link) => {
      this.links.set(link.site, link);
      for (const listener of this.#linkListeners) listener(this.links);
    });
    this.#socket.on('resync', () => {
      for (const listener of this.#resyncListeners) listener();
    });
  }

  get connected(): boolean {
    return this.#socket.connected;
  }

  /** The server's idea of now, in ms. */
  now(): number {
    return Date.now() + this.clockSkewMs;
  }

  onValues(listener: Listener<ReadonlyMap<string, LatestValue>>): () => void {
    this.#valueListeners.add(listener);
    return () => this.#valueListeners.delete(listener);
  }

  onIncident(listener: Listener<IncidentUpdate>): () => void {
    this.#incidentListeners.add(listener);
    return () => this.#incidentListeners.delete(listener);
  }

  onOrder(listener: Listener<WorkOrderUpdate | { orderId: string; left: true }>): () => void {
    this.#orderListeners.add(listener);
    return () => this.#orderListeners.delete(listener);
  }

  onStatus(listener: Listener<boolean>): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  onLinks(listener: Listener<ReadonlyMap<string, GatewayLink>>): () => void {
    this.#linkListeners.add(listener);
    return () => this.#linkListeners.delete(listener);
  }

  /** The server lost events for a while: lists should be read again. */
  onResync(listener: Listener<void>): () => void {
    this.#resyncListeners.add(listener);
    return () => this.#resyncListeners.delete(listener);
  }

  close(): void {
    clearTimeout(this.#flushTimer);
    this.#socket.close();
  }

  #takeValues(batch: LiveBatch): void {
    for (const value of batch.values) {
      const known = this.values.get(value.p);
      if (!known || known.t <= value.t) this.values.set(value.p, { t: value.t, v: value.v });
    }
    this.#flushTimer ??= setTimeout(() => {
      this.#flushTimer = undefined;
      for (const listener of this.#valueListeners) listener(this.values);
    }, VALUE_FLUSH_MS);
  }

  #emitStatus(up: boolean): void {
    for (const listener of this.#statusListeners) listener(up);
  }
}
