import { isPostgresUnavailable } from '../runtime/connections/postgres-unavailable.ts';
import type { IncidentEventFact } from './incident-feed.ts';

/**
 * The dispatcher's failures: whose fault a failed event is (the database's, retried from the
 * cursor for as long as it lasts, or the event's own, counted towards parking it), the error a
 * drain stops with, the count of attempts at the event at the head, and how an error is written
 * down in a parked row.
 */

/**
 * An incident event the dispatcher failed to handle: the drain stops there and the next wake
 * starts again from the cursor. `transient` failures (PostgreSQL away, a deadlock) are retried
 * for as long as they last; any other is `attempt` n of `parkAfterAttempts`, after which the event
 * is parked. The original error is the `cause`.
 */
export class IncidentEventFailure extends Error {
  readonly eventId: string;
  readonly incidentId: string;
  readonly transient: boolean;
  readonly attempt: number | null;

  constructor(event: IncidentEventFact, cause: unknown, attempt: number | null) {
    const what = attempt === null ? 'transient failure' : `attempt ${attempt}`;
    const message = `incident event ${event.eventId} of incident ${event.incidentId} failed (${what})`;
    super(`${message}: ${messageOf(cause)}`, { cause });
    this.name = 'IncidentEventFailure';
    this.eventId = event.eventId;
    this.incidentId = event.incidentId;
    this.transient = attempt === null;
    this.attempt = attempt;
  }
}

/**
 * The event at the head failing for a reason of its own, and how often in a row. In memory: the
 * bound only has to stop one event holding up the rest, and the failed transaction has rolled
 * back anyway. A restart starts counting again, and each process counts its own attempts.
 */
export class HeadEventAttempts {
  #failing: { readonly eventId: string; readonly attempts: number } | undefined;

  /** Counts one more failed attempt at `eventId` and returns how many in a row it has failed. */
  count(eventId: string): number {
    const attempts = (this.#failing?.eventId === eventId ? this.#failing.attempts : 0) + 1;
    this.#failing = { eventId, attempts };
    return attempts;
  }

  /** The head event was handled, parked or taken by another process: the next one starts at zero. */
  clear(): void {
    this.#failing = undefined;
  }
}

/**
 * SQLSTATEs that blame the moment, not the event: a serialization failure or deadlock (40001,
 * 40P01), a lock not available (55P03), the server short of resources (class 53: disk, memory,
 * connections).
 */
const TRANSIENT_SQLSTATES = /^(40001|40P01|55P03|53[0-9A-Z]{3})$/;

/**
 * Whether the dispatcher's failure is the database's rather than the event's: PostgreSQL away
 * (`isPostgresUnavailable`: refused, reset, terminated, class 08, 57P01–57P03) or one of
 * `TRANSIENT_SQLSTATES` in the cause chain (the store wraps 40001/40P01 as `conflict`). Such a
 * failure is retried from the cursor for as long as it lasts and never parks an event.
 */
export function isTransientDispatchFailure(error: unknown): boolean {
  if (isPostgresUnavailable(error)) return true;
  let current = error;
  for (let depth = 0; current instanceof Error && depth <= 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_SQLSTATES.test(code)) return true;
    current = current.cause;
  }
  return false;
}

/** The failure's code for the parked row: a typed error's (`WorkOrderStoreError`) or the SQLSTATE. */
export function codeOf(error: unknown): string | null {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : null;
}

/** The message, with PostgreSQL's detail (e.g. the row a constraint refused) when it gives one. */
export function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const detail = (error as { detail?: unknown }).detail;
  return typeof detail === 'string' && detail !== '' ? `${error.message} (${detail})` : error.message;
}
