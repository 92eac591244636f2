import type { Static } from 'typebox';
import type { ServiceCategory, Severity } from '../../../config/schema/common.ts';
import type { SlaTerms as SlaTermsSchema } from '../../../config/schema/contracts.ts';

/** One severity's SLA as the contract states it: minutes to accept, arrive and resolve, and the clock. */
export type SlaTerms = Static<typeof SlaTermsSchema>;
export type SlaClockKind = SlaTerms['clock'];

/**
 * Kinds of order whose SLA differs from their severity's row. `trapped_passenger` (困人): a lift
 * rescue, on site within 30 minutes day and night unless the contract says otherwise.
 */
export const SLA_PROFILES = ['trapped_passenger'] as const;
export type SlaProfile = (typeof SLA_PROFILES)[number];

/** Why an incident went to the facilities office's own queue instead of a vendor. */
export type OfficeQueueReason =
  /** No contract's scope covers the building and category. */
  | 'no_covering_contract'
  /** Contracts cover it, but none is in force on that site date (expired, or not started: re-tender gap). */
  | 'no_contract_in_force'
  /** More than one contract in force covers it: the configuration breaks "one area, one vendor per service". */
  | 'several_contracts_cover';

/**
 * Where an incident goes. A contract route opens the order at once, or joins the daily group of
 * minor orders for the same contract, building, category and site date. Nothing is ever dropped:
 * without exactly one contract in force, the order goes to the office queue, flagged.
 */
export type Route =
  | {
      readonly kind: 'contract';
      readonly contractId: string;
      readonly vendorId: string;
      readonly dispatch: 'immediate';
    }
  | {
      readonly kind: 'contract';
      readonly contractId: string;
      readonly vendorId: string;
      readonly dispatch: 'daily_group';
      readonly groupKey: string;
      readonly siteDate: string;
    }
  | {
      readonly kind: 'office_queue';
      readonly reason: OfficeQueueReason;
      /** The contracts concerned: covering but not in force, or the several in force. */
      readonly contractIds: readonly string[];
    };

/**
 * The lifecycle: created → dispatched → accepted → on_site → resolved → verified → closed, with
 * `paused` (a manager-approved stop of the clock) beside accepted and on_site, `rejected` (by the
 * vendor, waiting for a manager to reassign) and `cancelled` (a manager's end, with a reason).
 */
export const WORK_ORDER_STATES = [
  'created',
  'dispatched',
  'accepted',
  'on_site',
  'paused',
  'resolved',
  'verified',
  'closed',
  'rejected',
  'cancelled',
] as const;
export type WorkOrderState = (typeof WORK_ORDER_STATES)[number];

/** States a pause can start from, and return to on resume. */
export type PausableState = 'accepted' | 'on_site';

/**
 * Who acts. A vendor user is bound to one vendor and acts only on orders assigned to it; the
 * facilities manager (后勤管理人员 / 监管员) supervises; the operator (监控中心值班员) watches the
 * control room; the administrator runs the installation; `system` is the platform itself.
 */
export const ROLES = ['vendor_user', 'facilities_manager', 'operator', 'administrator', 'system'] as const;
export type Role = (typeof ROLES)[number];

export type Actor =
  | { readonly role: 'vendor_user'; readonly userId: string; readonly vendorId: string }
  | { readonly role: 'facilities_manager' | 'operator' | 'administrator'; readonly userId: string }
  | { readonly role: 'system' };

/** Why a vendor asks to stop the clock (挂起): parts on order, or the owner's approval (e.g. of a quote). */
export const PAUSE_REASONS = ['awaiting_parts', 'awaiting_owner_approval'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

/**
 * The vendor and contract an order is assigned to, with the SLA terms frozen at that moment:
 * a later edit of the contract never moves the deadlines of orders already dispatched.
 */
export interface Assignment {
  readonly vendorId: string;
  readonly contractId: string;
  readonly sla: SlaTerms;
}

export interface PendingPause {
  readonly reason: PauseReason;
  readonly note: string;
  readonly requestedAtMs: number;
}

/** One work order as the state machine sees it; the store adds the id and the incident links. */
export interface WorkOrder {
  readonly state: WorkOrderState;
  readonly buildingCode: string;
  readonly category: ServiceCategory;
  readonly severity: Severity;
  /** Orders whose SLA differs from their severity's row, e.g. a lift trapped-passenger (困人) rescue. */
  readonly slaProfile: SlaProfile | null;
  /** The incidents behind the order: one, several for a daily group of minor ones, none for a manual order. */
  readonly incidentIds: readonly string[];
  /** How the order was routed when it was created; `office_queue` flags it for the facilities office. */
  readonly route: Route;
  /** The current assignment, or the last one while rejected; null until first dispatched. */
  readonly assignment: Assignment | null;
  /** A vendor's pause request waiting for a manager. */
  readonly pendingPause: PendingPause | null;
  /** While paused: the state a resume returns to. */
  readonly pausedFrom: PausableState | null;
  readonly createdAtMs: number;
  /** Instant of the latest transition; a transition may not be earlier. */
  readonly updatedAtMs: number;
  readonly closedAtMs: number | null;
}

/** What a person or the system asks the state machine to do. */
export type WorkOrderAction =
  | { readonly type: 'dispatch'; readonly assignment: Assignment; readonly reason?: string }
  | { readonly type: 'accept'; readonly reason?: string }
  | { readonly type: 'reject'; readonly reason?: string }
  | { readonly type: 'reassign'; readonly assignment: Assignment; readonly reason?: string }
  | { readonly type: 'arrive'; readonly reason?: string }
  | { readonly type: 'request_pause'; readonly pauseReason: PauseReason; readonly reason?: string }
  | { readonly type: 'approve_pause'; readonly reason?: string }
  | { readonly type: 'deny_pause'; readonly reason?: string }
  | { readonly type: 'resume'; readonly reason?: string }
  | { readonly type: 'resolve'; readonly reason?: string }
  | { readonly type: 'verify'; readonly reason?: string }
  | { readonly type: 'fail_verification'; readonly reason?: string }
  | { readonly type: 'close'; readonly reason?: string }
  | { readonly type: 'reopen'; readonly reason?: string }
  | { readonly type: 'cancel'; readonly reason?: string };
export type ActionType = WorkOrderAction['type'];

/** Facts from outside the order that some transitions depend on. */
export interface TransitionContext {
  /**
   * Whether any incident of the order is still active (not cleared). Needed to resolve an order
   * that has incidents: a vendor cannot resolve while the fault is still being reported.
   */
  readonly incidentActive?: boolean;
}

/**
 * One row of the order's history: who, when, from, to, why. Append-only; the SLA report is
 * computed from these rows alone, so the timers can be rebuilt from the table after a restart.
 */
export interface TransitionRecord {
  readonly action: ActionType | 'create';
  readonly from: WorkOrderState | null;
  readonly to: WorkOrderState;
  readonly atMs: number;
  readonly actor: Actor;
  readonly reason: string | null;
  /** dispatch, reassign, fail_verification, reopen: the assignment a new SLA leg runs under. */
  readonly assignment?: Assignment;
  /** request_pause, approve_pause, deny_pause: what the vendor is waiting for. */
  readonly pauseReason?: PauseReason;
  /** resolve: whether an incident was still active (only a manager's override resolves then). */
  readonly incidentActive?: boolean;
}
