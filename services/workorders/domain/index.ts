export {
  type ContractTerms,
  GROUPABLE_SEVERITIES,
  SlaProfileOverrides,
  SlaTermsOverride,
  WorkOrderPolicy,
} from './contract-terms.ts';
export { WORK_ORDER_ERROR_CODES, WorkOrderError, type WorkOrderErrorCode } from './errors.ts';
export {
  createWorkOrder,
  type NewWorkOrder,
  REPEAT_FAILURE_WINDOW_MS,
  type TransitionResult,
  transition,
} from './lifecycle.ts';
export { ACTION_RULES, type ActionRule, actionsFor } from './permissions.ts';
export { covers, dailyGroupKey, type IncidentToRoute, inForce, routeIncident } from './routing.ts';
export {
  SLA_TARGETS,
  type SlaReport,
  type SlaTarget,
  type SlaTargetState,
  type SlaTargetStatus,
  slaStatus,
} from './sla.ts';
export { ROUND_THE_CLOCK, type SlaClock, slaClock, workingHoursClock } from './sla-clock.ts';
export { type LegCause, type LegEnd, type PauseInterval, type SlaLeg, slaLegs } from './sla-legs.ts';
export { assignmentFor, SLA_PROFILE_DEFAULTS, slaTermsFor } from './sla-terms.ts';
export * from './types.ts';
