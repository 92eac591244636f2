import type { ServiceCategory, Severity } from '../../../config/schema/common.ts';
import type { SlaTarget } from '../../workorders/domain/sla.ts';

/**
 * Facts read from the work orders of a month, without any scheme applied: the scheme decides
 * what they cost. Each names the contract whose leg it concerns (a reassigned order has legs of
 * several contracts), the order and the leg, and the incidents behind the order (their telemetry
 * snapshot is the incident's evidence).
 */
interface OrderLegRef {
  readonly contractId: string;
  readonly orderId: string;
  /** 0-based: each dispatch, reassignment or return to a vendor starts a leg with its own SLA. */
  readonly leg: number;
  readonly severity: Severity;
  readonly category: ServiceCategory;
  readonly buildingCode: string;
  readonly incidentIds: readonly string[];
}

/** An SLA target (接单 / 到场 / 解决) whose deadline fell in the month and was missed. */
export interface SlaBreachFact extends OrderLegRef {
  readonly target: SlaTarget;
  readonly deadlineMs: number;
  /** When the target was done; null if it was not done by the month's end (or the leg ended first). */
  readonly completedAtMs: number | null;
  /** Minutes over on the SLA's clock, at completion or at the month's end. */
  readonly minutesOver: number;
}

/** 重复故障: a resolved order returned to the vendor (`reopen`) in the month. */
export interface RepeatFailureFact extends OrderLegRef {
  readonly reopenedAtMs: number;
}

/** An order whose current leg was not resolved when the month ended. */
export interface OpenAtPeriodEndFact extends OrderLegRef {
  readonly legStartMs: number;
  /** In a manager-approved pause (waiting for parts or for the owner) at the month's end. */
  readonly paused: boolean;
}

/**
 * Time a piece of equipment was down because of an order of this leg: from the leg's dispatch
 * until it was resolved, handed on, or the month's end, within the month.
 */
export interface DowntimeFact extends OrderLegRef {
  readonly equipmentId: string;
  readonly fromMs: number;
  readonly toMs: number;
}

/** The office's side (双向考评): how long resolved orders waited for someone to verify them. */
export interface VerificationFact {
  readonly orderId: string;
  readonly contractId: string;
  readonly resolvedAtMs: number;
  /** verify or fail_verification in the month; null: still waiting at the month's end. */
  readonly checkedAtMs: number | null;
  readonly outcome: 'verified' | 'failed' | 'waiting';
}

export interface AutomaticFacts {
  readonly slaBreaches: readonly SlaBreachFact[];
  readonly repeatFailures: readonly RepeatFailureFact[];
  readonly openAtPeriodEnd: readonly OpenAtPeriodEndFact[];
  readonly downtime: readonly DowntimeFact[];
  readonly verifications: readonly VerificationFact[];
}

export const NO_AUTOMATIC_FACTS: AutomaticFacts = {
  slaBreaches: [],
  repeatFailures: [],
  openAtPeriodEnd: [],
  downtime: [],
  verifications: [],
};
