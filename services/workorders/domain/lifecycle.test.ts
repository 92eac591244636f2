import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../runtime/clock.ts';
import { createWorkOrder, REPEAT_FAILURE_WINDOW_MS, transition } from './lifecycle.ts';
import {
  type ActionType,
  type Actor,
  type Assignment,
  ROLES,
  type Role,
  type TransitionContext,
  type TransitionRecord,
  WORK_ORDER_STATES,
  type WorkOrder,
  type WorkOrderAction,
  type WorkOrderState,
} from './types.ts';

const beijing = (local: string): number => Date.parse(`${local}+08:00`);

const LIFTS: Assignment = {
  vendorId: 'antu-lifts',
  contractId: 'lifts-2025',
  sla: { acceptMinutes: 15, arriveMinutes: 120, resolveMinutes: 480, clock: '24x7' },
};
const OTHER_LIFTS: Assignment = { ...LIFTS, vendorId: 'xinda-lifts', contractId: 'lifts-emergency-2025' };

const ACTORS: Readonly<Record<Role, Actor>> = {
  vendor_user: { role: 'vendor_user', userId: 'wang.tech', vendorId: 'antu-lifts' },
  facilities_manager: { role: 'facilities_manager', userId: 'li.manager' },
  operator: { role: 'operator', userId: 'zhao.duty' },
  administrator: { role: 'administrator', userId: 'root' },
  system: { role: 'system' },
};
const { vendor_user: vendor, facilities_manager: manager, operator, administrator, system } = ACTORS;
const otherVendor: Actor = { role: 'vendor_user', userId: 'chen.tech', vendorId: 'xinda-lifts' };

const NO_INCIDENT_ACTIVE: TransitionContext = { incidentActive: false };

/** Drives one order through the state machine at the fake clock's instants, keeping every record. */
class OrderStory {
  readonly clock = new ManualClock(beijing('2025-10-01T10:00:00'));
  order: WorkOrder;
  readonly records: TransitionRecord[] = [];

  constructor() {
    const created = createWorkOrder(
      {
        buildingCode: '330302A001',
        category: 'lift_maintenance',
        severity: 'major',
        incidentIds: ['42'],
        route: { kind: 'contract', contractId: 'lifts-2025', vendorId: 'antu-lifts', dispatch: 'immediate' },
      },
      system,
      this.clock.nowMs(),
    );
    if (!created.ok) throw created.error;
    this.order = created.order;
    this.records.push(created.record);
  }

  do(action: WorkOrderAction, actor: Actor, context: TransitionContext = {}): this {
    const result = transition(this.order, action, actor, this.clock.nowMs(), context);
    if (!result.ok) throw result.error;
    this.order = result.order;
    this.records.push(result.record);
    this.clock.advance(60_000);
    return this;
  }
}

type Step = readonly [WorkOrderAction, Actor, TransitionContext?];

const DISPATCH: Step = [{ type: 'dispatch', assignment: LIFTS }, system];
const ACCEPT: Step = [{ type: 'accept' }, vendor];
const ARRIVE: Step = [{ type: 'arrive' }, vendor];
const RESOLVE: Step = [{ type: 'resolve' }, vendor, { incidentActive: false }];
const VERIFY: Step = [{ type: 'verify' }, manager];

/** The shortest honest path to each state. */
const PATHS: Readonly<Record<WorkOrderState, readonly Step[]>> = {
  created: [],
  dispatched: [DISPATCH],
  accepted: [DISPATCH, ACCEPT],
  on_site: [DISPATCH, ACCEPT, ARRIVE],
  paused: [
    DISPATCH,
    ACCEPT,
    ARRIVE,
    [{ type: 'request_pause', pauseReason: 'awaiting_parts', reason: '曳引机编码器缺货' }, vendor],
    [{ type: 'approve_pause' }, manager],
  ],
  resolved: [DISPATCH, ACCEPT, ARRIVE, RESOLVE],
  verified: [DISPATCH, ACCEPT, ARRIVE, RESOLVE, VERIFY],
  closed: [DISPATCH, ACCEPT, ARRIVE, RESOLVE, VERIFY, [{ type: 'close' }, manager]],
  rejected: [DISPATCH, [{ type: 'reject', reason: '不在维保范围' }, vendor]],
  cancelled: [DISPATCH, [{ type: 'cancel', reason: '误报' }, manager]],
};

function orderIn(state: WorkOrderState, options: { pendingPause?: boolean } = {}): OrderStory {
  const story = new OrderStory();
  for (const [action, actor, context] of PATHS[state]) story.do(action, actor, context);
  if (options.pendingPause) {
    story.do(
      { type: 'request_pause', pauseReason: 'awaiting_owner_approval', reason: '维修报价待审批' },
      vendor,
    );
  }
  return story;
}

/** An action filled in as its first allowed role would send it, with a reason. */
function sample(type: ActionType): { action: WorkOrderAction; actor: Actor } {
  const reason = '理由';
  const byRole: Record<ActionType, { action: WorkOrderAction; actor: Actor }> = {
    dispatch: { action: { type: 'dispatch', assignment: LIFTS }, actor: system },
    reassign: { action: { type: 'reassign', assignment: LIFTS, reason }, actor: manager },
    accept: { action: { type: 'accept' }, actor: vendor },
    reject: { action: { type: 'reject', reason }, actor: vendor },
    arrive: { action: { type: 'arrive' }, actor: vendor },
    request_pause: {
      action: { type: 'request_pause', pauseReason: 'awaiting_parts', reason },
      actor: vendor,
    },
    approve_pause: { action: { type: 'approve_pause' }, actor: manager },
    deny_pause: { action: { type: 'deny_pause', reason }, actor: manager },
    resume: { action: { type: 'resume' }, actor: vendor },
    resolve: { action: { type: 'resolve' }, actor: vendor },
    verify: { action: { type: 'verify' }, actor: manager },
    fail_verification: { action: { type: 'fail_verification', reason }, actor: manager },
    close: { action: { type: 'close' }, actor: manager },
    reopen: { action: { type: 'reopen' }, actor: system },
    cancel: { action: { type: 'cancel', reason }, actor: manager },
  };
  return byRole[type];
}

const ACTION_TYPES: readonly ActionType[] = [
  'dispatch',
  'accept',
  'reject',
  'reassign',
  'arrive',
  'request_pause',
  'approve_pause',
  'deny_pause',
  'resume',
  'resolve',
  'verify',
  'fail_verification',
  'close',
  'reopen',
  'cancel',
];

/** The lifecycle of issue 5, written out by hand: from → action → to. Everything else is forbidden. */
const ALLOWED: Readonly<Record<WorkOrderState, Partial<Record<ActionType, WorkOrderState>>>> = {
  created: { dispatch: 'dispatched', cancel: 'cancelled' },
  dispatched: { accept: 'accepted', reject: 'rejected', reassign: 'dispatched', cancel: 'cancelled' },
  accepted: {
    arrive: 'on_site',
    reject: 'rejected',
    reassign: 'dispatched',
    request_pause: 'accepted',
    approve_pause: 'paused',
    deny_pause: 'accepted',
    cancel: 'cancelled',
  },
  on_site: {
    resolve: 'resolved',
    reject: 'rejected',
    reassign: 'dispatched',
    request_pause: 'on_site',
    approve_pause: 'paused',
    deny_pause: 'on_site',
    cancel: 'cancelled',
  },
  paused: { resume: 'on_site', reassign: 'dispatched', cancel: 'cancelled' },
  resolved: { verify: 'verified', fail_verification: 'dispatched', reopen: 'dispatched' },
  verified: { close: 'closed', reopen: 'dispatched' },
  closed: { reopen: 'dispatched' },
  rejected: { reassign: 'dispatched', cancel: 'cancelled' },
  cancelled: {},
};

describe('every action from every state', () => {
  const cases = WORK_ORDER_STATES.flatMap((state) => ACTION_TYPES.map((type) => [state, type] as const));

  it.each(cases)('%s --%s→', (state, type) => {
    const needsPending = type === 'approve_pause' || type === 'deny_pause';
    const story = orderIn(state, {
      pendingPause: needsPending && (state === 'accepted' || state === 'on_site'),
    });
    const { action, actor } = sample(type);
    const result = transition(story.order, action, actor, story.clock.nowMs(), NO_INCIDENT_ACTIVE);
    const expected = ALLOWED[state][type];
    if (expected === undefined) {
      // An order not yet dispatched is no vendor's: ownership is checked before the state.
      const refusal =
        state === 'created' && actor.role === 'vendor_user' ? 'not_assigned_vendor' : 'forbidden_transition';
      expect(result.ok ? result.order.state : result.error.code).toBe(refusal);
    } else {
      expect(result.ok ? result.order.state : result.error.code).toBe(expected);
    }
  });

  it('leaves a cancelled order alone whatever anyone does', () => {
    const story = orderIn('cancelled');
    for (const type of ACTION_TYPES) {
      const { action, actor } = sample(type);
      const result = transition(story.order, action, actor, story.clock.nowMs(), NO_INCIDENT_ACTIVE);
      expect(result.ok).toBe(false);
    }
  });
});

/** Which roles may take each action, written out by hand. */
const ROLES_ALLOWED: Readonly<Record<ActionType, readonly Role[]>> = {
  dispatch: ['system', 'facilities_manager'],
  accept: ['vendor_user'],
  reject: ['vendor_user'],
  reassign: ['facilities_manager'],
  arrive: ['vendor_user'],
  request_pause: ['vendor_user'],
  approve_pause: ['facilities_manager'],
  deny_pause: ['facilities_manager'],
  resume: ['vendor_user', 'facilities_manager'],
  resolve: ['vendor_user', 'facilities_manager'],
  verify: ['facilities_manager', 'operator'],
  fail_verification: ['facilities_manager', 'operator'],
  close: ['facilities_manager', 'system'],
  reopen: ['system', 'facilities_manager'],
  cancel: ['facilities_manager', 'administrator'],
};

/** A state each action is allowed from. */
const FROM: Readonly<Record<ActionType, WorkOrderState>> = {
  dispatch: 'created',
  accept: 'dispatched',
  reject: 'dispatched',
  reassign: 'rejected',
  arrive: 'accepted',
  request_pause: 'on_site',
  approve_pause: 'on_site',
  deny_pause: 'on_site',
  resume: 'paused',
  resolve: 'on_site',
  verify: 'resolved',
  fail_verification: 'resolved',
  close: 'verified',
  reopen: 'closed',
  cancel: 'dispatched',
};

describe('who may take each action', () => {
  const cases = ACTION_TYPES.flatMap((type) => ROLES.map((role) => [type, role] as const));

  it.each(cases)('%s by %s', (type, role) => {
    const story = orderIn(FROM[type], { pendingPause: type === 'approve_pause' || type === 'deny_pause' });
    const { action } = sample(type);
    const withReason = { ...action, reason: '理由' } as WorkOrderAction;
    const result = transition(story.order, withReason, ACTORS[role], story.clock.nowMs(), NO_INCIDENT_ACTIVE);
    if (ROLES_ALLOWED[type].includes(role)) {
      expect(result.ok ? 'ok' : result.error.code).toBe('ok');
    } else {
      expect(result.ok ? 'ok' : result.error.code).toBe('not_allowed_for_role');
    }
  });

  it('lets a vendor user act only on orders assigned to its own vendor, whatever their state', () => {
    for (const state of ['dispatched', 'on_site', 'closed'] as const) {
      const story = orderIn(state);
      const result = transition(story.order, { type: 'accept' }, otherVendor, story.clock.nowMs());
      expect(result.ok ? 'ok' : result.error.code).toBe('not_assigned_vendor');
    }
    const created = orderIn('created');
    const early = transition(created.order, { type: 'accept' }, vendor, created.clock.nowMs());
    expect(early.ok ? 'ok' : early.error.code).toBe('not_assigned_vendor');
  });

  it('lets only the system, a manager or an operator create orders', () => {
    const input = {
      buildingCode: '330302A004',
      category: 'energy_management',
      severity: 'major',
      incidentIds: [],
      route: { kind: 'office_queue', reason: 'no_covering_contract', contractIds: [] },
    } as const;
    expect(createWorkOrder(input, operator, 0).ok).toBe(true);
    const byVendor = createWorkOrder(input, vendor, 0);
    expect(byVendor.ok ? 'ok' : byVendor.error.code).toBe('not_allowed_for_role');
    const byAdmin = createWorkOrder(input, administrator, 0);
    expect(byAdmin.ok ? 'ok' : byAdmin.error.code).toBe('not_allowed_for_role');
  });
});

describe('reasons', () => {
  it.each([
    ['reject by the vendor', 'dispatched', { type: 'reject' }, vendor],
    ['reassign', 'rejected', { type: 'reassign', assignment: OTHER_LIFTS }, manager],
    ['request a pause', 'on_site', { type: 'request_pause', pauseReason: 'awaiting_parts' }, vendor],
    ['a manager resolving (override)', 'on_site', { type: 'resolve' }, manager],
    ['fail verification', 'resolved', { type: 'fail_verification' }, operator],
    ['a manager reopening', 'verified', { type: 'reopen' }, manager],
    ['cancel by an administrator', 'created', { type: 'cancel' }, administrator],
  ] as const)('%s needs one; blank does not count', (_label, state, action, actor) => {
    const story = orderIn(state);
    for (const reason of [undefined, '', '   ']) {
      const withReason = (reason === undefined ? action : { ...action, reason }) as WorkOrderAction;
      const result = transition(story.order, withReason, actor, story.clock.nowMs(), NO_INCIDENT_ACTIVE);
      expect(result.ok ? 'ok' : result.error.code).toBe('reason_required');
    }
    const given = transition(
      story.order,
      { ...action, reason: '  说明  ' } as WorkOrderAction,
      actor,
      story.clock.nowMs(),
      NO_INCIDENT_ACTIVE,
    );
    expect(given.ok && given.record.reason).toBe('说明');
  });

  it('does not ask the vendor for a reason to accept, arrive or resolve, nor the system to reopen', () => {
    const story = orderIn('dispatched')
      .do({ type: 'accept' }, vendor)
      .do({ type: 'arrive' }, vendor)
      .do({ type: 'resolve' }, vendor, NO_INCIDENT_ACTIVE)
      .do({ type: 'reopen' }, system);
    expect(story.order.state).toBe('dispatched');
    expect(story.records.at(-1)?.reason).toBeNull();
  });
});

describe('resolving while the incident is still active', () => {
  it('refuses the vendor', () => {
    const story = orderIn('on_site');
    const result = transition(story.order, { type: 'resolve' }, vendor, story.clock.nowMs(), {
      incidentActive: true,
    });
    expect(result.ok ? 'ok' : result.error.code).toBe('incident_still_active');
  });

  it('lets a manager override with a reason, and records that the incident was active', () => {
    const story = orderIn('on_site').do(
      { type: 'resolve', reason: '传感器故障，现场电梯已恢复运行' },
      manager,
      {
        incidentActive: true,
      },
    );
    expect(story.order.state).toBe('resolved');
    expect(story.records.at(-1)).toMatchObject({
      action: 'resolve',
      actor: manager,
      incidentActive: true,
      reason: '传感器故障，现场电梯已恢复运行',
    });
  });

  it('needs to be told whether the incident is active, unless the order has none', () => {
    const story = orderIn('on_site');
    const blind = transition(story.order, { type: 'resolve' }, vendor, story.clock.nowMs());
    expect(blind.ok ? 'ok' : blind.error.code).toBe('missing_context');
    const manual = transition(
      { ...story.order, incidentIds: [] },
      { type: 'resolve' },
      vendor,
      story.clock.nowMs(),
    );
    expect(manual.ok && manual.record.incidentActive).toBe(false);
  });
});

describe('pauses', () => {
  it('are asked by the vendor with a reason and approved by a manager; resume returns to where they began', () => {
    const story = orderIn('accepted').do(
      { type: 'request_pause', pauseReason: 'awaiting_owner_approval', reason: '需业主审批进入机房' },
      vendor,
    );
    expect(story.order.state).toBe('accepted');
    expect(story.order.pendingPause).toMatchObject({
      reason: 'awaiting_owner_approval',
      note: '需业主审批进入机房',
    });
    expect(story.records.at(-1)).toMatchObject({ action: 'request_pause', from: 'accepted', to: 'accepted' });

    story.do({ type: 'approve_pause' }, manager);
    expect(story.order).toMatchObject({ state: 'paused', pausedFrom: 'accepted', pendingPause: null });
    expect(story.records.at(-1)).toMatchObject({
      from: 'accepted',
      to: 'paused',
      pauseReason: 'awaiting_owner_approval',
    });

    story.do({ type: 'resume' }, vendor);
    expect(story.order).toMatchObject({ state: 'accepted', pausedFrom: null });
  });

  it('are refused without a request, or when one is already waiting', () => {
    const story = orderIn('on_site');
    const approve = transition(story.order, { type: 'approve_pause' }, manager, story.clock.nowMs());
    expect(approve.ok ? 'ok' : approve.error.code).toBe('no_pause_requested');
    story.do({ type: 'request_pause', pauseReason: 'awaiting_parts', reason: '等配件' }, vendor);
    const again = transition(
      story.order,
      { type: 'request_pause', pauseReason: 'awaiting_parts', reason: '还在等' },
      vendor,
      story.clock.nowMs(),
    );
    expect(again.ok ? 'ok' : again.error.code).toBe('pause_already_requested');
    const unknown = transition(
      orderIn('on_site').order,
      { type: 'request_pause', pauseReason: 'lunch' as 'awaiting_parts', reason: '午休' },
      vendor,
      story.clock.nowMs(),
    );
    expect(unknown.ok ? 'ok' : unknown.error.code).toBe('invalid_input');
  });

  it('can be denied with a reason, leaving the state as it was', () => {
    const story = orderIn('on_site', { pendingPause: true }).do(
      { type: 'deny_pause', reason: '配件可当日调拨' },
      manager,
    );
    expect(story.order).toMatchObject({ state: 'on_site', pendingPause: null });
    expect(story.records.at(-1)).toMatchObject({ action: 'deny_pause', from: 'on_site', to: 'on_site' });
  });

  it('lapse when the order moves on before a manager answers', () => {
    const resolved = orderIn('on_site', { pendingPause: true }).do(
      { type: 'resolve' },
      vendor,
      NO_INCIDENT_ACTIVE,
    );
    expect(resolved.order.pendingPause).toBeNull();
    // Arriving keeps it: the request was about the work, not the state.
    const arrived = orderIn('accepted', { pendingPause: true }).do({ type: 'arrive' }, vendor);
    expect(arrived.order.pendingPause).not.toBeNull();
  });

  it('must be resumed before arriving or resolving', () => {
    const story = orderIn('paused');
    const resolve = transition(
      story.order,
      { type: 'resolve' },
      vendor,
      story.clock.nowMs(),
      NO_INCIDENT_ACTIVE,
    );
    expect(resolve.ok ? 'ok' : resolve.error.code).toBe('forbidden_transition');
  });
});

describe('rejection and reassignment', () => {
  it('hands the order to the new vendor; the old one can no longer act on it', () => {
    const story = orderIn('rejected');
    expect(story.records.at(-1)).toMatchObject({
      action: 'reject',
      from: 'dispatched',
      to: 'rejected',
      actor: vendor,
    });
    story.do(
      { type: 'reassign', assignment: OTHER_LIFTS, reason: '安途电梯拒单，改派鑫达电梯应急维保' },
      manager,
    );
    expect(story.order.assignment).toEqual(OTHER_LIFTS);
    expect(story.records.at(-1)?.assignment).toEqual(OTHER_LIFTS);
    const old = transition(story.order, { type: 'accept' }, vendor, story.clock.nowMs());
    expect(old.ok ? 'ok' : old.error.code).toBe('not_assigned_vendor');
    story.do({ type: 'accept' }, otherVendor);
    expect(story.order.state).toBe('accepted');
  });

  it('refuses an assignment without vendor, contract or sound SLA terms', () => {
    const story = orderIn('rejected');
    for (const assignment of [
      { ...OTHER_LIFTS, vendorId: '' },
      { ...OTHER_LIFTS, sla: { ...OTHER_LIFTS.sla, arriveMinutes: 0 } },
      { ...OTHER_LIFTS, sla: { ...OTHER_LIFTS.sla, clock: 'office_hours' as '24x7' } },
    ]) {
      const result = transition(
        story.order,
        { type: 'reassign', assignment, reason: '改派' },
        manager,
        story.clock.nowMs(),
      );
      expect(result.ok ? 'ok' : result.error.code).toBe('invalid_input');
    }
  });
});

describe('verification and repeat failures (重复故障)', () => {
  it('sends a failed verification back to the same vendor under the same terms', () => {
    const story = orderIn('resolved').do({ type: 'fail_verification', reason: '电梯仍频繁报故障' }, operator);
    expect(story.order).toMatchObject({ state: 'dispatched', assignment: LIFTS });
    expect(story.records.at(-1)).toMatchObject({
      action: 'fail_verification',
      from: 'resolved',
      assignment: LIFTS,
    });
  });

  it.each([
    ['one second before 72 h', REPEAT_FAILURE_WINDOW_MS - 1000, 'dispatched'],
    ['at exactly 72 h', REPEAT_FAILURE_WINDOW_MS, 'dispatched'],
    ['one second after 72 h', REPEAT_FAILURE_WINDOW_MS + 1000, 'reopen_window_passed'],
  ])('reopens a closed order when the incident fires again %s after closing', (_label, afterMs, expected) => {
    const story = orderIn('closed');
    const closedAtMs = story.order.closedAtMs ?? Number.NaN;
    const result = transition(story.order, { type: 'reopen' }, system, closedAtMs + afterMs);
    expect(result.ok ? result.order.state : result.error.code).toBe(expected);
    if (result.ok) expect(result.order).toMatchObject({ closedAtMs: null, assignment: LIFTS });
  });

  it('reopens a verified order that is not yet closed at any time', () => {
    const story = orderIn('verified');
    const result = transition(story.order, { type: 'reopen' }, system, story.clock.nowMs() + 30 * 86_400_000);
    expect(result.ok && result.order.state).toBe('dispatched');
  });
});

describe('the record of each transition', () => {
  it('says who, when, from, to and why, for a whole lifecycle', () => {
    const story = orderIn('closed');
    expect(
      story.records.map((r) => [r.action, r.from, r.to, r.actor.role, new Date(r.atMs).toISOString()]),
    ).toEqual([
      ['create', null, 'created', 'system', '2025-10-01T02:00:00.000Z'],
      ['dispatch', 'created', 'dispatched', 'system', '2025-10-01T02:00:00.000Z'],
      ['accept', 'dispatched', 'accepted', 'vendor_user', '2025-10-01T02:01:00.000Z'],
      ['arrive', 'accepted', 'on_site', 'vendor_user', '2025-10-01T02:02:00.000Z'],
      ['resolve', 'on_site', 'resolved', 'vendor_user', '2025-10-01T02:03:00.000Z'],
      ['verify', 'resolved', 'verified', 'facilities_manager', '2025-10-01T02:04:00.000Z'],
      ['close', 'verified', 'closed', 'facilities_manager', '2025-10-01T02:05:00.000Z'],
    ]);
    expect(story.records[1]?.assignment).toEqual(LIFTS);
    expect(story.order.closedAtMs).toBe(beijing('2025-10-01T10:05:00'));
  });

  it('refuses a transition dated before the last one, and a non-finite instant', () => {
    const story = orderIn('dispatched');
    const late = transition(story.order, { type: 'accept' }, vendor, story.order.updatedAtMs - 1);
    expect(late.ok ? 'ok' : late.error.code).toBe('out_of_order');
    const same = transition(story.order, { type: 'accept' }, vendor, story.order.updatedAtMs);
    expect(same.ok).toBe(true);
    const nan = transition(story.order, { type: 'accept' }, vendor, Number.NaN);
    expect(nan.ok ? 'ok' : nan.error.code).toBe('invalid_input');
  });

  it('refuses an action it does not know', () => {
    const story = orderIn('dispatched');
    const result = transition(
      story.order,
      { type: 'escalate' } as unknown as WorkOrderAction,
      manager,
      story.clock.nowMs(),
    );
    expect(result.ok ? 'ok' : result.error.code).toBe('invalid_input');
  });
});
