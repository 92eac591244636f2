import type { AccountRole, Principal } from '../accounts/principal.ts';
import type { WorkOrderEvent } from '../notifications/event.ts';
import type { IncidentUpdate, WorkOrderLeft, WorkOrderUpdate } from './messages.ts';

/**
 * Who hears what. Rooms are the only access control of the live feed, so membership and
 * routing are decided here, in pure functions, and nowhere else:
 * - `site:<id>`: live values and incidents of a site; every principal except vendor users.
 * - `workorders`: every work-order change, in full; the roles that follow all orders.
 * - `vendor:<id>`: the changes of that vendor's orders, without other vendors' ids; its users only.
 * - `session:<id>`, `user:<id>`: for disconnecting on logout or account changes, never emitted to.
 */
export const siteRoom = (siteId: string): string => `site:${siteId}`;
export const vendorRoom = (vendorId: string): string => `vendor:${vendorId}`;
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;
export const userRoom = (userId: string): string => `user:${userId}`;
export const WORK_ORDERS_ROOM = 'workorders';

/** Roles that follow every work order (the administrator manages accounts, not orders). */
const FOLLOWS_ALL_WORK_ORDERS: ReadonlySet<AccountRole> = new Set([
  'operator',
  'facilities_manager',
  'auditor',
]);

export interface Membership {
  readonly rooms: readonly string[];
  /** Sites whose live values and incidents the principal receives. */
  readonly sites: readonly string[];
  readonly workOrders: 'all' | 'vendor' | 'none';
}

export function membershipOf(principal: Principal, siteIds: readonly string[]): Membership {
  const own = [sessionRoom(principal.sessionId), userRoom(principal.userId)];
  if (principal.role === 'vendor_user') {
    // A vendor user not bound to a vendor is a broken account: it hears nothing.
    if (principal.vendorId === undefined) return { rooms: own, sites: [], workOrders: 'none' };
    return { rooms: [...own, vendorRoom(principal.vendorId)], sites: [], workOrders: 'vendor' };
  }
  const followsAll = FOLLOWS_ALL_WORK_ORDERS.has(principal.role);
  return {
    rooms: [...own, ...siteIds.map(siteRoom), ...(followsAll ? [WORK_ORDERS_ROOM] : [])],
    sites: [...siteIds],
    workOrders: followsAll ? 'all' : 'none',
  };
}

export type WorkOrderDelivery =
  | { readonly rooms: readonly string[]; readonly event: 'workorder'; readonly payload: WorkOrderUpdate }
  | { readonly rooms: readonly string[]; readonly event: 'workorder:left'; readonly payload: WorkOrderLeft };

/**
 * The emits one work-order change makes: in full to the staff room; to the order's vendor
 * without `previousVendorId`; to the vendor it was taken from, only that it left them.
 * Only the fields of the schema are passed on, whatever else the publisher added.
 */
export function workOrderDeliveries(event: WorkOrderEvent): WorkOrderDelivery[] {
  const vendorId = event.vendorId ?? null;
  const base = {
    v: 1 as const,
    orderId: String(event.orderId),
    vendorId,
    state: event.state,
    action: event.action,
    at: event.at,
    ...(event.seq === undefined ? {} : { seq: event.seq }),
  };
  const deliveries: WorkOrderDelivery[] = [
    {
      rooms: [WORK_ORDERS_ROOM],
      event: 'workorder',
      payload:
        event.previousVendorId === undefined ? base : { ...base, previousVendorId: event.previousVendorId },
    },
  ];
  if (vendorId !== null) {
    deliveries.push({ rooms: [vendorRoom(vendorId)], event: 'workorder', payload: base });
  }
  const previous = event.previousVendorId;
  if (previous !== undefined && previous !== vendorId) {
    deliveries.push({
      rooms: [vendorRoom(previous)],
      event: 'workorder:left',
      payload: { v: 1, orderId: base.orderId, at: event.at },
    });
  }
  return deliveries;
}

/**
 * The rooms of an incident: its building's site. An incident of a building this process does
 * not know goes to every site room: an alarm shown under the wrong site beats an alarm lost.
 */
export function incidentRooms(
  update: IncidentUpdate,
  siteOfBuilding: ReadonlyMap<string, string>,
  siteIds: readonly string[],
): { readonly rooms: readonly string[]; readonly known: boolean } {
  const site = siteOfBuilding.get(update.incident.buildingCode);
  return site === undefined
    ? { rooms: siteIds.map(siteRoom), known: false }
    : { rooms: [siteRoom(site)], known: true };
}
