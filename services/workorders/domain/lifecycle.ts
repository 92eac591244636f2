import type { ServiceCategory, Severity } from '../../../config/schema/common.ts';
import { WorkOrderError, type WorkOrderErrorCode } from './errors.ts';
import { ACTION_RULES } from './permissions.ts';
import {
  type Actor,
  type Assignment,
  PAUSE_REASONS,
  type PausableState,
  type Route,
  type SlaProfile,
  type TransitionContext,
  type TransitionRecord,
  type WorkOrder,
  type WorkOrderAction,
  type WorkOrderState,
} from './types.ts';

/** 重复故障: the same incident firing again within this long after the order closed reopens it. */
export const REPEAT_FAILURE_WINDOW_MS = 72 * 3_600_000;

export type TransitionResult =
  | { readonly ok: true; readonly order: WorkOrder; readonly record: TransitionRecord }
  | { readonly ok: false; readonly error: WorkOrderError };

export interface NewWorkOrder {
  readonly buildingCode: string;
  readonly category: ServiceCategory;
  readonly severity: Severity;
  readonly slaProfile?: SlaProfile | null;
  readonly incidentIds: readonly string[];
  readonly route: Route;
}

const CREATORS: readonly Actor['role'][] = ['system', 'facilities_manager', 'operator'];

/** A new order in `created`, with its first record. The system creates them from incidents. */
export function createWorkOrder(input: NewWorkOrder, actor: Actor, atMs: number): TransitionResult {
  if (!Number.isFinite(atMs)) return reject('invalid_input', `instant ${atMs} is not a finite number`);
  if (!CREATORS.includes(actor.role))
    return reject('not_allowed_for_role', `${actor.role} cannot create orders`);
  const order: WorkOrder = {
    state: 'created',
    buildingCode: input.buildingCode,
    category: input.category,
    severity: input.severity,
    slaProfile: input.slaProfile ?? null,
    incidentIds: [...input.incidentIds],
    route: input.route,
    assignment: null,
    pendingPause: null,
    pausedFrom: null,
    createdAtMs: atMs,
    updatedAtMs: atMs,
    closedAtMs: null,
  };
  return {
    ok: true,
    order,
    record: { action: 'create', from: null, to: 'created', atMs, actor, reason: null },
  };
}

/**
 * Apply one action to an order at `atMs` (from the injected clock). Checks, in this order: the
 * instant, the role, the vendor's ownership, the state, the reason, then the action's own rules,
 * so a vendor probing someone else's order learns nothing about its state.
 */
export function transition(
  order: WorkOrder,
  action: WorkOrderAction,
  actor: Actor,
  atMs: number,
  context: TransitionContext = {},
): TransitionResult {
  if (!Number.isFinite(atMs)) return reject('invalid_input', `instant ${atMs} is not a finite number`);
  if (atMs < order.updatedAtMs) {
    return reject(
      'out_of_order',
      `${action.type} at ${iso(atMs)} is before the last transition at ${iso(order.updatedAtMs)}`,
    );
  }
  const rule = Object.hasOwn(ACTION_RULES, action.type) ? ACTION_RULES[action.type] : undefined;
  if (!rule) return reject('invalid_input', `unknown action ${String(action.type)}`);
  if (!rule.roles.includes(actor.role)) {
    return reject('not_allowed_for_role', `${actor.role} may not ${action.type}`);
  }
  if (actor.role === 'vendor_user' && order.assignment?.vendorId !== actor.vendorId) {
    return reject('not_assigned_vendor', `the order is not assigned to vendor ${actor.vendorId}`);
  }
  if (!rule.from.includes(order.state)) {
    return reject('forbidden_transition', `cannot ${action.type} an order that is ${order.state}`);
  }
  const reason = action.reason?.trim() || null;
  if (reason === null && rule.reasonRequiredFor.includes(actor.role)) {
    return reject('reason_required', `${actor.role} must give a reason to ${action.type}`);
  }
  const outcome = apply(order, action, actor, atMs, context);
  if (outcome instanceof WorkOrderError) return { ok: false, error: outcome };
  const to = outcome.state ?? order.state;
  const changed: WorkOrder = { ...order, ...outcome.changes, state: to, updatedAtMs: atMs };
  const next: WorkOrder = {
    ...changed,
    // A pause request lapses when the order leaves the states it was asked from.
    pendingPause: to === 'accepted' || to === 'on_site' ? changed.pendingPause : null,
    pausedFrom: to === 'paused' ? changed.pausedFrom : null,
  };
  const record: TransitionRecord = {
    action: action.type,
    from: order.state,
    to,
    atMs,
    actor,
    reason,
    ...outcome.record,
  };
  return { ok: true, order: next, record };
}

interface Outcome {
  readonly state?: WorkOrderState;
  readonly changes?: Partial<Pick<WorkOrder, 'assignment' | 'pendingPause' | 'pausedFrom' | 'closedAtMs'>>;
  readonly record?: Pick<TransitionRecord, 'assignment' | 'pauseReason' | 'incidentActive'>;
}

function apply(
  order: WorkOrder,
  action: WorkOrderAction,
  actor: Actor,
  atMs: number,
  context: TransitionContext,
): Outcome | WorkOrderError {
  switch (action.type) {
    case 'dispatch':
    case 'reassign': {
      const problem = assignmentProblem(action.assignment);
      if (problem) return new WorkOrderError('invalid_input', problem);
      const assignment = copyAssignment(action.assignment);
      return { state: 'dispatched', changes: { assignment }, record: { assignment } };
    }
    case 'accept':
      return { state: 'accepted' };
    case 'reject':
      return { state: 'rejected' };
    case 'arrive':
      return { state: 'on_site' };
    case 'request_pause': {
      if (order.pendingPause) {
        return new WorkOrderError(
          'pause_already_requested',
          'a pause request is already waiting for a manager',
        );
      }
      if (!(PAUSE_REASONS as readonly string[]).includes(action.pauseReason)) {
        return new WorkOrderError('invalid_input', `unknown pause reason ${String(action.pauseReason)}`);
      }
      const note = action.reason?.trim() ?? '';
      return {
        changes: { pendingPause: { reason: action.pauseReason, note, requestedAtMs: atMs } },
        record: { pauseReason: action.pauseReason },
      };
    }
    case 'approve_pause':
    case 'deny_pause': {
      const pending = order.pendingPause;
      if (!pending)
        return new WorkOrderError(
          'no_pause_requested',
          `nothing to ${action.type === 'approve_pause' ? 'approve' : 'deny'}`,
        );
      if (action.type === 'deny_pause')
        return { changes: { pendingPause: null }, record: { pauseReason: pending.reason } };
      return {
        state: 'paused',
        changes: { pausedFrom: order.state as PausableState },
        record: { pauseReason: pending.reason },
      };
    }
    case 'resume':
      if (!order.pausedFrom)
        return new WorkOrderError('invalid_input', 'a paused order without the state it paused from');
      return { state: order.pausedFrom };
    case 'resolve': {
      if (order.incidentIds.length > 0 && context.incidentActive === undefined) {
        return new WorkOrderError(
          'missing_context',
          'resolving an order with incidents needs context.incidentActive',
        );
      }
      const incidentActive = context.incidentActive ?? false;
      if (incidentActive && actor.role === 'vendor_user') {
        return new WorkOrderError(
          'incident_still_active',
          'an incident of the order is still active; a facilities manager may resolve it with a reason',
        );
      }
      return { state: 'resolved', record: { incidentActive } };
    }
    case 'verify':
      return { state: 'verified' };
    case 'close':
      return { state: 'closed', changes: { closedAtMs: atMs } };
    case 'fail_verification':
    case 'reopen': {
      if (!order.assignment) return new WorkOrderError('invalid_input', 'the order was never assigned');
      if (action.type === 'reopen' && order.state === 'closed') {
        const closedAtMs = order.closedAtMs ?? order.updatedAtMs;
        if (atMs - closedAtMs > REPEAT_FAILURE_WINDOW_MS) {
          return new WorkOrderError(
            'reopen_window_passed',
            `closed at ${iso(closedAtMs)}, more than 72 hours before ${iso(atMs)}: open a new order`,
          );
        }
      }
      // Back to the same vendor, under the same frozen terms: a new SLA leg from now.
      return {
        state: 'dispatched',
        changes: { closedAtMs: null },
        record: { assignment: order.assignment },
      };
    }
    case 'cancel':
      return { state: 'cancelled' };
  }
}

function assignmentProblem(assignment: Assignment | undefined): string | undefined {
  if (!assignment) return 'an assignment (vendor, contract, SLA terms) is required';
  if (!assignment.vendorId || !assignment.contractId) return 'the assignment needs a vendor and a contract';
  const { acceptMinutes, arriveMinutes, resolveMinutes, clock } = assignment.sla ?? {};
  for (const minutes of [acceptMinutes, arriveMinutes, resolveMinutes]) {
    if (!(typeof minutes === 'number' && Number.isFinite(minutes) && minutes > 0)) {
      return `SLA minutes must be finite and > 0, got ${String(minutes)}`;
    }
  }
  if (clock !== '24x7' && clock !== 'working_hours') return `unknown SLA clock ${String(clock)}`;
  return undefined;
}

function copyAssignment(assignment: Assignment): Assignment {
  return { vendorId: assignment.vendorId, contractId: assignment.contractId, sla: { ...assignment.sla } };
}

function reject(code: WorkOrderErrorCode, message: string): TransitionResult {
  return { ok: false, error: new WorkOrderError(code, message) };
}

const iso = (ms: number): string => new Date(ms).toISOString();
