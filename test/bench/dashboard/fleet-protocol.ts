/**
 * What the bench and a client-fleet child (fleet-child.ts) say to each other over IPC. One
 * request at a time; every reply answers the request before it.
 */

export type FleetCommand =
  /** Opens one client per token (in addition to those open), `inFlight` handshakes at a time. */
  | {
      readonly type: 'connect';
      readonly url: string;
      readonly tokens: readonly string[];
      readonly inFlight: number;
      readonly timeoutMs: number;
    }
  /** Starts a measured window: counters are read from now. */
  | { readonly type: 'mark' }
  /** Ends the window: per-client figures since `mark`; trickle events `[from, to]` must all have arrived. */
  | { readonly type: 'tally'; readonly trickleFrom: number; readonly trickleTo: number }
  /** Closes the newest clients until `keep` remain. */
  | { readonly type: 'trim'; readonly keep: number }
  | { readonly type: 'close-all' };

/** Connect outcome of one request. */
export interface ConnectResult {
  /** Clients that received `ready` (authenticated, rooms joined, snapshot sent). */
  readonly ready: number;
  /** Handshakes refused or timed out, by reason (`connect_error` message or data.code). */
  readonly failed: Readonly<Record<string, number>>;
  /** Values in the snapshot each new client got (the smallest and largest). */
  readonly snapshotValues: { readonly min: number; readonly max: number };
  readonly seconds: number;
}

/** One window's figures over this child's clients. */
export interface WindowTally {
  readonly clients: number;
  readonly seconds: number;
  /** `live:values` batches received per client in the window, sorted ascending. */
  readonly batches: readonly number[];
  /** Values (point updates) received in the window, all clients. */
  readonly values: number;
  readonly chars: number;
  /** Clients missing at least one trickle event of the range. */
  readonly trickleIncomplete: number;
  readonly trickleExpected: number;
  /** Publish → receipt of the trickle events in the range, every client, ms. */
  readonly deliveryMs: readonly number[];
  /** Clients disconnected since they were ready, by reason. */
  readonly dropped: Readonly<Record<string, number>>;
  /** Events clients received that the bench did not expect (e.g. `session:ended`, `resync`). */
  readonly unexpected: Readonly<Record<string, number>>;
}

export type FleetReply =
  | { readonly type: 'connected'; readonly result: ConnectResult }
  | { readonly type: 'marked' }
  | { readonly type: 'tally'; readonly tally: WindowTally }
  | { readonly type: 'trimmed'; readonly open: number }
  | { readonly type: 'closed' }
  | { readonly type: 'error'; readonly message: string };

/** A trickle event's sequence number and publish time travel in its id: `<run>-<seq>-<epoch ms>`. */
export const trickleId = (runId: string, seq: number, atMs: number): string => `${runId}-${seq}-${atMs}`;

export function parseTrickleId(id: string): { seq: number; atMs: number } | undefined {
  const match = /-(\d+)-(\d+)$/.exec(id);
  return match ? { seq: Number(match[1]), atMs: Number(match[2]) } : undefined;
}
