import type { CalendarFor } from './calendars.ts';
import { type SlaReport, type SlaTarget, slaStatus, type TransitionRecord } from './domain/index.ts';
import type { Queryable } from './store/rows.ts';

/** Legs dispatched in [fromMs, toMs), optionally of one vendor and one category. */
export interface PerformanceQuery {
  readonly fromMs: number;
  readonly toMs: number;
  readonly vendorId?: string;
  readonly category?: string;
}

/**
 * How a vendor did in one service category. Times are as the domain counts them for its SLA:
 * from the dispatch of the leg (the moment the vendor was told), on the leg's SLA clock (working
 * minutes for a working-hours SLA), approved pauses excluded; only targets actually done count.
 */
export interface VendorCategoryPerformance {
  readonly vendorId: string;
  readonly category: string;
  /** Orders with at least one leg of this vendor dispatched in the range. */
  readonly orders: number;
  /** Legs (dispatches, reassignments to it, returns to it) started in the range. */
  readonly legs: number;
  readonly accepted: number;
  readonly meanMinutesToAccept: number | null;
  readonly arrived: number;
  readonly meanMinutesToArrive: number | null;
  readonly resolved: number;
  readonly meanMinutesToResolve: number | null;
  /** Orders among `orders` returned to the vendor by `reopen` (重复故障) in the range. */
  readonly reopenedOrders: number;
  /** reopenedOrders / orders; null without orders. */
  readonly repeatFailureRate: number | null;
}

/** One order's SLA report, with what the aggregation groups by. */
export interface OrderReport {
  readonly orderId: string;
  readonly category: string;
  readonly report: SlaReport;
}

interface Totals {
  readonly vendorId: string;
  readonly category: string;
  readonly orders: Set<string>;
  readonly reopened: Set<string>;
  legs: number;
  readonly done: Record<SlaTarget, { count: number; minutes: number }>;
}

/** Pure: the per-vendor, per-category figures of the legs started in the range. */
export function aggregatePerformance(
  orders: readonly OrderReport[],
  query: PerformanceQuery,
): VendorCategoryPerformance[] {
  const totals = new Map<string, Totals>();
  for (const { orderId, category, report } of orders) {
    if (query.category !== undefined && category !== query.category) continue;
    const seenLegs = new Set<number>();
    for (const target of report.targets) {
      if (target.startMs < query.fromMs || target.startMs >= query.toMs) continue;
      if (query.vendorId !== undefined && target.vendorId !== query.vendorId) continue;
      const key = `${target.vendorId}\u0000${category}`;
      let entry = totals.get(key);
      if (!entry) {
        entry = {
          vendorId: target.vendorId,
          category,
          orders: new Set(),
          reopened: new Set(),
          legs: 0,
          done: {
            accept: { count: 0, minutes: 0 },
            arrive: { count: 0, minutes: 0 },
            resolve: { count: 0, minutes: 0 },
          },
        };
        totals.set(key, entry);
      }
      entry.orders.add(orderId);
      if (!seenLegs.has(target.leg)) {
        seenLegs.add(target.leg);
        entry.legs++;
        if (target.legCause === 'reopen') entry.reopened.add(orderId);
      }
      if (target.completedAtMs !== null) {
        entry.done[target.target].count++;
        entry.done[target.target].minutes += target.usedMinutes;
      }
    }
  }
  const mean = (done: { count: number; minutes: number }) =>
    done.count === 0 ? null : done.minutes / done.count;
  return [...totals.values()]
    .map((entry) => ({
      vendorId: entry.vendorId,
      category: entry.category,
      orders: entry.orders.size,
      legs: entry.legs,
      accepted: entry.done.accept.count,
      meanMinutesToAccept: mean(entry.done.accept),
      arrived: entry.done.arrive.count,
      meanMinutesToArrive: mean(entry.done.arrive),
      resolved: entry.done.resolve.count,
      meanMinutesToResolve: mean(entry.done.resolve),
      reopenedOrders: entry.reopened.size,
      repeatFailureRate: entry.orders.size === 0 ? null : entry.reopened.size / entry.orders.size,
    }))
    .sort((a, b) => a.vendorId.localeCompare(b.vendorId) || a.category.localeCompare(b.category));
}

const LEG_ACTIONS = ['dispatch', 'reassign', 'fail_verification', 'reopen'];

/**
 * Reads the orders with a leg started in the range (and, given a vendor, a leg of that vendor),
 * computes each one's SLA report at `nowMs` and aggregates. The minutes come from the domain's
 * `slaStatus`, not from SQL arithmetic, so working hours, holidays and pauses count as in the SLA.
 */
export async function vendorPerformance(
  db: Queryable,
  calendarFor: CalendarFor,
  query: PerformanceQuery,
  nowMs: number,
): Promise<VendorCategoryPerformance[]> {
  const params: unknown[] = [LEG_ACTIONS, new Date(query.fromMs), new Date(query.toMs)];
  let legFilter = '';
  if (query.vendorId !== undefined) {
    params.push(query.vendorId);
    legFilter = ` and record -> 'assignment' ->> 'vendorId' = $${params.length}`;
  }
  let categoryFilter = '';
  if (query.category !== undefined) {
    params.push(query.category);
    categoryFilter = ` and o.category = $${params.length}`;
  }
  const { rows } = await db.query<{
    id: string;
    building_code: string;
    category: string;
    records: TransitionRecord[];
  }>(
    `select o.id, o.building_code, o.category,
       (select jsonb_agg(t.record order by t.seq) from work_order_transitions t where t.order_id = o.id) as records
     from work_orders o
     where o.id in (
       select order_id from work_order_transitions
       where action = any($1::text[]) and at >= $2 and at < $3${legFilter}
     )${categoryFilter}`,
    params,
  );
  const reports = rows.map((row) => ({
    orderId: row.id,
    category: row.category,
    report: slaStatus(
      row.records,
      calendarFor(row.building_code),
      Math.max(nowMs, row.records.at(-1)?.atMs ?? nowMs),
    ),
  }));
  return aggregatePerformance(reports, query);
}
