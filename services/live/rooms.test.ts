import { describe, expect, it } from 'vitest';
import type { Principal } from '../accounts/principal.ts';
import type { IncidentUpdate } from './messages.ts';
import { incidentRooms, membershipOf, WORK_ORDERS_ROOM, workOrderDeliveries } from './rooms.ts';

const principal = (role: Principal['role'], vendorId?: string): Principal => ({
  userId: `u-${role}`,
  username: role,
  role,
  sessionId: `s-${role}`,
  ...(vendorId === undefined ? {} : { vendorId }),
});
const sites = ['admin-centre', 'annex'];

describe('room membership', () => {
  it('gives staff every site; the roles that follow orders also every work order', () => {
    for (const role of ['operator', 'facilities_manager', 'auditor'] as const) {
      const { rooms, workOrders } = membershipOf(principal(role), sites);
      expect(rooms).toEqual(expect.arrayContaining(['site:admin-centre', 'site:annex', WORK_ORDERS_ROOM]));
      expect(workOrders).toBe('all');
    }
    const admin = membershipOf(principal('administrator'), sites);
    expect(admin.sites).toEqual(sites);
    expect(admin.rooms).not.toContain(WORK_ORDERS_ROOM);
  });

  it('gives a vendor user its vendor room only: no site, no other vendor, no staff room', () => {
    const { rooms, sites: seen, workOrders } = membershipOf(principal('vendor_user', 'antu-lifts'), sites);
    expect(rooms.filter((room) => !room.startsWith('session:') && !room.startsWith('user:'))).toEqual([
      'vendor:antu-lifts',
    ]);
    expect(seen).toEqual([]);
    expect(workOrders).toBe('vendor');
    expect(membershipOf(principal('vendor_user'), sites).rooms.some((r) => r.startsWith('vendor:'))).toBe(
      false,
    );
  });

  it('always includes the session and user rooms, so logout can reach the socket', () => {
    expect(membershipOf(principal('operator'), sites).rooms).toEqual(
      expect.arrayContaining(['session:s-operator', 'user:u-operator']),
    );
  });
});

describe('work-order routing', () => {
  const event = {
    orderId: '42',
    vendorId: 'hengyuan-property',
    state: 'dispatched',
    action: 'reassign',
    at: '2026-11-23T08:05:00.000Z',
    seq: 4,
  };

  it('tells staff everything, the new vendor its order without the previous vendor, the previous one only that it left', () => {
    const deliveries = workOrderDeliveries({ ...event, previousVendorId: 'antu-lifts' });
    expect(deliveries).toEqual([
      {
        rooms: [WORK_ORDERS_ROOM],
        event: 'workorder',
        payload: { v: 1, ...event, previousVendorId: 'antu-lifts' },
      },
      { rooms: ['vendor:hengyuan-property'], event: 'workorder', payload: { v: 1, ...event } },
      {
        rooms: ['vendor:antu-lifts'],
        event: 'workorder:left',
        payload: { v: 1, orderId: '42', at: event.at },
      },
    ]);
  });

  it('sends an order in the office queue to staff only, and passes on no unknown field', () => {
    const deliveries = workOrderDeliveries({
      ...event,
      vendorId: null,
      action: 'create',
      extra: 'secret',
    } as never);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]?.rooms).toEqual([WORK_ORDERS_ROOM]);
    expect(deliveries[0]?.payload).not.toHaveProperty('extra');
  });

  it('turns a numeric order id into a string', () => {
    expect(workOrderDeliveries({ ...event, orderId: 7 })[1]?.payload.orderId).toBe('7');
  });
});

describe('incident routing', () => {
  const update = (buildingCode: string): IncidentUpdate => ({
    v: 1,
    kind: 'fired',
    incidentId: '1',
    at: '2026-11-23T08:05:00.000Z',
    actor: 'rules',
    incident: { id: '1', equipmentId: 'MB-LIFT-01', buildingCode, state: 'active' },
  });
  const siteOf = new Map([['330302A001', 'admin-centre']]);

  it("goes to its building's site room; an unknown building's to every site room rather than nowhere", () => {
    expect(incidentRooms(update('330302A001'), siteOf, sites)).toEqual({
      rooms: ['site:admin-centre'],
      known: true,
    });
    expect(incidentRooms(update('999999X999'), siteOf, sites)).toEqual({
      rooms: ['site:admin-centre', 'site:annex'],
      known: false,
    });
  });
});
