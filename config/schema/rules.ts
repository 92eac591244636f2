import Type, { type Static } from 'typebox';
import { BuildingCode, Id, LocalizedText, PointKey, ServiceCategory, Severity } from './common.ts';
import { Condition } from './conditions.ts';
import { EquipmentClass } from './equipment.ts';

/**
 * Which equipment a rule watches. Every given criterion must hold (classes, buildings, equipment
 * ids, and all tags); a rule must select at least one piece of equipment.
 */
export const RuleSelector = Type.Object(
  {
    classes: Type.Optional(Type.Array(EquipmentClass, { minItems: 1 })),
    buildings: Type.Optional(Type.Array(BuildingCode, { minItems: 1 })),
    equipment: Type.Optional(Type.Array(Id, { minItems: 1 })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    /** Meters only: 分项计量 categories. */
    subMetering: Type.Optional(Type.Array(Type.String({ pattern: '^0[12][0A-D]00$' }), { minItems: 1 })),
  },
  { additionalProperties: false },
);

/**
 * Checks run on a schedule against the time-series store, not on each reading.
 * `after_hours_consumption`: energy used outside working hours on the Chinese working calendar
 * (holidays and adjusted working weekends) above a limit; `data_gap`: a meter's data missing for
 * longer than `maxGapS`; `energy_above_baseline`: daily energy above the weather-normalised
 * baseline (completed by the energy issue).
 */
export const ScheduledCheck = Type.Union([
  Type.Object(
    {
      type: Type.Literal('after_hours_consumption'),
      point: PointKey,
      /** kWh outside working hours per night or rest day, per meter. */
      limitKwh: Type.Number({ exclusiveMinimum: 0 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('data_gap'), point: PointKey, maxGapS: Type.Integer({ minimum: 60 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('energy_above_baseline'),
      point: PointKey,
      /** Fraction above the baseline's prediction, e.g. 0.15 for 15 %. */
      margin: Type.Number({ exclusiveMinimum: 0 }),
    },
    { additionalProperties: false },
  ),
]);

const ruleFields = {
  id: Id,
  /** Raised whenever the rule's meaning changes; incidents record the version that fired. */
  version: Type.Integer({ minimum: 1 }),
  /** Labels; `{equipment}`, `{building}`, `{value}`, `{unit}` are filled in when an incident opens. */
  title: LocalizedText,
  description: LocalizedText,
  /** The service category concerned: with the building, it routes the incident to a contract. */
  category: ServiceCategory,
  severity: Severity,
  enabled: Type.Optional(Type.Boolean()),
  selector: RuleSelector,
  /**
   * Work orders from this rule run under an SLA profile instead of the severity's row:
   * `trapped_passenger` (困人) is 24x7 with 30 minutes to arrive unless the contract says otherwise.
   */
  slaProfile: Type.Optional(Type.Enum(['trapped_passenger'])),
};

/** Evaluated on each reading by the rule worker that owns the equipment's shard. */
export const StreamingRule = Type.Object(
  {
    ...ruleFields,
    condition: Condition,
    /**
     * Clears when this holds, instead of when `condition` stops holding (with its hysteresis and
     * `clearForS`). For alarms whose all-clear is a different signal than the alarm's absence.
     */
    clear: Type.Optional(Condition),
    /** A cleared incident that fires again within this window is re-opened, not duplicated. */
    reactivationWindowS: Type.Optional(Type.Integer({ minimum: 0, maximum: 7 * 86_400 })),
  },
  { additionalProperties: false },
);

/** Run by a BullMQ repeatable job every `everyS` against the time-series store. */
export const ScheduledRule = Type.Object(
  {
    ...ruleFields,
    scheduled: ScheduledCheck,
    everyS: Type.Integer({ minimum: 60, maximum: 86_400 }),
  },
  { additionalProperties: false },
);

export const Rule = Type.Union([StreamingRule, ScheduledRule]);

export const RulesFile = Type.Object({ rules: Type.Array(Rule) }, { additionalProperties: false });

export type RulesFile = Static<typeof RulesFile>;
export type Rule = Static<typeof Rule>;
export type StreamingRule = Static<typeof StreamingRule>;
export type ScheduledRule = Static<typeof ScheduledRule>;
export type RuleSelector = Static<typeof RuleSelector>;
