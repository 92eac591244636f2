import Type, { type Static } from 'typebox';
import { Id } from '../../config/schema/common.ts';

/**
 * Faults an operator or a test injects into the simulated building "by command". The schema is the
 * single source for the HTTP body validation and the types.
 */

const target = { equipmentId: Id };
const strict = { additionalProperties: false } as const;

export const FaultRequest = Type.Union([
  /** The device goes silent: its MQTT connection drops and nothing is published until cleared. */
  Type.Object({ kind: Type.Literal('meter_offline'), ...target }, strict),
  /** Supply air temperature drifts up by `driftK` over `overMinutes` while the valve sits fully open. */
  Type.Object(
    {
      kind: Type.Literal('ahu_supply_drift'),
      ...target,
      driftK: Type.Optional(Type.Number({ minimum: 0.5, maximum: 20 })),
      overMinutes: Type.Optional(Type.Number({ minimum: 0, maximum: 1440 })),
    },
    strict,
  ),
  /** The chiller stops with a fault code; its chilled water warms up. */
  Type.Object(
    {
      kind: Type.Literal('chiller_trip'),
      ...target,
      faultCode: Type.Optional(Type.Integer({ minimum: 1, maximum: 99 })),
    },
    strict,
  ),
  /** 困人: the car stops between floors, doors shut, trapped_passenger raised, fault code set. */
  Type.Object(
    {
      kind: Type.Literal('lift_trapped_passenger'),
      ...target,
      faultCode: Type.Optional(Type.Integer({ minimum: 1, maximum: 99 })),
    },
    strict,
  ),
  /** The door opens without an access event and stays open. */
  Type.Object({ kind: Type.Literal('door_forced_open'), ...target }, strict),
  /** A lighting (01A00) meter, or every lighting meter below it, keeps its daytime load at night. */
  Type.Object({ kind: Type.Literal('lighting_after_hours'), ...target }, strict),
]);
export type FaultRequest = Static<typeof FaultRequest>;
export type FaultKind = FaultRequest['kind'];

export const FAULT_KINDS: readonly FaultKind[] = [
  'meter_offline',
  'ahu_supply_drift',
  'chiller_trip',
  'lift_trapped_passenger',
  'door_forced_open',
  'lighting_after_hours',
];

/** Defaults applied when a request leaves a parameter out. */
export const FAULT_DEFAULTS = {
  driftK: 6,
  overMinutes: 30,
  /** 冷凝器高压保护 (condenser high-pressure trip) in the sample's chiller code table. */
  chillerFaultCode: 3,
  /** 门区外停梯 (stopped outside the door zone) in the sample's lift code table. */
  liftFaultCode: 5,
} as const;

/** A fault in force, with its parameters resolved. */
export type ActiveFault = FaultRequest & {
  readonly id: string;
  /** ISO 8601, from the simulator's clock. */
  readonly startedAt: string;
};

export type FaultErrorCode =
  | 'unknown_equipment'
  | 'fault_not_applicable'
  | 'invalid_fault_parameter'
  | 'fault_already_active'
  | 'simulator_not_running';

/** A refused fault request; `code` travels to the HTTP response unchanged. */
export class FaultError extends Error {
  readonly code: FaultErrorCode;

  constructor(code: FaultErrorCode, message: string) {
    super(message);
    this.name = 'FaultError';
    this.code = code;
  }
}
