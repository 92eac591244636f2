import { createHash } from 'node:crypto';
import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import { Id } from '../../config/schema/common.ts';

/**
 * A change of a work order as the work-order service publishes it on `<prefix>:workorders`
 * (`{ orderId, vendorId, state, action, at, seq? }`). Other properties are allowed and ignored:
 * what reaches a vendor is chosen here (webhookBody), never passed through.
 */
export const WorkOrderEvent = Type.Object({
  /** Ids are bigint in PostgreSQL, handed out as strings; a number is taken too. */
  orderId: Type.Union([Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), Type.Integer({ minimum: 1 })]),
  /** The vendor the order is assigned to after the change; null in the office's queue. */
  vendorId: Type.Optional(Type.Union([Id, Type.Null()])),
  /** On a reassignment, the vendor the order was taken from: it is told too, so it stops work. */
  previousVendorId: Type.Optional(Id),
  state: Type.String({ pattern: '^[a-z][a-z_]{0,39}$' }),
  /** The transition's action (`create`, `dispatch`, `accept`, …); the webhook event is `workorder.<action>`. */
  action: Type.String({ pattern: '^[a-z][a-z_]{0,39}$' }),
  /** When the transition happened (ISO 8601). */
  at: Type.String({ format: 'date-time' }),
  /** The transition's number within the order, when the publisher gives it. */
  seq: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type WorkOrderEvent = Static<typeof WorkOrderEvent>;

export const isWorkOrderEvent = (value: unknown): value is WorkOrderEvent =>
  Value.Check(WorkOrderEvent, value);

/** The `X-Steward-Event` header and the body's `event`. */
export const eventKind = (event: WorkOrderEvent): string => `workorder.${event.action}`;

/** The JSON a vendor receives. Version 1; a change of shape is a new version, not an edit. */
export interface WebhookPayload {
  readonly v: 1;
  readonly event: string;
  readonly vendorId: string;
  readonly workOrder: {
    readonly id: string;
    readonly state: string;
    readonly action: string;
    readonly at: string;
    readonly seq?: number;
    /** Whether the order is the recipient's after the change (false: reassigned to someone else). */
    readonly assignedToYou: boolean;
  };
}

export function webhookPayload(vendorId: string, event: WorkOrderEvent): WebhookPayload {
  return {
    v: 1,
    event: eventKind(event),
    vendorId,
    workOrder: {
      id: String(event.orderId),
      state: event.state,
      action: event.action,
      at: new Date(event.at).toISOString(),
      ...(event.seq === undefined ? {} : { seq: event.seq }),
      // Which vendor took the order over is not the previous vendor's business.
      assignedToYou: event.vendorId === undefined || event.vendorId === vendorId,
    },
  };
}

/** The vendors a change concerns: the order's vendor, and on a reassignment the one it left. */
export function recipientsOf(event: WorkOrderEvent): string[] {
  const recipients = [event.vendorId, event.previousVendorId].filter(
    (vendor): vendor is string => typeof vendor === 'string',
  );
  return [...new Set(recipients)];
}

/**
 * The delivery id of an event for a vendor, which is also its queue job id: the same change
 * for the same vendor always gets the same id, so publishing or notifying twice (several
 * processes listening, a redelivery) enqueues it once, and a receiver can de-duplicate even
 * across steward's retries. `at` is normalised so `+08:00` and `Z` spellings agree.
 */
export function deliveryIdOf(vendorId: string, event: WorkOrderEvent): string {
  const key = [
    'workorder',
    vendorId,
    String(event.orderId),
    event.seq ?? '',
    new Date(event.at).toISOString(),
    event.action,
  ].join('\n');
  return `wh_${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}
