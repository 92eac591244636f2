import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { PrivateVictoria } from '../../gateway/store/private-victoria.ts';
import { DOOR_RULE, SECURITY_CONTRACT, SECURITY_VENDOR, type SlaMinutes } from './chaos-config.ts';
import type { InjectedFault } from './door-faults.ts';

/**
 * What a scenario checks afterwards, each read from where a user would read it: readings from
 * the store (VictoriaMetrics export, de-duplicated by timestamp as the store is configured),
 * incidents, work orders and SLA breaches from PostgreSQL. Each check polls until its figures
 * are complete or stop changing within a bound, so a slow catch-up is waited for but a loss is
 * reported, not hung on.
 */

export interface ReadingCount {
  readonly sent: number;
  /** Distinct (series, timestamp) samples of the load in the store. */
  readonly stored: number;
  /** Acknowledged readings missing from the store. */
  readonly lost: number;
  /** Samples beyond one per (series, timestamp). */
  readonly duplicated: number;
  /** Stored but never acknowledged (the broker had it, its PUBACK was lost with the gateway). */
  readonly storedUnacknowledged: number;
  /** Time after the load stopped until the store held every acknowledged reading. */
  readonly catchUpMs: number;
}

export async function countStoredReadings(options: {
  readonly victoria: PrivateVictoria;
  readonly selector: string;
  readonly sent: ReadonlySet<string>;
  readonly fromTs: number;
  readonly toTs: number;
  readonly timeoutMs: number;
}): Promise<ReadingCount> {
  const started = performance.now();
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    await options.victoria.forceFlush();
    const series = await options.victoria.exportSeries(options.selector);
    const seen = new Set<string>();
    let samples = 0;
    for (const { metric, timestamps } of series) {
      for (const ts of timestamps) {
        if (ts < options.fromTs || ts > options.toTs) continue;
        samples += 1;
        seen.add(`${metric.point ?? ''}@${ts}`);
      }
    }
    let lost = 0;
    for (const key of options.sent) if (!seen.has(key)) lost += 1;
    if (lost === 0 || Date.now() > deadline) {
      let unacknowledged = 0;
      for (const key of seen) if (!options.sent.has(key)) unacknowledged += 1;
      return {
        sent: options.sent.size,
        stored: seen.size,
        lost,
        duplicated: samples - seen.size,
        storedUnacknowledged: unacknowledged,
        catchUpMs: Math.round(performance.now() - started),
      };
    }
    // Export shows a sample up to about a second after the flush; the spool may still be replaying.
    await sleep(1_000);
  }
}

export interface IncidentCount {
  readonly expected: number;
  readonly created: number;
  readonly lost: number;
  readonly duplicated: number;
}

export interface WorkOrderCount extends IncidentCount {
  /** Orders of these incidents routed to anyone but the security contract's vendor. */
  readonly misrouted: number;
}

export interface BreachCount {
  /** Targets whose deadline passed before the check (by more than the grace). */
  readonly due: number;
  readonly recorded: number;
  /** Due but not recorded. */
  readonly missed: number;
  /** Recorded more than once (the table's unique key forbids it; counted all the same). */
  readonly duplicated: number;
  /** Recorded although not due, or with a deadline other than dispatch + the contract's minutes. */
  readonly wrong: number;
  /** Longest delay from a deadline to its recording. */
  readonly maxDetectionDelayMs: number;
}

interface OrderRow {
  readonly order_id: string;
  readonly equipment_id: string;
  readonly vendor_id: string | null;
  readonly contract_id: string | null;
  readonly dispatched_at: Date | null;
}

interface BreachRow {
  readonly order_id: string;
  readonly target: 'accept' | 'arrive' | 'resolve';
  readonly deadline: Date;
  readonly detected_at: Date;
}

/** A query retried while PostgreSQL is coming back. */
async function query<T extends pg.QueryResultRow>(
  pool: pg.Pool,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await pool.query<T>(sql, params)).rows;
    } catch (error) {
      if (attempt >= 30) throw error;
      await sleep(1_000);
    }
  }
}

/**
 * Incidents and work orders of the injected faults: each acknowledged fault's door must have
 * exactly one `door-forced-open` incident and one work order for the security vendor. Polls
 * until that holds for all, or nothing changed for `idleMs`, or `timeoutMs` passed.
 */
export async function checkIncidentsAndOrders(options: {
  readonly pool: pg.Pool;
  readonly faults: readonly InjectedFault[];
  readonly timeoutMs: number;
}): Promise<{ incidents: IncidentCount; orders: WorkOrderCount; rows: OrderRow[] }> {
  const doors = options.faults.map((fault) => fault.door.equipment);
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const incidents = await query<{ equipment_id: string; n: number }>(
      options.pool,
      `select equipment_id, count(*)::int as n from incidents
        where rule_id = $1 and equipment_id = any($2) group by equipment_id`,
      [DOOR_RULE, doors],
    );
    const rows = await query<OrderRow>(
      options.pool,
      `select distinct o.id::text as order_id, i.equipment_id, o.vendor_id, o.contract_id,
              (select min(t.at) from work_order_transitions t
                where t.order_id = o.id and t.action = 'dispatch') as dispatched_at
         from work_orders o
         join work_order_incidents l on l.order_id = o.id
         join incidents i on i.id = l.incident_id
        where i.rule_id = $1 and i.equipment_id = any($2)`,
      [DOOR_RULE, doors],
    );
    const incidentsPerDoor = new Map(incidents.map((row) => [row.equipment_id, row.n]));
    const ordersPerDoor = new Map<string, number>();
    for (const row of rows)
      ordersPerDoor.set(row.equipment_id, (ordersPerDoor.get(row.equipment_id) ?? 0) + 1);
    const tally = (perDoor: ReadonlyMap<string, number>): IncidentCount => ({
      expected: doors.length,
      created: [...perDoor.values()].reduce((sum, n) => sum + n, 0),
      lost: doors.filter((door) => (perDoor.get(door) ?? 0) === 0).length,
      duplicated: [...perDoor.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    });
    const incidentCount = tally(incidentsPerDoor);
    const misrouted = rows.filter(
      (row) => row.vendor_id !== SECURITY_VENDOR || row.contract_id !== SECURITY_CONTRACT,
    ).length;
    const orderCount = { ...tally(ordersPerDoor), misrouted };
    const complete =
      incidentCount.lost === 0 && orderCount.lost === 0 && rows.every((row) => row.dispatched_at !== null);
    if (complete || Date.now() > deadline) return { incidents: incidentCount, orders: orderCount, rows };
    await sleep(500);
  }
}

/**
 * SLA breaches of the orders: every target whose deadline (dispatch + the contract's minutes, a
 * 24x7 clock) passed more than `graceMs` before now must be in `sla_events`, once, with that
 * deadline; none that is not due yet. Polls until every due breach is recorded or `timeoutMs`.
 */
export async function checkBreaches(options: {
  readonly pool: pg.Pool;
  readonly orders: readonly OrderRow[];
  readonly sla: SlaMinutes;
  readonly graceMs: number;
  readonly timeoutMs: number;
}): Promise<BreachCount> {
  const budgets = {
    accept: options.sla.acceptMinutes,
    arrive: options.sla.arriveMinutes,
    resolve: options.sla.resolveMinutes,
  } as const;
  const deadline = Date.now() + options.timeoutMs;
  const orderIds = options.orders.map((row) => row.order_id);
  for (;;) {
    const checkedAt = Date.now();
    const rows = await query<BreachRow>(
      options.pool,
      `select order_id::text as order_id, target, deadline, detected_at from sla_events
        where order_id = any($1::bigint[])`,
      [orderIds],
    );
    const recorded = new Map<string, BreachRow[]>();
    for (const row of rows) {
      const key = `${row.order_id}/${row.target}`;
      recorded.set(key, [...(recorded.get(key) ?? []), row]);
    }
    let due = 0;
    let missed = 0;
    let wrong = 0;
    let maxDelay = 0;
    for (const order of options.orders) {
      const dispatched = order.dispatched_at?.getTime();
      if (dispatched === undefined) continue;
      for (const [target, minutes] of Object.entries(budgets)) {
        const targetDeadline = dispatched + minutes * 60_000;
        const found = recorded.get(`${order.order_id}/${target}`) ?? [];
        if (targetDeadline < checkedAt - options.graceMs) {
          due += 1;
          if (found.length === 0) missed += 1;
        } else if (found.length > 0 && targetDeadline >= checkedAt) {
          wrong += 1; // recorded before its deadline
        }
        for (const row of found) {
          if (Math.abs(row.deadline.getTime() - targetDeadline) > 1_000) wrong += 1;
          maxDelay = Math.max(maxDelay, row.detected_at.getTime() - row.deadline.getTime());
        }
      }
    }
    const duplicated = [...recorded.values()].reduce((sum, list) => sum + list.length - 1, 0);
    if (missed === 0 || Date.now() > deadline)
      return { due, recorded: rows.length, missed, duplicated, wrong, maxDetectionDelayMs: maxDelay };
    await sleep(500);
  }
}
