import type { ServiceCategory, Severity } from '../../../config/schema/common.ts';
import type { Clock } from '../../runtime/clock.ts';
import { inTransaction, type SqlPool } from '../../runtime/connections/postgres.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { CalendarFor } from '../calendars.ts';
import type { WorkOrderChangeSink } from '../changes.ts';
import {
  type Actor,
  type NewWorkOrder,
  type SlaReport,
  slaStatus,
  type TransitionContext,
  type TransitionRecord,
  type WorkOrderAction,
  type WorkOrderState,
} from '../domain/index.ts';
import type { WorkOrderMetrics } from '../metrics.ts';
import { type PerformanceQuery, type VendorCategoryPerformance, vendorPerformance } from '../performance.ts';
import { asStoreError, orderNotFound, WorkOrderStoreError } from './errors.ts';
import { type OrderHistory, selectHistoriesAsOf } from './histories.ts';
import { type ParkedEvent, type ParkedEventFilter, selectParkedEvents } from './parked.ts';
import {
  anyIncidentActive,
  selectBreaches,
  selectBreachesBetween,
  selectLinkedIncidents,
  selectNotes,
  selectOrder,
  selectTransitions,
} from './queries.ts';
import {
  isOrderId,
  type LinkedIncident,
  type NoteView,
  type OrderRow,
  type RecordedBreach,
  type TransitionEntry,
  toOrderView,
  type WorkOrderView,
} from './rows.ts';
import {
  type AppliedTransition,
  type BreachCheck,
  type NewNote,
  WorkOrderTransaction,
} from './transaction.ts';

export interface WorkOrderStoreOptions {
  readonly pool: SqlPool;
  /** `recorded_at` of transitions, and `now` of the SLA status in `get`. */
  readonly clock: Clock;
  /** The working calendar of an order's building (its site's zone): working-hours SLAs count on it. */
  readonly calendarFor: CalendarFor;
  /** Told about every committed change, after the commit (Redis channel, webhooks). */
  readonly changes?: WorkOrderChangeSink;
  readonly metrics?: WorkOrderMetrics;
  readonly logger?: Logger;
}

/** Everything known about one order. */
export interface WorkOrderDetail {
  readonly order: WorkOrderView;
  readonly transitions: readonly TransitionEntry[];
  readonly notes: readonly NoteView[];
  readonly incidents: readonly LinkedIncident[];
  /** Breaches recorded so far (`sla_events`), with the minutes over at detection. */
  readonly breaches: readonly RecordedBreach[];
  /** The SLA status now (the clock's), computed from the transitions. */
  readonly sla: SlaReport;
}

export interface WorkOrderFilter {
  readonly vendorId?: string;
  readonly contractId?: string;
  readonly states?: readonly WorkOrderState[];
  readonly buildingCode?: string;
  readonly category?: ServiceCategory;
  readonly severity?: Severity;
  /** true: only orders waiting in the office's queue; false: only the others. */
  readonly officeQueue?: boolean;
  /** Orders an incident is linked to. */
  readonly incidentId?: string;
  /** Created at or after / before (ms). */
  readonly createdFromMs?: number;
  readonly createdBeforeMs?: number;
  /** Newest change first; default 100, at most 1 000. */
  readonly limit?: number;
  readonly offset?: number;
}

/** An order with a running SLA deadline, and the history its status is computed from. */
export interface OrderTimeline {
  readonly orderId: string;
  readonly buildingCode: string;
  readonly nextCheckAtMs: number;
  readonly records: readonly TransitionRecord[];
}

/**
 * Work orders in PostgreSQL over the tables of `migrations/001_workorders.sql`. Every write runs
 * the domain (`createWorkOrder`, `transition`) on the row locked `for update`, appends the
 * transition record, updates the snapshot row and `next_check_at`, all in one transaction; the
 * changes are counted and published after the commit.
 */
export class WorkOrderStore {
  readonly #pool: SqlPool;
  readonly #clock: Clock;
  readonly #calendarFor: CalendarFor;
  readonly #changes: WorkOrderChangeSink | undefined;
  readonly #metrics: WorkOrderMetrics | undefined;
  readonly #logger: Logger | undefined;

  constructor(options: WorkOrderStoreOptions) {
    this.#pool = options.pool;
    this.#clock = options.clock;
    this.#calendarFor = options.calendarFor;
    this.#changes = options.changes;
    this.#metrics = options.metrics;
    this.#logger = options.logger;
  }

  /**
   * Runs `work` in one PostgreSQL transaction; commits if it returns, rolls back if it throws.
   * After the commit the collected changes are counted and published (a publishing failure is
   * logged by the sink, never thrown).
   */
  async transaction<T>(work: (tx: WorkOrderTransaction) => Promise<T>): Promise<T> {
    let open: WorkOrderTransaction | undefined;
    let result: T;
    try {
      result = await inTransaction(this.#pool, (client) => {
        open = new WorkOrderTransaction(client, {
          calendarFor: this.#calendarFor,
          nowMs: () => this.#clock.nowMs(),
        });
        return work(open);
      });
    } catch (error) {
      throw storeErrorOf(error);
    }
    const tx = open as WorkOrderTransaction;
    this.#metrics?.count(tx.changes, tx.createdRoutes);
    for (const breach of tx.breaches) this.#metrics?.breaches.inc({ target: breach.target });
    if (this.#changes && tx.changes.length > 0) {
      await this.#changes.publish(tx.changes).catch((error: unknown) => {
        this.#logger?.warn({ err: error }, 'work-order changes not handed on');
      });
    }
    return result;
  }

  /** A new order (`createWorkOrder`) by `actor` at `atMs`; it is then dispatched with `apply`. */
  create(input: NewWorkOrder, actor: Actor, atMs: number): Promise<AppliedTransition> {
    return this.transaction((tx) => tx.create(input, actor, atMs));
  }

  /** One action on one order (`transition`), see `WorkOrderTransaction.apply`. */
  apply(
    orderId: string,
    action: WorkOrderAction,
    actor: Actor,
    atMs: number,
    context: TransitionContext = {},
  ): Promise<AppliedTransition> {
    return this.transaction((tx) => tx.apply(orderId, action, actor, atMs, context));
  }

  addNote(orderId: string, actor: Actor, note: NewNote, atMs: number): Promise<NoteView> {
    return this.transaction((tx) => tx.addNote(orderId, actor, note, atMs));
  }

  /** The order with its transitions, notes, incidents, recorded breaches and SLA status now. */
  async get(orderId: string): Promise<WorkOrderDetail> {
    const order = await selectOrder(this.#pool, orderId);
    if (!order) throw orderNotFound(orderId);
    const [transitions, notes, incidents, breaches] = await Promise.all([
      selectTransitions(this.#pool, orderId),
      selectNotes(this.#pool, orderId),
      selectLinkedIncidents(this.#pool, orderId),
      selectBreaches(this.#pool, orderId),
    ]);
    const records = transitions.map((entry) => entry.record);
    return { order, transitions, notes, incidents, breaches, sla: this.#statusNow(order, records) };
  }

  async list(filter: WorkOrderFilter = {}): Promise<WorkOrderView[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (placeholder: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (filter.vendorId !== undefined) add((p) => `vendor_id = ${p}`, filter.vendorId);
    if (filter.contractId !== undefined) add((p) => `contract_id = ${p}`, filter.contractId);
    if (filter.states !== undefined) add((p) => `state = any(${p}::text[])`, filter.states);
    if (filter.buildingCode !== undefined) add((p) => `building_code = ${p}`, filter.buildingCode);
    if (filter.category !== undefined) add((p) => `category = ${p}`, filter.category);
    if (filter.severity !== undefined) add((p) => `severity = ${p}`, filter.severity);
    if (filter.officeQueue !== undefined) {
      where.push(filter.officeQueue ? 'office_queue_reason is not null' : 'office_queue_reason is null');
    }
    if (filter.incidentId !== undefined) {
      if (!isOrderId(filter.incidentId)) return [];
      add(
        (p) => `id in (select order_id from work_order_incidents where incident_id = ${p})`,
        filter.incidentId,
      );
    }
    if (filter.createdFromMs !== undefined) add((p) => `created_at >= ${p}`, new Date(filter.createdFromMs));
    if (filter.createdBeforeMs !== undefined)
      add((p) => `created_at < ${p}`, new Date(filter.createdBeforeMs));
    params.push(Math.max(1, Math.min(filter.limit ?? 100, 1_000)));
    const limit = `$${params.length}`;
    params.push(Math.max(0, filter.offset ?? 0));
    const offset = `$${params.length}`;
    const { rows } = await this.#pool.query<OrderRow>(
      `select * from work_orders ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
       order by updated_at desc, id desc limit ${limit} offset ${offset}`,
      params,
    );
    return rows.map(toOrderView);
  }

  /** Recorded SLA breaches whose deadline fell in [fromMs, toMs), latest first. */
  breaches(range: {
    fromMs: number;
    toMs: number;
    vendorId?: string;
    limit?: number;
  }): Promise<RecordedBreach[]> {
    return selectBreachesBetween(this.#pool, range);
  }

  /** The order's transition records in order (the input of `slaStatus`). */
  async timeline(orderId: string): Promise<TransitionRecord[]> {
    if (!(await selectOrder(this.#pool, orderId))) throw orderNotFound(orderId);
    return (await selectTransitions(this.#pool, orderId)).map((entry) => entry.record);
  }

  /**
   * For the SLA timers: every order whose `next_check_at` is set, soonest first, with its
   * records. Read from PostgreSQL only, so the timers can be rebuilt after a restart.
   */
  async openOrderTimelines(): Promise<OrderTimeline[]> {
    const { rows } = await this.#pool.query<{
      id: string;
      building_code: string;
      next_check_at: Date;
      records: TransitionRecord[];
    }>(
      `select o.id, o.building_code, o.next_check_at,
         coalesce((select jsonb_agg(t.record order by t.seq) from work_order_transitions t where t.order_id = o.id), '[]') as records
       from work_orders o where o.next_check_at is not null order by o.next_check_at, o.id`,
    );
    return rows.map((row) => ({
      orderId: row.id,
      buildingCode: row.building_code,
      nextCheckAtMs: row.next_check_at.getTime(),
      records: row.records,
    }));
  }

  /** For the SLA timers: every order whose `next_check_at` is set and when, soonest first. */
  async pendingChecks(): Promise<{ orderId: string; nextCheckAtMs: number }[]> {
    const { rows } = await this.#pool.query<{ id: string; next_check_at: Date }>(
      'select id, next_check_at from work_orders where next_check_at is not null order by next_check_at, id',
    );
    return rows.map((row) => ({ orderId: row.id, nextCheckAtMs: row.next_check_at.getTime() }));
  }

  /**
   * For the SLA timers, when a check comes due: computes `slaStatus` at `nowMs`, inserts every
   * target that reads `breached` into `sla_events` once (`on conflict do nothing`), sets
   * `next_check_at`, and returns the breaches newly recorded and the next instant to look.
   * Calling it again records nothing more. `not_found` for an unknown order.
   */
  recordBreaches(orderId: string, nowMs: number): Promise<BreachCheck> {
    return this.transaction((tx) => tx.recordBreaches(orderId, nowMs));
  }

  /** Whether an incident linked to the order is still active or acknowledged. */
  incidentActive(orderId: string): Promise<boolean> {
    return anyIncidentActive(this.#pool, orderId);
  }

  /** Mean times to accept, arrive and resolve and the repeat-failure rate per vendor and category. */
  performance(query: PerformanceQuery): Promise<VendorCategoryPerformance[]> {
    return vendorPerformance(this.#pool, this.#calendarFor, query, this.#clock.nowMs());
  }

  /** Incident events the dispatcher parked, oldest first, each with the order it is linked to now. */
  listParked(filter: ParkedEventFilter = {}): Promise<ParkedEvent[]> {
    return selectParkedEvents(this.#pool, filter);
  }

  /** For vendor scoring: the histories, as of `toMs`, of every order that may concern [fromMs, toMs). */
  historiesAsOf(fromMs: number, toMs: number): Promise<OrderHistory[]> {
    return selectHistoriesAsOf(this.#pool, fromMs, toMs);
  }

  #statusNow(order: WorkOrderView, records: readonly TransitionRecord[]): SlaReport {
    const nowMs = Math.max(this.#clock.nowMs(), records.at(-1)?.atMs ?? 0);
    try {
      return slaStatus(records, this.#calendarFor(order.buildingCode), nowMs);
    } catch (error) {
      throw asStoreError(error);
    }
  }
}

/** PostgreSQL's answers that mean "someone else changed it first" become `conflict`. */
function storeErrorOf(error: unknown): unknown {
  const mapped = asStoreError(error);
  if (mapped instanceof WorkOrderStoreError) return mapped;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === '23505' || code === '40001' || code === '40P01') {
    return new WorkOrderStoreError('conflict', 'a concurrent change won; read the order again and retry', {
      cause: error,
    });
  }
  return error;
}
