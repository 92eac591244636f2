import type { Severity } from '../../config/schema/common.ts';
import type { Queryable } from './store/index.ts';

/**
 * The dispatcher's reads of the incidents service's tables: `incident_events` consumed as an
 * outbox (ids only grow; the row is append-only) and the incident row each event belongs to.
 * Read only, by key, inside the dispatcher's transaction so the cursor moves with the work. They
 * belong in the incidents service as functions (`eventsAfter`) once it offers them.
 */

/** Incident event kinds that open an incident episode, hence a work order (or join one). */
export const ACTIVATION_KINDS = ['fired', 'reactivated'] as const;

export interface IncidentEventFact {
  readonly eventId: string;
  readonly incidentId: string;
  readonly kind: string;
  /** When it happened (the fire's reading time): routing takes the contract in force then. */
  readonly atMs: number;
  readonly ruleId: string;
  readonly equipmentId: string;
  readonly buildingCode: string;
  readonly category: string;
  readonly severity: Severity;
}

/** The first event after `afterId`, with its incident's routing facts. */
export async function nextIncidentEvent(
  db: Queryable,
  afterId: string,
): Promise<IncidentEventFact | undefined> {
  const { rows } = await db.query<{
    id: string;
    incident_id: string;
    kind: string;
    at: Date;
    rule_id: string;
    equipment_id: string;
    building_code: string;
    category: string;
    severity: Severity;
  }>(
    `select e.id, e.incident_id, e.kind, e.at, i.rule_id, i.equipment_id, i.building_code, i.category, i.severity
     from incident_events e join incidents i on i.id = e.incident_id
     where e.id > $1 order by e.id limit 1`,
    [afterId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    eventId: row.id,
    incidentId: row.incident_id,
    kind: row.kind,
    atMs: row.at.getTime(),
    ruleId: row.rule_id,
    equipmentId: row.equipment_id,
    buildingCode: row.building_code,
    category: row.category,
    severity: row.severity,
  };
}

/** Makes sure the consumer has a cursor row (at 0: every event from the first is handled). */
export async function ensureCursor(db: Queryable, consumer: string): Promise<void> {
  await db.query('insert into work_order_cursors (consumer) values ($1) on conflict (consumer) do nothing', [
    consumer,
  ]);
}

/**
 * Locks the consumer's cursor row until the transaction ends and returns the last event id
 * handled: dispatchers in several processes take turns, one event at a time.
 */
export async function lockCursor(db: Queryable, consumer: string): Promise<string> {
  const { rows } = await db.query<{ last_event_id: string }>(
    'select last_event_id from work_order_cursors where consumer = $1 for update',
    [consumer],
  );
  const row = rows[0];
  if (!row) throw new Error(`no cursor for consumer ${consumer}`);
  return row.last_event_id;
}

export async function advanceCursor(db: Queryable, consumer: string, eventId: string): Promise<void> {
  await db.query('update work_order_cursors set last_event_id = $2 where consumer = $1', [consumer, eventId]);
}

/** Whether the episode this event opened is already linked to an order (a redelivery). */
export async function episodeLinked(db: Queryable, eventId: string): Promise<boolean> {
  const { rows } = await db.query('select 1 from work_order_incidents where activation_event_id = $1', [
    eventId,
  ]);
  return rows.length > 0;
}
