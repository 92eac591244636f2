import { describe, expect, it } from 'vitest';
import { ChineseWorkingCalendar } from '../../calendar/working-calendar.ts';
import type {
  ActionType,
  Assignment,
  TransitionRecord,
  WorkOrderState,
} from '../../workorders/domain/types.ts';
import { DAY, HOUR, MARCH, MARCH_END, MARCH_START, march } from '../domain/test-scheme.ts';
import { automaticFacts, type OrderAsOf } from './order-facts.ts';

const MINUTE = 60_000;
const calendar = new ChineseWorkingCalendar({ timeZone: 'Asia/Shanghai' });
const sla = { acceptMinutes: 10, arriveMinutes: 30, resolveMinutes: 240, clock: '24x7' } as const;
const c1: Assignment = { vendorId: 'v1', contractId: 'c1', sla };
const c2: Assignment = { vendorId: 'v2', contractId: 'c2', sla };

function rec(
  action: ActionType | 'create',
  from: WorkOrderState | null,
  to: WorkOrderState,
  atMs: number,
  assignment?: Assignment,
): TransitionRecord {
  return {
    action,
    from,
    to,
    atMs,
    actor: { role: 'system' },
    reason: null,
    ...(assignment ? { assignment } : {}),
  };
}

function order(orderId: string, records: TransitionRecord[], equipment: string[] = []): OrderAsOf {
  return {
    orderId,
    buildingCode: '330302A001',
    category: 'lift_maintenance',
    severity: 'critical',
    records,
    incidents: equipment.map((equipmentId, i) => ({ incidentId: `${orderId}0${i}`, equipmentId })),
  };
}

const t = march(5, 10);
const lateAll = order(
  '1',
  [
    rec('create', null, 'created', t),
    rec('dispatch', 'created', 'dispatched', t, c1),
    rec('accept', 'dispatched', 'accepted', t + 15 * MINUTE),
    rec('arrive', 'accepted', 'on_site', t + 20 * MINUTE),
    rec('resolve', 'on_site', 'resolved', t + 5 * HOUR),
    rec('verify', 'resolved', 'verified', t + 7 * HOUR),
  ],
  ['LIFT-1'],
);
// Dispatched four hours before the month ends, never accepted in March; accepted in April.
const lastEvening = order(
  '2',
  [
    rec('create', null, 'created', MARCH_END - 4 * HOUR),
    rec('dispatch', 'created', 'dispatched', MARCH_END - 4 * HOUR, c1),
    rec('accept', 'dispatched', 'accepted', MARCH_END + HOUR),
  ],
  ['LIFT-2'],
);
// Resolved and closed in February; the fault came back on 10 March.
const reopened = order('3', [
  rec('create', null, 'created', MARCH_START - 10 * DAY),
  rec('dispatch', 'created', 'dispatched', MARCH_START - 10 * DAY, c1),
  rec('accept', 'dispatched', 'accepted', MARCH_START - 10 * DAY + MINUTE),
  rec('arrive', 'accepted', 'on_site', MARCH_START - 10 * DAY + 2 * MINUTE),
  rec('resolve', 'on_site', 'resolved', MARCH_START - 10 * DAY + HOUR),
  rec('verify', 'resolved', 'verified', MARCH_START - 9 * DAY),
  rec('close', 'verified', 'closed', MARCH_START - 9 * DAY),
  rec('reopen', 'closed', 'dispatched', march(10), c1),
  rec('accept', 'dispatched', 'accepted', march(10) + MINUTE),
  rec('arrive', 'accepted', 'on_site', march(10) + 2 * MINUTE),
  rec('resolve', 'on_site', 'resolved', march(10) + HOUR),
]);
// Not accepted by c1 in time; reassigned to c2 after 20 minutes.
const reassigned = order('4', [
  rec('create', null, 'created', march(12)),
  rec('dispatch', 'created', 'dispatched', march(12), c1),
  rec('reassign', 'dispatched', 'dispatched', march(12) + 20 * MINUTE, c2),
  rec('accept', 'dispatched', 'accepted', march(12) + 25 * MINUTE),
  rec('arrive', 'accepted', 'on_site', march(12) + 30 * MINUTE),
  rec('resolve', 'on_site', 'resolved', march(12) + 2 * HOUR),
]);
// Waiting for parts, with the pause approved, when the month ends.
const paused = order('5', [
  rec('create', null, 'created', march(20)),
  rec('dispatch', 'created', 'dispatched', march(20), c1),
  rec('accept', 'dispatched', 'accepted', march(20) + MINUTE),
  rec('arrive', 'accepted', 'on_site', march(20) + 2 * MINUTE),
  rec('request_pause', 'on_site', 'on_site', march(20) + 3 * MINUTE),
  rec('approve_pause', 'on_site', 'paused', march(20) + 4 * MINUTE),
]);

describe('automatic facts of a month, from the work orders’ histories', () => {
  const facts = automaticFacts([lateAll, lastEvening, reopened, reassigned, paused], MARCH, () => calendar);

  it('finds each target whose deadline fell in the month and was missed, with minutes over', () => {
    const base = { severity: 'critical', category: 'lift_maintenance', buildingCode: '330302A001' };
    expect(facts.slaBreaches).toEqual([
      // Accepted 15 minutes after dispatch (budget 10); resolved after 300 (budget 240).
      {
        ...base,
        orderId: '1',
        incidentIds: ['100'],
        contractId: 'c1',
        leg: 0,
        target: 'accept',
        deadlineMs: t + 10 * MINUTE,
        completedAtMs: t + 15 * MINUTE,
        minutesOver: 5,
      },
      {
        ...base,
        orderId: '1',
        incidentIds: ['100'],
        contractId: 'c1',
        leg: 0,
        target: 'resolve',
        deadlineMs: t + 240 * MINUTE,
        completedAtMs: t + 5 * HOUR,
        minutesOver: 60,
      },
      // Still not accepted at the end of March (the April accept is not read): 230 and 210 minutes over.
      {
        ...base,
        orderId: '2',
        incidentIds: ['200'],
        contractId: 'c1',
        leg: 0,
        target: 'accept',
        deadlineMs: MARCH_END - 230 * MINUTE,
        completedAtMs: null,
        minutesOver: 230,
      },
      {
        ...base,
        orderId: '2',
        incidentIds: ['200'],
        contractId: 'c1',
        leg: 0,
        target: 'arrive',
        deadlineMs: MARCH_END - 210 * MINUTE,
        completedAtMs: null,
        minutesOver: 210,
      },
      // c1 held it 20 minutes without accepting: its accept target is breached by 10; c2 did everything in time.
      {
        ...base,
        orderId: '4',
        incidentIds: [],
        contractId: 'c1',
        leg: 0,
        target: 'accept',
        deadlineMs: march(12) + 10 * MINUTE,
        completedAtMs: null,
        minutesOver: 10,
      },
    ]);
  });

  it('finds the repeat failure, the order left unresolved, and the paused one', () => {
    expect(facts.repeatFailures).toEqual([
      expect.objectContaining({ orderId: '3', contractId: 'c1', leg: 1, reopenedAtMs: march(10) }),
    ]);
    expect(facts.openAtPeriodEnd).toEqual([
      expect.objectContaining({
        orderId: '2',
        contractId: 'c1',
        leg: 0,
        legStartMs: MARCH_END - 4 * HOUR,
        paused: false,
      }),
      expect.objectContaining({
        orderId: '5',
        contractId: 'c1',
        leg: 0,
        legStartMs: march(20),
        paused: true,
      }),
    ]);
  });

  it('counts equipment down from each leg’s dispatch to its resolve, or to the month’s end', () => {
    expect(facts.downtime.map((d) => [d.equipmentId, d.orderId, d.leg, d.fromMs, d.toMs])).toEqual([
      ['LIFT-1', '1', 0, t, t + 5 * HOUR],
      ['LIFT-2', '2', 0, MARCH_END - 4 * HOUR, MARCH_END],
    ]);
  });

  it('records how long resolved orders waited for the office to verify them', () => {
    expect(facts.verifications).toEqual([
      {
        orderId: '1',
        contractId: 'c1',
        resolvedAtMs: t + 5 * HOUR,
        checkedAtMs: t + 7 * HOUR,
        outcome: 'verified',
      },
      {
        orderId: '3',
        contractId: 'c1',
        resolvedAtMs: march(10) + HOUR,
        checkedAtMs: null,
        outcome: 'waiting',
      },
      {
        orderId: '4',
        contractId: 'c2',
        resolvedAtMs: march(12) + 2 * HOUR,
        checkedAtMs: null,
        outcome: 'waiting',
      },
    ]);
  });

  it('gives the same facts whatever was recorded after the month', () => {
    const later = {
      ...paused,
      records: [
        ...paused.records,
        rec('resume', 'paused', 'on_site', MARCH_END + DAY),
        rec('resolve', 'on_site', 'resolved', MARCH_END + 2 * DAY),
      ],
    };
    expect(
      automaticFacts([lateAll, lastEvening, reopened, reassigned, later], MARCH, () => calendar),
    ).toEqual(facts);
  });
});
