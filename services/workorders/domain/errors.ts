/**
 * Stable codes: the API maps them to responses, metrics label by them, and nobody branches on
 * message text.
 */
export const WORK_ORDER_ERROR_CODES = [
  /** The action does not exist from the order's current state (e.g. accept a closed order). */
  'forbidden_transition',
  /** The actor's role may never take this action (e.g. a vendor verifying its own work). */
  'not_allowed_for_role',
  /** A vendor user acting on an order that is not assigned to its vendor. */
  'not_assigned_vendor',
  'reason_required',
  /** A vendor resolving while an incident of the order is still active; a manager may override. */
  'incident_still_active',
  'no_pause_requested',
  'pause_already_requested',
  /** A repeat failure (重复故障) more than 72 hours after closing opens a new order instead. */
  'reopen_window_passed',
  /** A fact the transition needs was not passed in the context. */
  'missing_context',
  /** A transition dated before the order's latest one. */
  'out_of_order',
  'invalid_input',
  /** A history the SLA report cannot be computed from (out of order, or a step without its leg). */
  'invalid_timeline',
] as const;
export type WorkOrderErrorCode = (typeof WORK_ORDER_ERROR_CODES)[number];

export class WorkOrderError extends Error {
  readonly code: WorkOrderErrorCode;

  constructor(code: WorkOrderErrorCode, message: string) {
    super(message);
    this.name = 'WorkOrderError';
    this.code = code;
  }
}
