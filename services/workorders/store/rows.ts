import type { PoolClient } from 'pg';
import type { ServiceCategory, Severity } from '../../../config/schema/common.ts';
import type {
  Actor,
  OfficeQueueReason,
  Route,
  SlaProfile,
  SlaTarget,
  TransitionRecord,
  WorkOrder,
  WorkOrderState,
} from '../domain/index.ts';

/** What the store's statements need: a pool or a client inside a transaction. */
export type Queryable = Pick<PoolClient, 'query'>;

/** A work order as stored: the domain's order (`order`) and the columns kept beside it for listing. */
export interface WorkOrderView {
  /** bigint in PostgreSQL, handed out as a string. */
  readonly id: string;
  readonly state: WorkOrderState;
  readonly buildingCode: string;
  readonly category: ServiceCategory;
  readonly severity: Severity;
  readonly slaProfile: SlaProfile | null;
  /** How the order was routed when it was created. */
  readonly route: Route;
  /** Set while the order waits in the facilities office's own queue (created, never dispatched). */
  readonly officeQueueReason: OfficeQueueReason | null;
  /** The daily group whose later incidents join this order; null once another order holds the group. */
  readonly groupKey: string | null;
  /** The current assignment's vendor and contract (the last one while rejected); null before dispatch. */
  readonly vendorId: string | null;
  readonly contractId: string | null;
  /** The domain's WorkOrder after the latest transition (incident ids include later joins). */
  readonly order: WorkOrder;
  /** When the SLA timers must look at the order next; null when no deadline runs. */
  readonly nextCheckAtMs: number | null;
  readonly createdAtMs: number;
  /** The latest transition's instant. */
  readonly updatedAtMs: number;
  readonly closedAtMs: number | null;
}

/** One row of the history: the domain's record, its number within the order and when it was written. */
export interface TransitionEntry {
  readonly seq: number;
  readonly record: TransitionRecord;
  readonly recordedAtMs: number;
}

export const NOTE_KINDS = ['note', 'comment', 'resolution'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

/** A file kept elsewhere (object store, document system): the reference, never the bytes. */
export interface AttachmentRef {
  readonly name: string;
  readonly uri: string;
  readonly sha256?: string;
}

/** What a resolution note says: the cause found and the action taken. */
export interface Resolution {
  readonly cause: string;
  readonly actionTaken: string;
}

export interface NoteView {
  readonly id: string;
  readonly orderId: string;
  readonly atMs: number;
  readonly actor: Actor;
  readonly kind: NoteKind;
  readonly body: string;
  readonly attachments: readonly AttachmentRef[];
  /** For a `resolution` note, its body read back as cause and action taken. */
  readonly resolution?: Resolution;
}

/** An incident episode behind an order: the incident row and the event that opened or re-opened it. */
export interface LinkedIncident {
  readonly incidentId: string;
  readonly activationEventId: string;
  readonly linkedAtMs: number;
  /** The incident row's state now (`active`, `acknowledged`, `cleared`, `closed`). */
  readonly incidentState: string;
}

/** A breach recorded in `sla_events` (超时), once per order, leg and target. */
export interface RecordedBreach {
  readonly orderId: string;
  readonly leg: number;
  readonly target: SlaTarget;
  readonly vendorId: string;
  readonly contractId: string;
  readonly severity: Severity;
  readonly category: string;
  readonly deadlineMs: number;
  readonly detectedAtMs: number;
  /** Minutes over at detection, on the target's clock (working minutes for a working-hours SLA). */
  readonly minutesOver: number;
  readonly provisional: boolean;
}

export interface OrderRow {
  id: string;
  state: WorkOrderState;
  building_code: string;
  category: ServiceCategory;
  severity: Severity;
  sla_profile: SlaProfile | null;
  route: Route;
  office_queue_reason: OfficeQueueReason | null;
  group_key: string | null;
  vendor_id: string | null;
  contract_id: string | null;
  snapshot: WorkOrder;
  next_check_at: Date | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
}

export interface TransitionRow {
  seq: number;
  record: TransitionRecord;
  recorded_at: Date;
}

export interface NoteRow {
  id: string;
  order_id: string;
  at: Date;
  actor_role: Actor['role'];
  actor_user: string | null;
  actor_vendor: string | null;
  kind: NoteKind;
  body: string;
  attachments: AttachmentRef[];
}

export interface BreachRow {
  order_id: string;
  leg: number;
  target: SlaTarget;
  vendor_id: string;
  contract_id: string;
  severity: Severity;
  category: string;
  deadline: Date;
  detected_at: Date;
  minutes_over: number;
  provisional: boolean;
}

const ms = (date: Date | null): number | null => (date === null ? null : date.getTime());

export function toOrderView(row: OrderRow): WorkOrderView {
  return {
    id: row.id,
    state: row.state,
    buildingCode: row.building_code,
    category: row.category,
    severity: row.severity,
    slaProfile: row.sla_profile,
    route: row.route,
    officeQueueReason: row.office_queue_reason,
    groupKey: row.group_key,
    vendorId: row.vendor_id,
    contractId: row.contract_id,
    order: row.snapshot,
    nextCheckAtMs: ms(row.next_check_at),
    createdAtMs: row.created_at.getTime(),
    updatedAtMs: row.updated_at.getTime(),
    closedAtMs: ms(row.closed_at),
  };
}

export function toTransitionEntry(row: TransitionRow): TransitionEntry {
  return { seq: row.seq, record: row.record, recordedAtMs: row.recorded_at.getTime() };
}

export function toNoteView(row: NoteRow): NoteView {
  const base = {
    id: row.id,
    orderId: row.order_id,
    atMs: row.at.getTime(),
    actor: actorOf(row.actor_role, row.actor_user, row.actor_vendor),
    kind: row.kind,
    body: row.body,
    attachments: row.attachments,
  };
  const resolution = row.kind === 'resolution' ? parseResolution(row.body) : undefined;
  return resolution ? { ...base, resolution } : base;
}

export function toRecordedBreach(row: BreachRow): RecordedBreach {
  return {
    orderId: row.order_id,
    leg: row.leg,
    target: row.target,
    vendorId: row.vendor_id,
    contractId: row.contract_id,
    severity: row.severity,
    category: row.category,
    deadlineMs: row.deadline.getTime(),
    detectedAtMs: row.detected_at.getTime(),
    minutesOver: row.minutes_over,
    provisional: row.provisional,
  };
}

/** The actor columns of transitions and notes. */
export function actorColumns(actor: Actor): {
  role: Actor['role'];
  user: string | null;
  vendor: string | null;
} {
  if (actor.role === 'system') return { role: 'system', user: null, vendor: null };
  if (actor.role === 'vendor_user') return { role: actor.role, user: actor.userId, vendor: actor.vendorId };
  return { role: actor.role, user: actor.userId, vendor: null };
}

export function actorOf(role: Actor['role'], user: string | null, vendor: string | null): Actor {
  if (role === 'system') return { role };
  if (role === 'vendor_user') return { role, userId: user ?? '', vendorId: vendor ?? '' };
  return { role, userId: user ?? '' };
}

/** The snapshot columns that follow from the domain's order. */
export function orderColumns(order: WorkOrder): {
  state: WorkOrderState;
  vendorId: string | null;
  contractId: string | null;
  officeQueueReason: OfficeQueueReason | null;
  closedAt: Date | null;
} {
  return {
    state: order.state,
    vendorId: order.assignment?.vendorId ?? null,
    contractId: order.assignment?.contractId ?? null,
    officeQueueReason: officeQueueReasonOf(order),
    closedAt: order.closedAtMs === null ? null : new Date(order.closedAtMs),
  };
}

/** An order sits in the office's queue while it was routed there and nobody has dispatched or cancelled it. */
export function officeQueueReasonOf(order: Pick<WorkOrder, 'route' | 'state'>): OfficeQueueReason | null {
  return order.route.kind === 'office_queue' && order.state === 'created' ? order.route.reason : null;
}

/** The daily group a new order opens, from its route. */
export function groupKeyOf(route: Route): string | null {
  return route.kind === 'contract' && route.dispatch === 'daily_group' ? route.groupKey : null;
}

/**
 * States in which an order of a daily group still collects the group's incidents (the partial
 * unique index `work_orders_one_open_group` of the migration lists the others).
 */
export const GROUP_OPEN_STATES: readonly WorkOrderState[] = [
  'created',
  'dispatched',
  'accepted',
  'on_site',
  'paused',
  'rejected',
];

/**
 * A resolution note's body: cause and action taken as one JSON object, so both come back apart.
 * The table has a single text body (1–4000 characters); the service bounds each part.
 */
export function resolutionBody(resolution: Resolution): string {
  return JSON.stringify({ cause: resolution.cause, actionTaken: resolution.actionTaken });
}

export function parseResolution(body: string): Resolution | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { cause, actionTaken } = parsed as Record<string, unknown>;
    return typeof cause === 'string' && typeof actionTaken === 'string' ? { cause, actionTaken } : undefined;
  } catch {
    return undefined;
  }
}

/** Ids are bigint; anything else cannot exist and must not reach the cast. */
export const isOrderId = (id: string): boolean => /^[1-9][0-9]{0,17}$/.test(id);
