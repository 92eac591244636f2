import type { WorkOrderState } from '../domain/index.ts';
import {
  type BreachRow,
  GROUP_OPEN_STATES,
  isOrderId,
  type LinkedIncident,
  type NoteRow,
  type NoteView,
  type OrderRow,
  type Queryable,
  type RecordedBreach,
  type TransitionEntry,
  type TransitionRow,
  toNoteView,
  toOrderView,
  toRecordedBreach,
  toTransitionEntry,
  type WorkOrderView,
} from './rows.ts';

/** Read statements shared by the store's reads and its transactions. */

export async function selectOrder(
  db: Queryable,
  orderId: string,
  forUpdate = false,
): Promise<WorkOrderView | undefined> {
  if (!isOrderId(orderId)) return undefined;
  const { rows } = await db.query<OrderRow>(
    `select * from work_orders where id = $1${forUpdate ? ' for update' : ''}`,
    [orderId],
  );
  return rows[0] ? toOrderView(rows[0]) : undefined;
}

export async function selectTransitions(db: Queryable, orderId: string): Promise<TransitionEntry[]> {
  const { rows } = await db.query<TransitionRow>(
    'select seq, record, recorded_at from work_order_transitions where order_id = $1 order by seq',
    [orderId],
  );
  return rows.map(toTransitionEntry);
}

export async function selectNotes(db: Queryable, orderId: string): Promise<NoteView[]> {
  const { rows } = await db.query<NoteRow>('select * from work_order_notes where order_id = $1 order by id', [
    orderId,
  ]);
  return rows.map(toNoteView);
}

export async function selectBreaches(db: Queryable, orderId: string): Promise<RecordedBreach[]> {
  const { rows } = await db.query<BreachRow>(
    'select * from sla_events where order_id = $1 order by leg, deadline, target',
    [orderId],
  );
  return rows.map(toRecordedBreach);
}

/** Breaches whose deadline fell in [fromMs, toMs), of one vendor or all, latest deadline first. */
export async function selectBreachesBetween(
  db: Queryable,
  range: { fromMs: number; toMs: number; vendorId?: string; limit?: number },
): Promise<RecordedBreach[]> {
  const { rows } = await db.query<BreachRow>(
    `select * from sla_events
      where deadline >= $1 and deadline < $2 and ($3::text is null or vendor_id = $3)
      order by deadline desc, order_id desc, target limit $4`,
    [new Date(range.fromMs), new Date(range.toMs), range.vendorId ?? null, range.limit ?? 1_000],
  );
  return rows.map(toRecordedBreach);
}

/**
 * The incident episodes behind an order, with each incident's state now. `incidents` belongs to
 * the incidents service; this is a read of its row by key, never a write.
 */
export async function selectLinkedIncidents(db: Queryable, orderId: string): Promise<LinkedIncident[]> {
  const { rows } = await db.query<{
    incident_id: string;
    activation_event_id: string;
    linked_at: Date;
    state: string;
  }>(
    `select l.incident_id, l.activation_event_id, l.linked_at, i.state
     from work_order_incidents l join incidents i on i.id = l.incident_id
     where l.order_id = $1 order by l.linked_at, l.activation_event_id`,
    [orderId],
  );
  return rows.map((row) => ({
    incidentId: row.incident_id,
    activationEventId: row.activation_event_id,
    linkedAtMs: row.linked_at.getTime(),
    incidentState: row.state,
  }));
}

/** Whether any incident linked to the order is still active or acknowledged (not cleared). */
export async function anyIncidentActive(db: Queryable, orderId: string): Promise<boolean> {
  const { rows } = await db.query<{ active: boolean }>(
    `select exists (
       select 1 from work_order_incidents l join incidents i on i.id = l.incident_id
       where l.order_id = $1 and i.state in ('active', 'acknowledged')
     ) as active`,
    [orderId],
  );
  return rows[0]?.active ?? false;
}

/**
 * The order the latest episode of an incident of this rule and equipment was linked to: where a
 * repeat of the same fault (重复故障) belongs. Episodes of one pair are written one at a time by
 * the incidents service, so the highest activation event is the latest.
 */
export async function selectLatestOrderOfFault(
  db: Queryable,
  ruleId: string,
  equipmentId: string,
): Promise<
  { orderId: string; state: WorkOrderState; closedAtMs: number | null; groupKey: string | null } | undefined
> {
  const { rows } = await db.query<Pick<OrderRow, 'id' | 'state' | 'closed_at' | 'group_key'>>(
    `select o.id, o.state, o.closed_at, o.group_key
     from incidents i
       join work_order_incidents l on l.incident_id = i.id
       join work_orders o on o.id = l.order_id
     where i.rule_id = $1 and i.equipment_id = $2
     order by l.activation_event_id desc limit 1`,
    [ruleId, equipmentId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    orderId: row.id,
    state: row.state,
    closedAtMs: row.closed_at === null ? null : row.closed_at.getTime(),
    groupKey: row.group_key,
  };
}

/** The open order of a daily group (at most one, by the unique index), if any. */
export async function selectOpenGroupOrder(db: Queryable, groupKey: string): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(
    'select id from work_orders where group_key = $1 and state = any($2::text[])',
    [groupKey, GROUP_OPEN_STATES],
  );
  return rows[0]?.id;
}
