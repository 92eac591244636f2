import Type, { type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { BuildingCode, Id, ServiceCategory, Severity } from '../../config/schema/common.ts';
import { PAUSE_REASONS, WORK_ORDER_STATES } from './domain/index.ts';
import { WorkOrderStoreError } from './store/index.ts';

/**
 * What people send to the work-order service: the schemas the API's routes use for their bodies
 * and query strings, and the service checks again (it may be called from elsewhere). Types come
 * from the schemas.
 */

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });

/**
 * A file kept elsewhere (object store, document system): its name, where it is, optionally its
 * hash. Never the bytes: the URI must be `scheme://…`, which rules out `data:` URIs.
 */
export const AttachmentRefInput = Type.Object(
  {
    name: Text(200),
    uri: Type.String({ minLength: 1, maxLength: 2_000, pattern: '^[A-Za-z][A-Za-z0-9+.-]*://\\S+$' }),
    sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
  },
  { additionalProperties: false },
);
export type AttachmentRefInput = Static<typeof AttachmentRefInput>;

const Attachments = Type.Array(AttachmentRefInput, { maxItems: 20 });

export const NoteInput = Type.Object(
  { body: Text(4_000), attachments: Type.Optional(Attachments) },
  { additionalProperties: false },
);
export type NoteInput = Static<typeof NoteInput>;

/** Optional reason (a manager's is required where the permission table says so). */
export const ReasonInput = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 1_000 })) },
  { additionalProperties: false },
);
export type ReasonInput = Static<typeof ReasonInput>;

export const RequiredReasonInput = Type.Object({ reason: Text(1_000) }, { additionalProperties: false });
export type RequiredReasonInput = Static<typeof RequiredReasonInput>;

export const PauseRequestInput = Type.Object(
  { pauseReason: Type.Enum(PAUSE_REASONS), note: Text(1_000) },
  { additionalProperties: false },
);
export type PauseRequestInput = Static<typeof PauseRequestInput>;

/**
 * 处理结果: the cause found and the action taken, kept as a `resolution` note (both parts fit
 * the note's 4 000 characters), with attachments such as photos of the repair.
 */
export const ResolveInput = Type.Object(
  {
    cause: Text(1_800),
    actionTaken: Text(1_800),
    attachments: Type.Optional(Attachments),
    /** The transition's reason; a manager's override needs one, a vendor's defaults to the cause. */
    reason: Type.Optional(Type.String({ maxLength: 1_000 })),
  },
  { additionalProperties: false },
);
export type ResolveInput = Static<typeof ResolveInput>;

/** Dispatch from the office's queue, or reassign: to the vendor of this contract, under its SLA. */
export const AssignInput = Type.Object(
  { contractId: Id, reason: Type.Optional(Type.String({ maxLength: 1_000 })) },
  { additionalProperties: false },
);
export type AssignInput = Static<typeof AssignInput>;

export const ListInput = Type.Object(
  {
    /** Ignored for vendor users: they only ever list their own vendor's orders. */
    vendorId: Type.Optional(Id),
    contractId: Type.Optional(Id),
    states: Type.Optional(Type.Array(Type.Enum(WORK_ORDER_STATES), { maxItems: WORK_ORDER_STATES.length })),
    buildingCode: Type.Optional(BuildingCode),
    category: Type.Optional(ServiceCategory),
    severity: Type.Optional(Severity),
    officeQueue: Type.Optional(Type.Boolean()),
    incidentId: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
    createdFromMs: Type.Optional(Type.Integer()),
    createdBeforeMs: Type.Optional(Type.Integer()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type ListInput = Static<typeof ListInput>;

export const PerformanceInput = Type.Object(
  {
    fromMs: Type.Integer(),
    toMs: Type.Integer(),
    /** Ignored for vendor users: their own vendor only. */
    vendorId: Type.Optional(Id),
    category: Type.Optional(ServiceCategory),
  },
  { additionalProperties: false },
);
export type PerformanceInput = Static<typeof PerformanceInput>;

/** SLA breaches whose deadline fell in [fromMs, toMs), latest deadline first. */
export const BreachInput = Type.Object(
  {
    fromMs: Type.Integer(),
    toMs: Type.Integer(),
    /** Ignored for vendor users: their own vendor only. */
    vendorId: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5_000 })),
  },
  { additionalProperties: false },
);
export type BreachInput = Static<typeof BreachInput>;

/** Checks `value` against `schema`; `invalid_input` with `path: message` of the first problem otherwise. */
export function checkInput<S extends TSchema>(schema: S, value: unknown): Static<S> {
  if (Value.Check(schema, value)) return value as Static<S>;
  const first = [...Value.Errors(schema, value)][0] as
    | { instancePath?: string; message?: string }
    | undefined;
  const where = first?.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : 'input';
  throw new WorkOrderStoreError('invalid_input', `${where}: ${first?.message ?? 'is not valid'}`);
}
