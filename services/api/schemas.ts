import Type, { type TSchema } from 'typebox';
import { BuildingCode, Id, LocalizedText, ServiceCategory, Severity } from '../../config/schema/common.ts';
import { SlaTerms } from '../../config/schema/contracts.ts';
import { ACCOUNT_ROLES } from '../accounts/principal.ts';
import { DisplayName, Username } from '../accounts/types.ts';
import { EVENT_KINDS, INCIDENT_STATES } from '../incidents/types.ts';
import {
  ROLES as ACTOR_ROLES,
  PAUSE_REASONS,
  SLA_TARGETS,
  WORK_ORDER_STATES,
} from '../workorders/domain/index.ts';
import { NOTE_KINDS } from '../workorders/index.ts';

/**
 * What the API answers, as TypeBox schemas: they serialise the replies (fields not listed here
 * never leave the process), type the handlers (a domain object that no longer fits fails the
 * type check), and make the OpenAPI document. Request schemas are the services' own (`inputs.ts`).
 */

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Instant = Type.Integer({ description: 'milliseconds since the epoch' });
const Timestamp = Type.String({ format: 'date-time' });
/** Replies hand out the domain's readonly arrays as they are. */
const List = <T extends TSchema>(items: T, options?: { description: string }) =>
  Type.Immutable(Type.Array(items, options));
/** Structures the API passes through as the domain made them (documented in the domain's README). */
const Opaque = (description: string) => Type.Object({}, { additionalProperties: true, description });

// Accounts.

export const Me = Type.Object({
  userId: Type.String(),
  username: Username,
  displayName: DisplayName,
  role: Type.Enum(ACCOUNT_ROLES),
  vendorId: Nullable(Id),
});

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

export const LoginReply = Type.Object({
  token: Type.String({
    description: 'Also set as the http-only session cookie; send as `Authorization: Bearer <token>`',
  }),
  expiresAtMs: Instant,
  user: Me,
});

// Work orders.

export const OrderIdParams = Type.Object(
  { orderId: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }) },
  { additionalProperties: false },
);

const Actor = Type.Object(
  {
    role: Type.Enum(ACTOR_ROLES),
    userId: Type.Optional(Type.String()),
    vendorId: Type.Optional(Type.String()),
  },
  { description: 'Who acted: a person (username) or `system`' },
);

const Assignment = Type.Object({ vendorId: Id, contractId: Id, sla: SlaTerms });

const AttachmentRef = Type.Object({
  name: Type.String(),
  uri: Type.String(),
  sha256: Type.Optional(Type.String()),
});

const WorkOrderSnapshot = Type.Object({
  state: Type.Enum(WORK_ORDER_STATES),
  buildingCode: BuildingCode,
  category: ServiceCategory,
  severity: Severity,
  slaProfile: Nullable(Type.String()),
  incidentIds: List(Type.String()),
  route: Opaque('How the order was routed: a contract (immediate or daily group) or the office queue'),
  assignment: Nullable(Assignment),
  pendingPause: Nullable(
    Type.Object({ reason: Type.Enum(PAUSE_REASONS), note: Type.String(), requestedAtMs: Instant }),
  ),
  pausedFrom: Nullable(Type.String()),
  createdAtMs: Instant,
  updatedAtMs: Instant,
  closedAtMs: Nullable(Instant),
});

export const WorkOrder = Type.Object({
  id: Type.String(),
  state: Type.Enum(WORK_ORDER_STATES),
  buildingCode: BuildingCode,
  category: ServiceCategory,
  severity: Severity,
  slaProfile: Nullable(Type.String()),
  route: Opaque('How the order was routed: a contract (immediate or daily group) or the office queue'),
  officeQueueReason: Nullable(Type.String()),
  groupKey: Nullable(Type.String()),
  vendorId: Nullable(Type.String()),
  contractId: Nullable(Type.String()),
  order: WorkOrderSnapshot,
  nextCheckAtMs: Nullable(Instant),
  createdAtMs: Instant,
  updatedAtMs: Instant,
  closedAtMs: Nullable(Instant),
});

const TransitionRecord = Type.Object({
  action: Type.String(),
  from: Nullable(Type.Enum(WORK_ORDER_STATES)),
  to: Type.Enum(WORK_ORDER_STATES),
  atMs: Instant,
  actor: Actor,
  reason: Nullable(Type.String()),
  assignment: Type.Optional(Assignment),
  pauseReason: Type.Optional(Type.Enum(PAUSE_REASONS)),
  incidentActive: Type.Optional(Type.Boolean()),
});

export const Note = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  atMs: Instant,
  actor: Actor,
  kind: Type.Enum(NOTE_KINDS),
  body: Type.String(),
  attachments: List(AttachmentRef),
  resolution: Type.Optional(Type.Object({ cause: Type.String(), actionTaken: Type.String() })),
});

const SlaTargetStatus = Type.Object({
  leg: Type.Integer(),
  legCause: Type.String(),
  vendorId: Type.String(),
  contractId: Type.String(),
  target: Type.Enum(SLA_TARGETS),
  clock: Type.String(),
  budgetMinutes: Type.Number(),
  startMs: Instant,
  deadlineMs: Nullable(Instant),
  state: Type.Enum(['running', 'paused', 'met', 'breached', 'withdrawn']),
  completedAtMs: Nullable(Instant),
  usedMinutes: Type.Number(),
  pausedMinutes: Type.Number(),
  remainingMinutes: Type.Number(),
  minutesOver: Type.Number(),
  provisional: Type.Boolean(),
});

const Breach = Type.Object({
  orderId: Type.String(),
  leg: Type.Integer(),
  target: Type.Enum(SLA_TARGETS),
  vendorId: Type.String(),
  contractId: Type.String(),
  severity: Severity,
  category: Type.String(),
  deadlineMs: Instant,
  detectedAtMs: Instant,
  minutesOver: Type.Number(),
  provisional: Type.Boolean(),
});

export const BreachList = Type.Object({ breaches: List(Breach) });

export const WorkOrderDetail = Type.Object({
  order: WorkOrder,
  transitions: List(Type.Object({ seq: Type.Integer(), record: TransitionRecord, recordedAtMs: Instant })),
  notes: List(Note),
  incidents: List(
    Type.Object({
      incidentId: Type.String(),
      activationEventId: Type.String(),
      linkedAtMs: Instant,
      incidentState: Type.String(),
    }),
  ),
  breaches: List(Breach),
  sla: Type.Object({ targets: List(SlaTargetStatus), nextCheckAtMs: Nullable(Instant) }),
  allowedActions: List(Type.String(), {
    description: "What the caller's role could do from the order's state (the domain's permission table)",
  }),
});

export const AppliedTransition = Type.Object({
  order: WorkOrder,
  record: TransitionRecord,
  seq: Type.Integer(),
});

export const WorkOrderList = Type.Object({ orders: List(WorkOrder) });

export const PerformanceList = Type.Object({
  performance: List(
    Type.Object({
      vendorId: Type.String(),
      category: Type.String(),
      orders: Type.Integer(),
      legs: Type.Integer(),
      accepted: Type.Integer(),
      meanMinutesToAccept: Nullable(Type.Number()),
      arrived: Type.Integer(),
      meanMinutesToArrive: Nullable(Type.Number()),
      resolved: Type.Integer(),
      meanMinutesToResolve: Nullable(Type.Number()),
      reopenedOrders: Type.Integer(),
      repeatFailureRate: Nullable(Type.Number()),
    }),
  ),
});

// Incidents.

export const IncidentIdParams = Type.Object(
  { incidentId: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }) },
  { additionalProperties: false },
);

const OPEN_STATES = INCIDENT_STATES.filter((state) => state !== 'closed');

export const IncidentQuery = Type.Object(
  {
    buildingCode: Type.Optional(BuildingCode),
    category: Type.Optional(ServiceCategory),
    ruleId: Type.Optional(Id),
    equipmentId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    states: Type.Optional(Type.Array(Type.Enum(OPEN_STATES), { maxItems: OPEN_STATES.length })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_000 })),
  },
  { additionalProperties: false },
);

export const Incident = Type.Object({
  id: Type.String(),
  ruleId: Type.String(),
  ruleVersion: Type.Integer(),
  equipmentId: Type.String(),
  buildingCode: Type.String(),
  category: Type.String(),
  severity: Severity,
  state: Type.Enum(INCIDENT_STATES),
  title: LocalizedText,
  firstSeen: Timestamp,
  lastSeen: Timestamp,
  activatedAt: Timestamp,
  acknowledgedAt: Nullable(Timestamp),
  acknowledgedBy: Nullable(Type.String()),
  clearedAt: Nullable(Timestamp),
  closedAt: Nullable(Timestamp),
  closedBy: Nullable(Type.String()),
  occurrences: Type.Integer(),
  triggerValue: Nullable(Type.Number()),
  peakValue: Nullable(Type.Number()),
  evidence: Opaque('Readings around the trigger and the rule version'),
  reactivationWindowS: Type.Integer(),
  createdAt: Timestamp,
});

export const IncidentList = Type.Object({ incidents: List(Incident) });

export const IncidentDetail = Type.Object({
  incident: Incident,
  events: List(
    Type.Object({
      id: Type.String(),
      incidentId: Type.String(),
      at: Timestamp,
      kind: Type.Enum(EVENT_KINDS),
      actor: Type.String(),
      detail: Opaque('What the event carried: values, peak, reason'),
      recordedAt: Timestamp,
    }),
  ),
});

export const IncidentReply = Type.Object({ incident: Incident });
