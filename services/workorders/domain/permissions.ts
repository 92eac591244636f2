import type { ActionType, Role, WorkOrderState } from './types.ts';

export interface ActionRule {
  /** States the action may be taken from. */
  readonly from: readonly WorkOrderState[];
  /** Roles that may take it; a vendor user only on orders assigned to its vendor. */
  readonly roles: readonly Role[];
  /** Roles that must give a reason when they take it. */
  readonly reasonRequiredFor: readonly Role[];
}

const WORKING: readonly WorkOrderState[] = ['dispatched', 'accepted', 'on_site', 'paused'];

/**
 * Who may do what, from where. The API reads this to show or hide buttons and required reason
 * fields; `transition` enforces it. The administrator runs the installation and is outside the
 * supervision chain, so it may only cancel (duplicates, test orders), with a reason.
 */
export const ACTION_RULES: Readonly<Record<ActionType, ActionRule>> = {
  // system: an immediate route; manager: from the office queue, or a daily group sent early.
  dispatch: { from: ['created'], roles: ['system', 'facilities_manager'], reasonRequiredFor: [] },
  accept: { from: ['dispatched'], roles: ['vendor_user'], reasonRequiredFor: [] },
  reject: {
    from: ['dispatched', 'accepted', 'on_site'],
    roles: ['vendor_user'],
    reasonRequiredFor: ['vendor_user'],
  },
  // From `rejected`, or to take an order away from a vendor that does not act.
  reassign: {
    from: ['rejected', ...WORKING],
    roles: ['facilities_manager'],
    reasonRequiredFor: ['facilities_manager'],
  },
  arrive: { from: ['accepted'], roles: ['vendor_user'], reasonRequiredFor: [] },
  request_pause: {
    from: ['accepted', 'on_site'],
    roles: ['vendor_user'],
    reasonRequiredFor: ['vendor_user'],
  },
  approve_pause: { from: ['accepted', 'on_site'], roles: ['facilities_manager'], reasonRequiredFor: [] },
  deny_pause: {
    from: ['accepted', 'on_site'],
    roles: ['facilities_manager'],
    reasonRequiredFor: ['facilities_manager'],
  },
  resume: { from: ['paused'], roles: ['vendor_user', 'facilities_manager'], reasonRequiredFor: [] },
  // A manager resolving is an override of the vendor's path (e.g. the incident is still active).
  resolve: {
    from: ['on_site'],
    roles: ['vendor_user', 'facilities_manager'],
    reasonRequiredFor: ['facilities_manager'],
  },
  verify: { from: ['resolved'], roles: ['facilities_manager', 'operator'], reasonRequiredFor: [] },
  fail_verification: {
    from: ['resolved'],
    roles: ['facilities_manager', 'operator'],
    reasonRequiredFor: ['facilities_manager', 'operator'],
  },
  close: { from: ['verified'], roles: ['facilities_manager', 'system'], reasonRequiredFor: [] },
  // 重复故障: the same incident fires again before verification, or within 72 h of closing.
  reopen: {
    from: ['resolved', 'verified', 'closed'],
    roles: ['system', 'facilities_manager'],
    reasonRequiredFor: ['facilities_manager'],
  },
  cancel: {
    from: ['created', 'rejected', ...WORKING],
    roles: ['facilities_manager', 'administrator'],
    reasonRequiredFor: ['facilities_manager', 'administrator'],
  },
};

/** The actions a role could take from a state (ignoring vendor ownership and pending pauses). */
export function actionsFor(role: Role, state: WorkOrderState): ActionType[] {
  return (Object.keys(ACTION_RULES) as ActionType[]).filter((action) => {
    const rule = ACTION_RULES[action];
    return rule.roles.includes(role) && rule.from.includes(state);
  });
}
