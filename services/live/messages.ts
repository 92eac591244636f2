import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import { Id } from '../../config/schema/common.ts';
import { EVENT_KINDS, INCIDENT_STATES } from '../incidents/types.ts';
import type { GatewayLink } from './gateway-link.ts';

/**
 * The messages of the live server: what it reads from Redis (validated once, here; a frame that
 * does not fit is dropped and counted, never guessed at) and what it sends to clients (the
 * contract with the dashboards, which may validate against the same schemas).
 */

const PointId = Type.String({ minLength: 1, maxLength: 160 });

/** One point's value: compact names, as the gateway publishes them (`t`: reading time, ms). */
export const LiveValue = Type.Object({ p: PointId, t: Type.Number(), v: Type.Number() });
export type LiveValue = Static<typeof LiveValue>;

/** A message on `<prefix>:live:<site>`: the gateway's coalesced values of one 250 ms window. */
export const LiveFrame = Type.Array(LiveValue);

/** A field of the hash `<prefix>:latest:<site>` (the field name is the point id). */
export const LatestValue = Type.Object({ t: Type.Number(), v: Type.Number() });

/**
 * A message on `<prefix>:incidents` (services/incidents/publisher.ts). Only what routing needs
 * is required of the row snapshot; its other columns travel along unchanged.
 */
export const IncidentUpdate = Type.Object({
  v: Type.Literal(1),
  kind: Type.Enum([...EVENT_KINDS]),
  incidentId: Type.String({ minLength: 1, maxLength: 64 }),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String({ maxLength: 200 }),
  incident: Type.Object({
    id: Type.String({ minLength: 1, maxLength: 64 }),
    equipmentId: Type.String(),
    buildingCode: Type.String(),
    state: Type.Enum([...INCIDENT_STATES]),
  }),
});
export type IncidentUpdate = Static<typeof IncidentUpdate>;

/** `live:snapshot` (on connect, from the latest-values hash) and `live:values` (a coalesced batch). */
export const LiveBatch = Type.Object({ site: Id, values: Type.Array(LiveValue) });
export type LiveBatch = Static<typeof LiveBatch>;

/**
 * `workorder`: a change of an order. Staff receive `previousVendorId` on a reassignment; a
 * vendor never learns which other vendor had or took an order, so theirs comes without it.
 */
export const WorkOrderUpdate = Type.Object({
  v: Type.Literal(1),
  orderId: Type.String(),
  vendorId: Type.Union([Id, Type.Null()]),
  previousVendorId: Type.Optional(Id),
  state: Type.String(),
  action: Type.String(),
  at: Type.String({ format: 'date-time' }),
  seq: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type WorkOrderUpdate = Static<typeof WorkOrderUpdate>;

/** `workorder:left`: to the vendor an order was taken from; it should drop the order from its list. */
export const WorkOrderLeft = Type.Object({
  v: Type.Literal(1),
  orderId: Type.String(),
  at: Type.String({ format: 'date-time' }),
});
export type WorkOrderLeft = Static<typeof WorkOrderLeft>;

/** `ready`: sent once rooms are joined and the snapshot is sent. */
export const LiveHello = Type.Object({
  userId: Type.String(),
  username: Type.String(),
  role: Type.String(),
  vendorId: Type.Optional(Id),
  /** Sites whose live values and incidents this connection receives. */
  sites: Type.Array(Id),
  /** Whether this connection receives every work-order change (staff) or only its vendor's. */
  workOrders: Type.Enum(['all', 'vendor', 'none']),
  /** The server's clock (ms), so SLA countdowns on a phone with a wrong clock stay right. */
  serverTimeMs: Type.Number(),
});
export type LiveHello = Static<typeof LiveHello>;

/** `session:ended`, sent just before the server disconnects a socket whose session no longer holds. */
export const SessionEnded = Type.Object({ code: Type.Enum(['session_ended', 'principal_changed']) });
export type SessionEnded = Static<typeof SessionEnded>;

/**
 * `resync`: the server lost its subscription to the sources for a while; incident and
 * work-order changes of the gap were not relayed, so the client should re-read its lists from
 * the API (live values come again as a fresh `live:snapshot`).
 */
export const Resync = Type.Object({ reason: Type.Enum(['source_reconnected']) });
export type Resync = Static<typeof Resync>;

/** Events the server emits; clients send none. */
export interface ServerToClientEvents {
  /** A site's gateway link (gateway-link.ts): on connect, to staff of the site, and on every change. */
  'site:link': (link: GatewayLink) => void;
  ready: (hello: LiveHello) => void;
  'live:snapshot': (batch: LiveBatch) => void;
  'live:values': (batch: LiveBatch) => void;
  incident: (update: IncidentUpdate) => void;
  workorder: (update: WorkOrderUpdate) => void;
  'workorder:left': (left: WorkOrderLeft) => void;
  'session:ended': (notice: SessionEnded) => void;
  resync: (notice: Resync) => void;
}

export type LiveEvent = keyof ServerToClientEvents;

/** Parses a JSON frame against a schema; undefined when it is not JSON or does not fit. */
export function parseFrame<T>(check: (value: unknown) => value is T, text: string): T | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return check(value) ? value : undefined;
}

export const isLiveFrame = (value: unknown): value is Static<typeof LiveFrame> =>
  Value.Check(LiveFrame, value);
export const isLatestValue = (value: unknown): value is Static<typeof LatestValue> =>
  Value.Check(LatestValue, value);
export const isIncidentUpdate = (value: unknown): value is IncidentUpdate =>
  Value.Check(IncidentUpdate, value);
