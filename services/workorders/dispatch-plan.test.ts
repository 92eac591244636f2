import { describe, expect, it } from 'vitest';
import { type PreviousOrder, planDispatch, reopenable } from './dispatch-plan.ts';
import type { Route } from './domain/index.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 23, 2, 0, 0);

const immediate: Route = {
  kind: 'contract',
  contractId: 'lifts-2025',
  vendorId: 'antu-lifts',
  dispatch: 'immediate',
};
const grouped: Route = {
  kind: 'contract',
  contractId: 'property-compound-2025',
  vendorId: 'hengyuan-property',
  dispatch: 'daily_group',
  groupKey: 'property-compound-2025/330302A001/facility_maintenance/2026-11-23',
  siteDate: '2026-11-23',
};
const queued: Route = { kind: 'office_queue', reason: 'no_covering_contract', contractIds: [] };

const previous = (
  state: PreviousOrder['state'],
  closedAtMs: number | null = null,
  groupKey: string | null = null,
) => ({
  orderId: '7',
  state,
  closedAtMs,
  groupKey,
});

const plan = (route: Route, prev: PreviousOrder | null, groups: Record<string, string> = {}) =>
  planDispatch({ route, previous: prev, openGroupOrders: new Map(Object.entries(groups)), atMs: NOW });

describe('planDispatch', () => {
  it('opens an order on the route when the fault has no order yet', () => {
    expect(plan(immediate, null)).toEqual({ kind: 'create', route: immediate });
    expect(plan(queued, null)).toEqual({ kind: 'create', route: queued });
    expect(plan(grouped, null)).toEqual({ kind: 'create', route: grouped });
  });

  it('joins the open order of the day’s group', () => {
    const key = 'property-compound-2025/330302A001/facility_maintenance/2026-11-23';
    expect(plan(grouped, null, { [key]: '12' })).toEqual({
      kind: 'join',
      orderId: '12',
      because: 'daily_group',
    });
  });

  it('joins the same fault’s order while it is open, whatever the route says now', () => {
    for (const state of ['created', 'dispatched', 'accepted', 'on_site', 'paused', 'rejected'] as const) {
      expect(plan(immediate, previous(state))).toEqual({
        kind: 'join',
        orderId: '7',
        because: 'same_fault_open',
      });
    }
  });

  it('reopens the same fault’s order when resolved, verified or closed within 72 h (重复故障)', () => {
    expect(plan(immediate, previous('resolved'))).toEqual({ kind: 'reopen', orderId: '7' });
    expect(plan(immediate, previous('verified'))).toEqual({ kind: 'reopen', orderId: '7' });
    expect(plan(immediate, previous('closed', NOW - 72 * HOUR))).toEqual({ kind: 'reopen', orderId: '7' });
    expect(plan(immediate, previous('closed', NOW - 72 * HOUR - 1))).toEqual({
      kind: 'create',
      route: immediate,
    });
  });

  it('does not reopen a cancelled order', () => {
    expect(plan(immediate, previous('cancelled'))).toEqual({ kind: 'create', route: immediate });
  });

  it('joins the group’s new open order rather than reopen a second one of the same group', () => {
    const key = 'property-compound-2025/330302A001/facility_maintenance/2026-11-22';
    expect(plan(grouped, previous('resolved', null, key), { [key]: '9' })).toEqual({
      kind: 'join',
      orderId: '9',
      because: 'daily_group',
    });
    expect(plan(grouped, previous('resolved', null, key))).toEqual({ kind: 'reopen', orderId: '7' });
  });
});

describe('reopenable', () => {
  it('is the domain’s window: 72 h after closing, 72 h itself included', () => {
    expect(reopenable({ state: 'closed', closedAtMs: NOW - 72 * HOUR + 1_000 }, NOW)).toBe(true);
    expect(reopenable({ state: 'closed', closedAtMs: NOW - 72 * HOUR }, NOW)).toBe(true);
    expect(reopenable({ state: 'closed', closedAtMs: NOW - 72 * HOUR - 1_000 }, NOW)).toBe(false);
    expect(reopenable({ state: 'dispatched', closedAtMs: null }, NOW)).toBe(false);
  });
});
