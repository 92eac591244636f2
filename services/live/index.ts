export { LIVE_AUTH_ERROR_CODES, LiveAuthError, type LiveAuthErrorCode } from './errors.ts';
export { SESSION_COOKIE } from './handshake.ts';
export { LiveServer, type LiveServerOptions } from './live-server.ts';
export {
  IncidentUpdate,
  LiveBatch,
  type LiveEvent,
  LiveHello,
  LiveValue,
  Resync,
  type ServerToClientEvents,
  SessionEnded,
  WorkOrderLeft,
  WorkOrderUpdate,
} from './messages.ts';
export type { SessionCheckResult } from './sessions.ts';
export { type LiveSite, liveSitesOf } from './sites.ts';
