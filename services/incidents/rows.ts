import type { PoolClient } from 'pg';
import type { Incident, IncidentEvent, IncidentEventKind } from './types.ts';

/** Row mapping and the few statements shared by every transition. */

interface IncidentRow {
  id: string;
  rule_id: string;
  rule_version: number;
  equipment_id: string;
  building_code: string;
  category: string;
  severity: Incident['severity'];
  state: Incident['state'];
  title: Incident['title'];
  first_seen: Date;
  last_seen: Date;
  activated_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  cleared_at: Date | null;
  closed_at: Date | null;
  closed_by: string | null;
  occurrences: number;
  trigger_value: number | null;
  peak_value: number | null;
  evidence: unknown;
  reactivation_window_s: number;
  created_at: Date;
}

interface EventRow {
  id: string;
  incident_id: string;
  at: Date;
  kind: IncidentEventKind;
  actor: string;
  detail: Record<string, unknown>;
  recorded_at: Date;
}

export function toIncident(row: IncidentRow): Incident {
  return {
    id: row.id,
    ruleId: row.rule_id,
    ruleVersion: row.rule_version,
    equipmentId: row.equipment_id,
    buildingCode: row.building_code,
    category: row.category,
    severity: row.severity,
    state: row.state,
    title: row.title,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    activatedAt: row.activated_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    clearedAt: row.cleared_at,
    closedAt: row.closed_at,
    closedBy: row.closed_by,
    occurrences: row.occurrences,
    triggerValue: row.trigger_value,
    peakValue: row.peak_value,
    evidence: row.evidence,
    reactivationWindowS: row.reactivation_window_s,
    createdAt: row.created_at,
  };
}

export function toEvent(row: EventRow): IncidentEvent {
  return {
    id: row.id,
    incidentId: row.incident_id,
    at: row.at,
    kind: row.kind,
    actor: row.actor,
    detail: row.detail,
    recordedAt: row.recorded_at,
  };
}

type Queryable = Pick<PoolClient, 'query'>;

export async function selectIncident(
  db: Queryable,
  id: string,
  forUpdate = false,
): Promise<Incident | undefined> {
  // Ids are bigint; anything else cannot exist, and must not reach the cast.
  if (!/^[0-9]{1,18}$/.test(id)) return undefined;
  const { rows } = await db.query<IncidentRow>(
    `select * from incidents where id = $1${forUpdate ? ' for update' : ''}`,
    [id],
  );
  return rows[0] ? toIncident(rows[0]) : undefined;
}

export async function selectOpenForUpdate(
  db: Queryable,
  ruleId: string,
  equipmentId: string,
): Promise<Incident | undefined> {
  const { rows } = await db.query<IncidentRow>(
    `select * from incidents where rule_id = $1 and equipment_id = $2 and state <> 'closed' for update`,
    [ruleId, equipmentId],
  );
  return rows[0] ? toIncident(rows[0]) : undefined;
}

/** Runs an update or insert `… returning *` on incidents and maps the row. */
export async function returningIncident(db: Queryable, sql: string, params: unknown[]): Promise<Incident> {
  const { rows } = await db.query<IncidentRow>(sql, params);
  const row = rows[0];
  if (!row) throw new Error('incident statement returned no row');
  return toIncident(row);
}

export async function selectEvents(db: Queryable, incidentId: string): Promise<IncidentEvent[]> {
  const { rows } = await db.query<EventRow>(
    'select * from incident_events where incident_id = $1 order by id',
    [incidentId],
  );
  return rows.map(toEvent);
}

export interface NewEvent {
  readonly incidentId: string;
  readonly at: Date;
  readonly kind: IncidentEventKind;
  readonly actor: string;
  readonly detail: Record<string, unknown>;
  readonly deliveryKey: string | null;
  readonly recordedAt: Date;
}

export async function insertEvent(db: Queryable, event: NewEvent): Promise<void> {
  await db.query(
    `insert into incident_events (incident_id, at, kind, actor, detail, delivery_key, recorded_at)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [
      event.incidentId,
      event.at,
      event.kind,
      event.actor,
      JSON.stringify(event.detail),
      event.deliveryKey,
      event.recordedAt,
    ],
  );
}
