import type { Static } from 'typebox';
import type { LocalizedText, ServiceCategory, Severity } from '../../config/schema/common.ts';

/** `{ zh-CN, en }`, as everywhere labels are shown to people. */
export type Label = Static<typeof LocalizedText>;

export const INCIDENT_STATES = ['active', 'acknowledged', 'cleared', 'closed'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];
export type OpenState = Exclude<IncidentState, 'closed'>;

export const EVENT_KINDS = ['fired', 'refired', 'acknowledged', 'cleared', 'reactivated', 'closed'] as const;
export type IncidentEventKind = (typeof EVENT_KINDS)[number];

/** One incident row. Absent facts are `null`, as in the database. */
export interface Incident {
  readonly id: string;
  readonly ruleId: string;
  readonly ruleVersion: number;
  readonly equipmentId: string;
  readonly buildingCode: string;
  readonly category: string;
  readonly severity: Severity;
  readonly state: IncidentState;
  readonly title: Label;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
  readonly activatedAt: Date;
  readonly acknowledgedAt: Date | null;
  readonly acknowledgedBy: string | null;
  readonly clearedAt: Date | null;
  readonly closedAt: Date | null;
  readonly closedBy: string | null;
  readonly occurrences: number;
  readonly triggerValue: number | null;
  readonly peakValue: number | null;
  readonly evidence: unknown;
  readonly reactivationWindowS: number;
  readonly createdAt: Date;
}

export interface IncidentEvent {
  readonly id: string;
  readonly incidentId: string;
  readonly at: Date;
  readonly kind: IncidentEventKind;
  readonly actor: string;
  readonly detail: Record<string, unknown>;
  readonly recordedAt: Date;
}

export interface FireInput {
  readonly ruleId: string;
  readonly ruleVersion: number;
  readonly equipmentId: string;
  readonly buildingCode: string;
  readonly category: ServiceCategory;
  readonly severity: Severity;
  /** Already rendered for this equipment. */
  readonly title: Label;
  /** When the condition fired (reading time), not when the message arrived. */
  readonly at: Date;
  readonly value: number;
  /** The most severe value of the episode; defaults to `value`. */
  readonly peak?: number;
  /** Which way "more severe" points when peaks are merged; `highest` unless the rule is a `below`. */
  readonly peakIs?: 'highest' | 'lowest';
  /** Readings around the trigger and the rule version, as JSON. Kept on the row when it opens. */
  readonly evidence: Record<string, unknown>;
  /** The rule's `reactivationWindowS`; the service default when absent. */
  readonly reactivationWindowS?: number;
}

export interface ClearInput {
  readonly ruleId: string;
  readonly equipmentId: string;
  readonly at: Date;
  readonly value?: number;
  readonly peak?: number;
}

export type FireOutcome = 'opened' | 'refired' | 'reactivated' | 'duplicate';
export type ClearOutcome = 'cleared' | 'duplicate' | 'no_open_incident';

export interface IncidentFilter {
  readonly buildingCode?: string;
  readonly category?: string;
  readonly ruleId?: string;
  readonly equipmentId?: string;
  readonly states?: readonly OpenState[];
  /** At most this many, newest `last_seen` first; default 500. */
  readonly limit?: number;
}
