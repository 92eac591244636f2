import type { CalendarFor } from '../calendars.ts';
import type { WorkOrderChange } from '../changes.ts';
import {
  type Actor,
  createWorkOrder,
  type NewWorkOrder,
  type SlaReport,
  slaStatus,
  type TransitionContext,
  type TransitionRecord,
  transition,
  type WorkOrderAction,
} from '../domain/index.ts';
import { type CreatedRoute, createdRouteOf } from '../metrics.ts';
import { asStoreError, orderNotFound, WorkOrderStoreError } from './errors.ts';
import { anyIncidentActive, selectOrder, selectTransitions } from './queries.ts';
import {
  type AttachmentRef,
  actorColumns,
  type BreachRow,
  GROUP_OPEN_STATES,
  groupKeyOf,
  type NoteKind,
  type NoteRow,
  type NoteView,
  type OrderRow,
  orderColumns,
  type Queryable,
  type RecordedBreach,
  type TransitionEntry,
  toNoteView,
  toOrderView,
  toRecordedBreach,
  type WorkOrderView,
} from './rows.ts';

/** A transition as committed: the order after it, the record and its number within the order. */
export interface AppliedTransition {
  readonly order: WorkOrderView;
  readonly record: TransitionRecord;
  readonly seq: number;
}

export interface NewNote {
  readonly kind: NoteKind;
  readonly body: string;
  readonly attachments?: readonly AttachmentRef[];
}

/** What `recordBreaches` did: the breaches newly recorded and when to look at the order again. */
export interface BreachCheck {
  readonly recorded: readonly RecordedBreach[];
  readonly nextCheckAtMs: number | null;
}

/**
 * The store's writes inside one open PostgreSQL transaction (`WorkOrderStore.transaction`). Each
 * write locks the order's row `for update` first, so writers of one order queue behind each
 * other. Changes are collected here and published by the store only after the commit.
 */
export class WorkOrderTransaction {
  /** The client the transaction runs on, for statements of the caller's own (the dispatcher's cursor). */
  readonly client: Queryable;
  readonly changes: WorkOrderChange[] = [];
  readonly createdRoutes: CreatedRoute[] = [];
  readonly breaches: RecordedBreach[] = [];
  readonly #calendarFor: CalendarFor;
  readonly #nowMs: () => number;

  constructor(client: Queryable, options: { calendarFor: CalendarFor; nowMs: () => number }) {
    this.client = client;
    this.#calendarFor = options.calendarFor;
    this.#nowMs = options.nowMs;
  }

  /** A new order in `created`, with its first transition record (seq 1). */
  async create(input: NewWorkOrder, actor: Actor, atMs: number): Promise<AppliedTransition> {
    const result = createWorkOrder(input, actor, atMs);
    if (!result.ok) throw WorkOrderStoreError.fromDomain(result.error);
    const { order, record } = result;
    const columns = orderColumns(order);
    const { rows } = await this.client.query<OrderRow>(
      `insert into work_orders (state, building_code, category, severity, sla_profile, route,
         office_queue_reason, group_key, vendor_id, contract_id, snapshot, next_check_at, created_at,
         updated_at, closed_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, null, $12, $12, null)
       returning *`,
      [
        columns.state,
        order.buildingCode,
        order.category,
        order.severity,
        order.slaProfile,
        JSON.stringify(order.route),
        columns.officeQueueReason,
        groupKeyOf(order.route),
        columns.vendorId,
        columns.contractId,
        JSON.stringify(order),
        new Date(atMs),
      ],
    );
    const row = rows[0];
    if (!row) throw new Error('insert into work_orders returned no row');
    await this.#insertTransition(row.id, 1, record);
    this.createdRoutes.push(createdRouteOf(order.route));
    this.changes.push({
      orderId: row.id,
      vendorId: columns.vendorId,
      state: order.state,
      action: 'create',
      atMs,
      seq: 1,
    });
    return { order: toOrderView(row), record, seq: 1 };
  }

  /**
   * One action on the locked order through the domain's `transition`: the record (seq = previous
   * + 1), the snapshot row and `next_check_at`. A vendor user's request on an order that is not
   * its vendor's is `not_found`; the domain's rejections come through with their codes.
   */
  async apply(
    orderId: string,
    action: WorkOrderAction,
    actor: Actor,
    atMs: number,
    context: TransitionContext = {},
  ): Promise<AppliedTransition> {
    const current = await this.lock(orderId, actor);
    const history = await selectTransitions(this.client, orderId);
    const result = transition(current.order, action, actor, atMs, context);
    if (!result.ok) throw WorkOrderStoreError.fromDomain(result.error);
    const { order, record } = result;
    const seq = history.length + 1;
    await this.#insertTransition(orderId, seq, record);
    const records = [...history.map((entry) => entry.record), record];
    const nextCheckAtMs = await this.#nextCheckAfterTransition(orderId, current, records, atMs);
    const columns = orderColumns(order);
    const { rows } = await this.client.query<OrderRow>(
      `update work_orders set state = $2, vendor_id = $3, contract_id = $4, office_queue_reason = $5,
         group_key = $6, snapshot = $7, next_check_at = $8, updated_at = $9, closed_at = $10
       where id = $1 returning *`,
      [
        orderId,
        columns.state,
        columns.vendorId,
        columns.contractId,
        columns.officeQueueReason,
        await this.#groupKeyAfter(current, order.state),
        JSON.stringify(order),
        nextCheckAtMs === null ? null : new Date(nextCheckAtMs),
        new Date(order.updatedAtMs),
        columns.closedAt,
      ],
    );
    const row = rows[0];
    if (!row) throw orderNotFound(orderId);
    const previousVendorId =
      current.vendorId !== null && current.vendorId !== columns.vendorId ? current.vendorId : undefined;
    this.changes.push({
      orderId,
      vendorId: columns.vendorId,
      ...(previousVendorId === undefined ? {} : { previousVendorId }),
      state: order.state,
      action: record.action,
      atMs,
      seq,
    });
    return { order: toOrderView(row), record, seq };
  }

  /** Locks the order's row; a vendor user only finds orders assigned to its vendor. */
  async lock(orderId: string, actor?: Actor): Promise<WorkOrderView> {
    const order = await selectOrder(this.client, orderId, true);
    if (!order || !visibleTo(order, actor)) throw orderNotFound(orderId);
    return order;
  }

  /** The order's records in order, as `slaStatus` reads them. */
  async timeline(orderId: string): Promise<TransitionEntry[]> {
    return selectTransitions(this.client, orderId);
  }

  /** Whether an incident of the order is still active (for `context.incidentActive` of resolve). */
  incidentActive(orderId: string): Promise<boolean> {
    return anyIncidentActive(this.client, orderId);
  }

  /**
   * Links an incident episode to the order; the incident joins the order's `incidentIds`. A second
   * link of the same activation event (a redelivery) changes nothing and returns false.
   */
  async linkIncident(
    orderId: string,
    incidentId: string,
    activationEventId: string,
    atMs: number,
  ): Promise<boolean> {
    const linked = await this.client.query(
      `insert into work_order_incidents (order_id, incident_id, activation_event_id, linked_at)
       values ($1, $2, $3, $4) on conflict do nothing`,
      [orderId, incidentId, activationEventId, new Date(atMs)],
    );
    if (linked.rowCount === 0) return false;
    const { rows } = await this.client.query<Pick<OrderRow, 'state' | 'vendor_id'>>(
      `update work_orders set snapshot = case
           when snapshot -> 'incidentIds' ? $2 then snapshot
           else jsonb_set(snapshot, '{incidentIds}', (snapshot -> 'incidentIds') || to_jsonb($2::text))
         end
       where id = $1 returning state, vendor_id`,
      [orderId, incidentId],
    );
    const row = rows[0];
    if (!row) throw orderNotFound(orderId);
    this.changes.push({
      orderId,
      vendorId: row.vendor_id,
      state: row.state,
      action: 'incident_linked',
      atMs,
    });
    return true;
  }

  /** A note, comment or resolution on the order, with references to attachments (never the bytes). */
  async addNote(orderId: string, actor: Actor, note: NewNote, atMs: number): Promise<NoteView> {
    const order = await this.lock(orderId, actor);
    const who = actorColumns(actor);
    const { rows } = await this.client.query<NoteRow>(
      `insert into work_order_notes (order_id, at, actor_role, actor_user, actor_vendor, kind, body, attachments)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning *`,
      [
        orderId,
        new Date(atMs),
        who.role,
        who.user,
        who.vendor,
        note.kind,
        note.body,
        JSON.stringify(note.attachments ?? []),
      ],
    );
    const row = rows[0];
    if (!row) throw new Error('insert into work_order_notes returned no row');
    this.changes.push({ orderId, vendorId: order.vendorId, state: order.state, action: 'note', atMs });
    return toNoteView(row);
  }

  /**
   * Records, once, every SLA target of the order that reads `breached` at `nowMs` (a target
   * already in `sla_events` is skipped by its unique key), and sets `next_check_at` to the next
   * running deadline + 1 ms. `nowMs` earlier than the last transition (clocks of two processes
   * apart) is taken as that transition's instant.
   */
  async recordBreaches(orderId: string, nowMs: number): Promise<BreachCheck> {
    const order = await this.lock(orderId);
    const records = (await selectTransitions(this.client, orderId)).map((entry) => entry.record);
    const atMs = Math.max(nowMs, records.at(-1)?.atMs ?? nowMs);
    const report = this.#slaStatus(order.buildingCode, records, atMs);
    const recorded: RecordedBreach[] = [];
    for (const target of report.targets) {
      // A breached target always has its deadline; a null one would be a paused target.
      if (target.state !== 'breached' || target.deadlineMs === null) continue;
      const { rows } = await this.client.query<BreachRow>(
        `insert into sla_events (order_id, leg, target, vendor_id, contract_id, severity, category,
           deadline, detected_at, minutes_over, provisional)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         on conflict (order_id, leg, target) do nothing
         returning *`,
        [
          orderId,
          target.leg,
          target.target,
          target.vendorId,
          target.contractId,
          order.severity,
          order.category,
          new Date(target.deadlineMs),
          new Date(atMs),
          target.minutesOver,
          target.provisional,
        ],
      );
      if (rows[0]) recorded.push(toRecordedBreach(rows[0]));
    }
    await this.client.query('update work_orders set next_check_at = $2 where id = $1', [
      orderId,
      report.nextCheckAtMs === null ? null : new Date(report.nextCheckAtMs),
    ]);
    this.breaches.push(...recorded);
    return { recorded, nextCheckAtMs: report.nextCheckAtMs };
  }

  async #insertTransition(orderId: string, seq: number, record: TransitionRecord): Promise<void> {
    const who = actorColumns(record.actor);
    await this.client.query(
      `insert into work_order_transitions (order_id, seq, action, from_state, to_state, at, actor_role,
         actor_user, actor_vendor, reason, record, recorded_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        orderId,
        seq,
        record.action,
        record.from,
        record.to,
        new Date(record.atMs),
        who.role,
        who.user,
        who.vendor,
        record.reason,
        JSON.stringify(record),
        new Date(this.#nowMs()),
      ],
    );
  }

  /**
   * The next instant the timers must look: the first running deadline + 1 ms, or now when a
   * target already reads breached and is not yet recorded (e.g. accepted late before the timer
   * fired), so every breach goes through `recordBreaches` and is counted and notified once.
   */
  async #nextCheckAfterTransition(
    orderId: string,
    order: WorkOrderView,
    records: readonly TransitionRecord[],
    atMs: number,
  ): Promise<number | null> {
    const report = this.#slaStatus(order.buildingCode, records, atMs);
    const breached = report.targets.filter((target) => target.state === 'breached');
    if (breached.length > 0) {
      const { rows } = await this.client.query<{ leg: number; target: string }>(
        'select leg, target from sla_events where order_id = $1',
        [orderId],
      );
      const done = new Set(rows.map((row) => `${row.leg}/${row.target}`));
      if (breached.some((target) => !done.has(`${target.leg}/${target.target}`))) return atMs;
    }
    return report.nextCheckAtMs;
  }

  /**
   * An order of a daily group coming back to work (fail_verification, reopen) collects the
   * group's incidents again, unless another order took the group meanwhile: then it leaves the
   * group (its route still names it) so the one-open-order-per-group index holds.
   */
  async #groupKeyAfter(current: WorkOrderView, to: WorkOrderView['state']): Promise<string | null> {
    const key = current.groupKey;
    if (key === null || GROUP_OPEN_STATES.includes(current.state) || !GROUP_OPEN_STATES.includes(to)) {
      return key;
    }
    const { rows } = await this.client.query(
      'select 1 from work_orders where group_key = $1 and id <> $2 and state = any($3::text[])',
      [key, current.id, GROUP_OPEN_STATES],
    );
    return rows.length > 0 ? null : key;
  }

  #slaStatus(buildingCode: string, records: readonly TransitionRecord[], atMs: number): SlaReport {
    try {
      return slaStatus(records, this.#calendarFor(buildingCode), atMs);
    } catch (error) {
      throw asStoreError(error);
    }
  }
}

/** Vendor users see only the orders assigned to their vendor; everyone else sees every order. */
export function visibleTo(order: Pick<WorkOrderView, 'vendorId'>, actor: Actor | undefined): boolean {
  return actor?.role !== 'vendor_user' || order.vendorId === actor.vendorId;
}
