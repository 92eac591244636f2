import { describe, expect, it } from 'vitest';
import { ChineseWorkingCalendar } from '../calendar/working-calendar.ts';
import {
  type Actor,
  type Assignment,
  createWorkOrder,
  slaStatus,
  type TransitionRecord,
  transition,
  type WorkOrder,
  type WorkOrderAction,
} from './domain/index.ts';
import { aggregatePerformance } from './performance.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 23, 2, 0, 0);
const calendar = new ChineseWorkingCalendar({ timeZone: 'Asia/Shanghai' });
const system: Actor = { role: 'system' };
const manager: Actor = { role: 'facilities_manager', userId: 'm' };
const lifts: Actor = { role: 'vendor_user', userId: 'u', vendorId: 'antu-lifts' };
const assignment = (vendorId: string, contractId: string): Assignment => ({
  vendorId,
  contractId,
  sla: { acceptMinutes: 15, arriveMinutes: 120, resolveMinutes: 480, clock: '24x7' },
});

/** Runs a script of actions from a created order and returns the records. */
function history(steps: readonly [number, WorkOrderAction, Actor][]): TransitionRecord[] {
  const created = createWorkOrder(
    {
      buildingCode: '330302A001',
      category: 'lift_maintenance',
      severity: 'major',
      incidentIds: [],
      route: { kind: 'office_queue', reason: 'no_covering_contract', contractIds: [] },
    },
    system,
    T0,
  );
  if (!created.ok) throw created.error;
  let order: WorkOrder = created.order;
  const records = [created.record];
  for (const [minutes, action, actor] of steps) {
    const result = transition(order, action, actor, T0 + minutes * MINUTE, { incidentActive: false });
    if (!result.ok) throw result.error;
    order = result.order;
    records.push(result.record);
  }
  return records;
}

const report = (records: TransitionRecord[]) => slaStatus(records, calendar, records.at(-1)?.atMs ?? T0);

describe('aggregatePerformance', () => {
  const first = history([
    [0, { type: 'dispatch', assignment: assignment('antu-lifts', 'lifts-2025') }, manager],
    [10, { type: 'accept' }, lifts],
    [40, { type: 'arrive' }, lifts],
    [100, { type: 'resolve' }, lifts],
    [110, { type: 'verify' }, manager],
    [120, { type: 'close' }, manager],
    [600, { type: 'reopen', reason: 'again' }, manager],
    [620, { type: 'accept' }, lifts],
  ]);
  const second = history([
    [5, { type: 'dispatch', assignment: assignment('antu-lifts', 'lifts-2025') }, manager],
    [25, { type: 'accept' }, lifts],
    [30, { type: 'reject', reason: 'not ours' }, lifts],
    [
      35,
      {
        type: 'reassign',
        assignment: assignment('hengyuan-property', 'property-compound-2025'),
        reason: 'x',
      },
      manager,
    ],
    [40, { type: 'accept' }, { role: 'vendor_user', userId: 'p', vendorId: 'hengyuan-property' }],
  ]);
  const orders = [
    { orderId: '1', category: 'lift_maintenance', report: report(first) },
    { orderId: '2', category: 'lift_maintenance', report: report(second) },
  ];

  it('averages the counted minutes of targets done, per vendor and category, with the repeat-failure rate', () => {
    expect(aggregatePerformance(orders, { fromMs: T0, toMs: T0 + 24 * 60 * MINUTE })).toEqual([
      {
        vendorId: 'antu-lifts',
        category: 'lift_maintenance',
        orders: 2,
        legs: 3,
        accepted: 3,
        // 10, 20 (after the reopen), 20.
        meanMinutesToAccept: 50 / 3,
        arrived: 1,
        meanMinutesToArrive: 40,
        resolved: 1,
        meanMinutesToResolve: 100,
        reopenedOrders: 1,
        repeatFailureRate: 0.5,
      },
      {
        vendorId: 'hengyuan-property',
        category: 'lift_maintenance',
        orders: 1,
        legs: 1,
        accepted: 1,
        meanMinutesToAccept: 5,
        arrived: 0,
        meanMinutesToArrive: null,
        resolved: 0,
        meanMinutesToResolve: null,
        reopenedOrders: 0,
        repeatFailureRate: 0,
      },
    ]);
  });

  it('counts only legs dispatched in the range, of the vendor and category asked', () => {
    const late = aggregatePerformance(orders, { fromMs: T0 + 500 * MINUTE, toMs: T0 + 24 * 60 * MINUTE });
    expect(late).toEqual([
      expect.objectContaining({
        vendorId: 'antu-lifts',
        orders: 1,
        legs: 1,
        reopenedOrders: 1,
        repeatFailureRate: 1,
      }),
    ]);
    expect(
      aggregatePerformance(orders, {
        fromMs: T0,
        toMs: T0 + 24 * 60 * MINUTE,
        vendorId: 'hengyuan-property',
      }),
    ).toEqual([expect.objectContaining({ vendorId: 'hengyuan-property' })]);
    expect(
      aggregatePerformance(orders, { fromMs: T0, toMs: T0 + 24 * 60 * MINUTE, category: 'security' }),
    ).toEqual([]);
  });
});
