import { isOrderId, type Queryable } from './rows.ts';

/**
 * The dispatcher's parked incident events (`migrations/002_parked_events.sql`): events whose
 * handling failed for a reason of their own on every attempt, passed over so later incidents
 * still become orders, kept here for a person to look at and re-dispatch.
 */

/** What the dispatcher records when it parks an event (with the cursor moved past it). */
export interface NewParkedEvent {
  readonly consumer: string;
  readonly eventId: string;
  readonly incidentId: string;
  readonly kind: string;
  readonly errorCode: string | null;
  readonly errorMessage: string;
  readonly attempts: number;
  readonly parkedAtMs: number;
}

export interface ParkedEvent extends NewParkedEvent {
  readonly parkedId: string;
  /**
   * The order the event's episode is linked to now (`work_order_incidents.activation_event_id`):
   * set once it was re-dispatched (or handled by a cursor moved back), null while it waits.
   */
  readonly orderId: string | null;
  /** The last time a person re-dispatched it, and what that came to; null while it was not. */
  readonly redispatched: { readonly outcome: string; readonly atMs: number } | null;
}

/** A re-dispatch of a parked event, as `work_order_parked_redispatches` records it. */
export interface NewRedispatch {
  readonly consumer: string;
  readonly eventId: string;
  readonly outcome: string;
  readonly orderId: string | null;
  readonly atMs: number;
}

export interface ParkedEventFilter {
  /** One dispatcher's cursor (`work_order_cursors.consumer`); all of them by default. */
  readonly consumer?: string;
  /** Only events still waiting for a person: not linked to an order, and not re-dispatched. */
  readonly pending?: boolean;
  /** Oldest first; default 100, at most 1 000. */
  readonly limit?: number;
}

/** Long messages (a stack in a message, a huge constraint detail) are cut: the row is for a person. */
const MAX_MESSAGE_CHARS = 2_000;

interface ParkedRow {
  id: string;
  consumer: string;
  event_id: string;
  incident_id: string;
  event_kind: string;
  error_code: string | null;
  error_message: string;
  attempts: number;
  parked_at: Date;
  order_id: string | null;
  redispatch_outcome: string | null;
  redispatched_at: Date | null;
}

const PARKED_COLUMNS = `p.id, p.consumer, p.event_id, p.incident_id, p.event_kind, p.error_code, p.error_message,
  p.attempts, p.parked_at,
  (select l.order_id from work_order_incidents l where l.activation_event_id = p.event_id) as order_id,
  r.outcome as redispatch_outcome, r.redispatched_at`;

/** The latest re-dispatch of the parked row's event by its consumer, if any. */
const LATEST_REDISPATCH = `left join lateral (
    select r.outcome, r.redispatched_at from work_order_parked_redispatches r
    where r.consumer = p.consumer and r.event_id = p.event_id order by r.id desc limit 1
  ) r on true`;

const toParkedEvent = (row: ParkedRow): ParkedEvent => ({
  parkedId: row.id,
  consumer: row.consumer,
  eventId: row.event_id,
  incidentId: row.incident_id,
  kind: row.event_kind,
  errorCode: row.error_code,
  errorMessage: row.error_message,
  attempts: row.attempts,
  parkedAtMs: row.parked_at.getTime(),
  orderId: row.order_id,
  redispatched:
    row.redispatch_outcome === null || row.redispatched_at === null
      ? null
      : { outcome: row.redispatch_outcome, atMs: row.redispatched_at.getTime() },
});

export async function insertParkedEvent(db: Queryable, parked: NewParkedEvent): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `insert into work_order_parked_events
       (consumer, event_id, incident_id, event_kind, error_code, error_message, attempts, parked_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
    [
      parked.consumer,
      parked.eventId,
      parked.incidentId,
      parked.kind,
      parked.errorCode,
      parked.errorMessage.slice(0, MAX_MESSAGE_CHARS),
      parked.attempts,
      new Date(parked.parkedAtMs),
    ],
  );
  const row = rows[0];
  if (!row) throw new Error('insert into work_order_parked_events returned no row');
  return row.id;
}

export async function selectParkedEvents(
  db: Queryable,
  filter: ParkedEventFilter = {},
): Promise<ParkedEvent[]> {
  const { rows } = await db.query<ParkedRow>(
    `select ${PARKED_COLUMNS} from work_order_parked_events p ${LATEST_REDISPATCH}
     where ($1::text is null or p.consumer = $1)
       and (not $2 or (r.outcome is null
         and not exists (select 1 from work_order_incidents l where l.activation_event_id = p.event_id)))
     order by p.id limit $3`,
    [filter.consumer ?? null, filter.pending ?? false, Math.max(1, Math.min(filter.limit ?? 100, 1_000))],
  );
  return rows.map(toParkedEvent);
}

/** The latest time `consumer` parked the event, or undefined if it never did. */
export async function selectParkedEvent(
  db: Queryable,
  consumer: string,
  eventId: string,
): Promise<ParkedEvent | undefined> {
  // Event ids are bigints like order ids: anything else was never parked.
  if (!isOrderId(eventId)) return undefined;
  const { rows } = await db.query<ParkedRow>(
    `select ${PARKED_COLUMNS} from work_order_parked_events p ${LATEST_REDISPATCH}
     where p.consumer = $1 and p.event_id = $2 order by p.id desc limit 1`,
    [consumer, eventId],
  );
  return rows[0] ? toParkedEvent(rows[0]) : undefined;
}

/** Records that a person re-dispatched a parked event (in the re-dispatch's transaction). */
export async function insertRedispatch(db: Queryable, redispatch: NewRedispatch): Promise<void> {
  await db.query(
    `insert into work_order_parked_redispatches (consumer, event_id, outcome, order_id, redispatched_at)
     values ($1, $2, $3, $4, $5)`,
    [
      redispatch.consumer,
      redispatch.eventId,
      redispatch.outcome,
      redispatch.orderId,
      new Date(redispatch.atMs),
    ],
  );
}
