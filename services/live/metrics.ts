import type { Counter, Gauge, Registry } from 'prom-client';
import { sharedCounter, sharedGauge } from '../runtime/metrics.ts';

export interface LiveMetrics {
  readonly clients: Gauge<'role'>;
  readonly messages: Counter<'event'>;
  readonly authFailures: Counter<'reason'>;
  readonly sessionsEnded: Counter<'reason'>;
  readonly framesDropped: Counter<'source'>;
}

/** Registered once per registry: several live servers in one test share them. */
export function liveMetrics(registry: Registry): LiveMetrics {
  return {
    clients: sharedGauge(registry, {
      name: 'steward_live_clients',
      help: 'socket.io clients connected to this process, by account role',
      labelNames: ['role'],
    }),
    messages: sharedCounter(registry, {
      name: 'steward_live_messages_emitted_total',
      help: 'socket.io messages sent by this process to its clients (one per client reached), by event',
      labelNames: ['event'],
    }),
    authFailures: sharedCounter(registry, {
      name: 'steward_live_auth_failures_total',
      help: 'socket.io handshakes refused, by reason (unauthenticated, forbidden_origin, auth_unavailable)',
      labelNames: ['reason'],
    }),
    sessionsEnded: sharedCounter(registry, {
      name: 'steward_live_sessions_ended_total',
      help: 'Connected sockets disconnected by the periodic session check, by reason (session_ended, principal_changed)',
      labelNames: ['reason'],
    }),
    framesDropped: sharedCounter(registry, {
      name: 'steward_live_frames_dropped_total',
      help: 'Messages read from Redis that did not fit their schema and were dropped, by source (live, latest, incidents, workorders)',
      labelNames: ['source'],
    }),
  };
}
