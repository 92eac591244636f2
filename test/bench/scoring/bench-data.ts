import type pg from 'pg';
import type { ResolvedBuilding, SiteModel } from '../../../config/load/model.ts';
import { SERVICE_CATEGORIES, type ServiceCategory, type Severity } from '../../../config/schema/common.ts';
import type { Contract } from '../../../config/schema/contracts.ts';
import { SiteZone } from '../../../services/calendar/site-zone.ts';
import { periodOf } from '../../../services/scoring/domain/periods.ts';
import type { ScoringStore } from '../../../services/scoring/store/scoring-store.ts';
import { SiteCalendars } from '../../../services/workorders/calendars.ts';
import {
  type Actor,
  assignmentFor,
  createWorkOrder,
  slaStatus,
  type TransitionRecord,
  transition,
  type WorkOrder,
  type WorkOrderAction,
} from '../../../services/workorders/domain/index.ts';

/** The month the bench scores, at the sample site (Asia/Shanghai). */
export const BENCH_MONTH = '2026-03';
export const ZONE = new SiteZone('Asia/Shanghai');
export const MONTH = periodOf(BENCH_MONTH, ZONE);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SYSTEM: Actor = { role: 'system' };
const MANAGER: Actor = { role: 'facilities_manager', userId: 'bench-manager' };

/** Mulberry32: a small seeded generator, so every run scores the same data. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const SCHEME_OF: Partial<Record<ServiceCategory, string>> = {
  lift_maintenance: 'lift-standard',
  security: 'security-standard',
  energy_management: 'energy-epc',
};

/**
 * The sample site with `count` contracts, each covering one building and one service category
 * (so no two overlap, as the registry's exclusion constraint demands), over the sample's five
 * buildings and as many extra outside buildings as needed; the sample's vendors take turns.
 */
export function benchModel(sample: SiteModel, count: number): SiteModel {
  const template = sample.contracts.get('property-compound-2025');
  if (!template) throw new Error('the sample has no contract property-compound-2025');
  const site = sample.sites[0];
  if (!site) throw new Error('the sample has no site');
  const buildings = new Map<string, ResolvedBuilding>(sample.buildings);
  const needed = Math.ceil(count / SERVICE_CATEGORIES.length);
  for (let n = buildings.size; n < needed; n++) {
    const code = `330302A${String(100 + n).padStart(3, '0')}`;
    buildings.set(code, {
      code,
      siteId: site.id,
      name: { 'zh-CN': `测试楼${n}`, en: `Bench building ${n}` },
      location: 'outside',
      floorAreaM2: 8_000,
      occupants: 300,
      zones: [],
    });
  }
  const vendors = [...sample.vendors.keys()].sort();
  const codes = [...buildings.keys()].sort();
  const contracts = new Map<string, Contract>();
  for (let i = 0; i < count; i++) {
    const category = SERVICE_CATEGORIES[i % SERVICE_CATEGORIES.length] as ServiceCategory;
    const building = codes[Math.floor(i / SERVICE_CATEGORIES.length)] as string;
    const id = `bench-${String(i + 1).padStart(3, '0')}`;
    const { energy: _, ...rest } = template;
    contracts.set(id, {
      ...rest,
      id,
      vendor: vendors[i % vendors.length] as string,
      lot: { 'zh-CN': `测试标段${i + 1}`, en: `Bench lot ${i + 1}` },
      scope: { buildings: [building], categories: [category] },
      term: { start: '2025-01-01', end: '2027-12-31' },
      scoringScheme: SCHEME_OF[category] ?? 'property-standard',
    });
  }
  return { ...sample, buildings, contracts, revision: `${sample.revision.slice(0, 56)}bench${count}` };
}

interface OrderRowData {
  id: number;
  order: WorkOrder;
  records: TransitionRecord[];
  equipmentId: string | null;
}

/** One order's life, written by the work-order domain itself so every history is valid. */
function lifeOf(
  id: number,
  contract: Contract,
  severity: Severity,
  equipmentId: string | null,
  random: () => number,
): OrderRowData {
  const buildingCode = contract.scope.buildings[0] as string;
  const category = contract.scope.categories[0] as ServiceCategory;
  const vendor: Actor = { role: 'vendor_user', userId: 'bench-vendor', vendorId: contract.vendor };
  const records: TransitionRecord[] = [];
  const created = createWorkOrder(
    {
      buildingCode,
      category,
      severity,
      incidentIds: [],
      route: { kind: 'contract', contractId: contract.id, vendorId: contract.vendor, dispatch: 'immediate' },
    },
    SYSTEM,
    MONTH.startMs + Math.floor(random() * (MONTH.endMs - MONTH.startMs - 2 * HOUR)),
  );
  if (!created.ok) throw created.error;
  let order = created.order;
  records.push(created.record);
  let at = order.createdAtMs;
  const act = (action: WorkOrderAction, actor: Actor, afterMs: number): void => {
    at += Math.max(0, Math.round(afterMs));
    const result = transition(order, action, actor, at, { incidentActive: false });
    if (!result.ok) throw result.error;
    order = result.order;
    records.push(result.record);
  };
  const terms = assignmentFor(contract, severity, null);
  // Mostly in time, sometimes late (×1.6 of the budget in wall minutes).
  const step = (budgetMinutes: number, lateShare: number): number =>
    budgetMinutes * MINUTE * (random() < lateShare ? 1.6 : 0.2 + random() * 0.6);
  act({ type: 'dispatch', assignment: terms }, SYSTEM, 0);
  const fate = random();
  if (fate < 0.05) return { id, order, records, equipmentId }; // never accepted
  act({ type: 'accept' }, vendor, step(terms.sla.acceptMinutes, 0.1));
  if (fate < 0.08) {
    act(
      { type: 'request_pause', pauseReason: 'awaiting_parts', reason: 'parts on order' },
      vendor,
      10 * MINUTE,
    );
    act({ type: 'approve_pause' }, MANAGER, 20 * MINUTE);
    if (fate < 0.065) return { id, order, records, equipmentId }; // still waiting for parts
    act({ type: 'resume' }, vendor, 6 * HOUR);
  }
  act({ type: 'arrive' }, vendor, step(terms.sla.arriveMinutes - terms.sla.acceptMinutes, 0.1));
  if (fate < 0.11) return { id, order, records, equipmentId }; // on site, not resolved
  act(
    { type: 'resolve', reason: 'fixed' },
    vendor,
    step(terms.sla.resolveMinutes - terms.sla.arriveMinutes, 0.12),
  );
  act({ type: 'verify' }, MANAGER, HOUR + random() * 8 * HOUR);
  if (fate > 0.95) {
    act({ type: 'reopen', reason: 'the fault came back' }, SYSTEM, 12 * HOUR);
    act({ type: 'accept' }, vendor, step(terms.sla.acceptMinutes, 0.1));
    act({ type: 'arrive' }, vendor, step(terms.sla.arriveMinutes - terms.sla.acceptMinutes, 0.1));
    act({ type: 'resolve', reason: 'fixed again' }, vendor, step(terms.sla.resolveMinutes, 0.1));
  }
  return { id, order, records, equipmentId };
}

const SEVERITY_MIX: readonly [Severity, number][] = [
  ['critical', 0.05],
  ['major', 0.3],
  ['minor', 0.8],
  ['warning', 1],
];

export interface WrittenOrders {
  readonly orders: number;
  readonly transitions: number;
  readonly incidents: number;
  readonly breachesRecorded: number;
}

async function insertChunks(
  pool: pg.Pool,
  rows: readonly object[],
  sql: string,
  chunk = 2_000,
): Promise<void> {
  for (let start = 0; start < rows.length; start += chunk) {
    await pool.query(sql, [JSON.stringify(rows.slice(start, start + chunk))]);
  }
}

/**
 * `count` work orders dispatched in the bench month, spread over the contracts, with histories
 * made by the work-order domain (`createWorkOrder`, `transition`): accepted, on site, resolved
 * and verified, some late at each step, some paused, reopened, or left open at the month's end.
 * A quarter of those in a building with equipment of their category are linked to an incident
 * on that equipment. They are bulk-inserted into the work-order and incident tables of the
 * bench's own database (writing 20,000 orders through the store's one-transaction-per-step path
 * would take minutes and measure nothing of scoring). `sla_events` gets every breach whose
 * deadline falls in the month, as the SLA timers would have recorded it: the SQL peer reads them.
 */
export async function writeOrders(
  pool: pg.Pool,
  model: SiteModel,
  count: number,
  seed = 7,
): Promise<WrittenOrders> {
  const random = seeded(seed);
  const contracts = [...model.contracts.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  const equipmentOf = new Map<string, string[]>();
  for (const item of model.equipment.values()) {
    const key = `${item.buildingCode}/${item.category}`;
    equipmentOf.set(key, [...(equipmentOf.get(key) ?? []), item.id]);
  }
  const calendars = new SiteCalendars(model);
  const orders: OrderRowData[] = [];
  for (let i = 0; i < count; i++) {
    const contract = contracts[i % contracts.length] as Contract;
    const draw = random();
    const severity = (SEVERITY_MIX.find(([, upTo]) => draw < upTo) ?? SEVERITY_MIX[3])?.[0] as Severity;
    const candidates =
      equipmentOf.get(`${contract.scope.buildings[0]}/${contract.scope.categories[0]}`) ?? [];
    const equipmentId =
      candidates.length > 0 && random() < 0.25
        ? (candidates[Math.floor(random() * candidates.length)] as string)
        : null;
    orders.push(lifeOf(i + 1, contract, severity, equipmentId, random));
  }

  await insertChunks(
    pool,
    orders.map(({ id, order }) => ({
      id,
      state: order.state,
      building_code: order.buildingCode,
      category: order.category,
      severity: order.severity,
      route: order.route,
      vendor_id: order.assignment?.vendorId ?? null,
      contract_id: order.assignment?.contractId ?? null,
      snapshot: order,
      created_at: new Date(order.createdAtMs).toISOString(),
      updated_at: new Date(order.updatedAtMs).toISOString(),
      closed_at: order.closedAtMs === null ? null : new Date(order.closedAtMs).toISOString(),
    })),
    `insert into work_orders (id, state, building_code, category, severity, route, vendor_id, contract_id, snapshot,
       created_at, updated_at, closed_at)
     overriding system value
     select id, state, building_code, category, severity, route, vendor_id, contract_id, snapshot, created_at, updated_at, closed_at
     from jsonb_to_recordset($1::jsonb) as r(id bigint, state text, building_code text, category text, severity text,
       route jsonb, vendor_id text, contract_id text, snapshot jsonb, created_at timestamptz, updated_at timestamptz,
       closed_at timestamptz)`,
  );
  const transitions = orders.flatMap(({ id, records }) =>
    records.map((record, i) => ({
      order_id: id,
      seq: i + 1,
      action: record.action,
      from_state: record.from,
      to_state: record.to,
      at: new Date(record.atMs).toISOString(),
      actor_role: record.actor.role,
      actor_user: 'userId' in record.actor ? record.actor.userId : null,
      actor_vendor: 'vendorId' in record.actor ? record.actor.vendorId : null,
      reason: record.reason,
      record,
    })),
  );
  await insertChunks(
    pool,
    transitions,
    `insert into work_order_transitions (order_id, seq, action, from_state, to_state, at, actor_role, actor_user,
       actor_vendor, reason, record, recorded_at)
     select order_id, seq, action, from_state, to_state, at, actor_role, actor_user, actor_vendor, reason, record, at
     from jsonb_to_recordset($1::jsonb) as r(order_id bigint, seq integer, action text, from_state text, to_state text,
       at timestamptz, actor_role text, actor_user text, actor_vendor text, reason text, record jsonb)`,
    4_000,
  );

  const linked = orders.filter((o) => o.equipmentId !== null);
  await insertChunks(
    pool,
    linked.map(({ id, order, equipmentId }) => ({
      id,
      equipment_id: equipmentId,
      building_code: order.buildingCode,
      category: order.category,
      severity: order.severity,
      at: new Date(order.createdAtMs).toISOString(),
    })),
    `with rows as (select * from jsonb_to_recordset($1::jsonb) as r(id bigint, equipment_id text, building_code text,
       category text, severity text, at timestamptz)),
     made as (
       insert into incidents (id, rule_id, rule_version, equipment_id, building_code, category, severity, state, title,
         first_seen, last_seen, activated_at, cleared_at, closed_at, closed_by, reactivation_window_s, created_at)
       overriding system value
       select id, 'bench-fault', 1, equipment_id, building_code, category, severity, 'closed',
         '{"zh-CN":"测试故障","en":"Bench fault"}'::jsonb, at, at, at, at, at, 'bench', 1800, at from rows
       returning id, created_at),
     fired as (
       insert into incident_events (id, incident_id, at, kind, actor, recorded_at)
       overriding system value
       select id, id, created_at, 'fired', 'rules', created_at from made returning id, incident_id, at)
     insert into work_order_incidents (order_id, incident_id, activation_event_id, linked_at)
     select incident_id, incident_id, id, at from fired`,
  );

  const breaches = orders.flatMap(({ id, order, records }) => {
    const before = records.filter((record) => record.atMs < MONTH.endMs);
    const report = slaStatus(before, calendars.forBuilding(order.buildingCode), MONTH.endMs);
    return report.targets
      .filter(
        (t) =>
          t.state === 'breached' &&
          t.deadlineMs !== null &&
          t.deadlineMs >= MONTH.startMs &&
          t.deadlineMs < MONTH.endMs,
      )
      .map((t) => ({
        order_id: id,
        leg: t.leg,
        target: t.target,
        vendor_id: t.vendorId,
        contract_id: t.contractId,
        severity: order.severity,
        category: order.category,
        deadline: new Date(t.deadlineMs as number).toISOString(),
        detected_at: new Date((t.deadlineMs as number) + 1).toISOString(),
        minutes_over: t.minutesOver,
        provisional: t.provisional,
      }));
  });
  await insertChunks(
    pool,
    breaches,
    `insert into sla_events (order_id, leg, target, vendor_id, contract_id, severity, category, deadline, detected_at,
       minutes_over, provisional)
     select * from jsonb_to_recordset($1::jsonb) as r(order_id bigint, leg integer, target text, vendor_id text,
       contract_id text, severity text, category text, deadline timestamptz, detected_at timestamptz,
       minutes_over double precision, provisional boolean)`,
  );
  for (const table of ['work_orders', 'incidents', 'incident_events']) {
    await pool.query(
      `select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`,
    );
  }
  await pool.query('analyze');
  return {
    orders: orders.length,
    transitions: transitions.length,
    incidents: linked.length,
    breachesRecorded: breaches.length,
  };
}

/**
 * The month's manual inputs, through the scoring store (each checked, stored and audited): per
 * contract six daily patrols (two with a 一般问题), a monthly assessment with a 重大问题, a
 * complaint received and concluded verified, and a commendation.
 */
export async function writeManualInputs(scoring: ScoringStore, model: SiteModel): Promise<number> {
  let written = 0;
  const day = (n: number, hour = 10) => MONTH.startMs + (n - 1) * 24 * HOUR + hour * HOUR;
  for (const contract of [...model.contracts.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    for (let n = 0; n < 6; n++) {
      await scoring.recordInspection(MANAGER, {
        contractId: contract.id,
        kind: 'daily_patrol',
        conductedAtMs: day(2 + n * 4),
        findings: n % 3 === 0 ? [{ level: 'general', description: '巡检发现地面湿滑未设警示' }] : [],
      });
    }
    await scoring.recordInspection(MANAGER, {
      contractId: contract.id,
      kind: 'monthly_assessment',
      conductedAtMs: day(25),
      findings: [{ level: 'major', description: '消防通道堆放杂物' }],
    });
    const complaint = await scoring.recordComplaint(MANAGER, {
      contractId: contract.id,
      receivedAtMs: day(10),
      channel: 'hotline',
      summary: '会议室空调不制冷',
    });
    await scoring.concludeComplaint(MANAGER, {
      complaintId: complaint.id,
      result: 'verified',
      concludedAtMs: day(12),
      finding: '现场核实属实',
    });
    await scoring.recordCommendation(MANAGER, {
      contractId: contract.id,
      kind: 'commendation',
      awardedAtMs: day(20),
      description: '会务保障获表扬',
    });
    written += 10;
  }
  return written;
}
