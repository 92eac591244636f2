import Type, { type Static } from 'typebox';
import { BuildingCode, Fraction, Id, IsoDate, LocalizedText, SEVERITIES, ServiceCategory } from './common.ts';

/** One severity's SLA: minutes to accept (接单), arrive on site (到场) and resolve, and which clock runs. */
export const SlaTerms = Type.Object(
  {
    acceptMinutes: Type.Number({ exclusiveMinimum: 0 }),
    arriveMinutes: Type.Number({ exclusiveMinimum: 0 }),
    resolveMinutes: Type.Number({ exclusiveMinimum: 0 }),
    /** `24x7` runs around the clock; `working_hours` only on the Chinese working calendar's hours. */
    clock: Type.Enum(['24x7', 'working_hours']),
  },
  { additionalProperties: false },
);

export const SlaTable = Type.Object(
  Object.fromEntries(SEVERITIES.map((severity) => [severity, SlaTerms])) as Record<
    (typeof SEVERITIES)[number],
    typeof SlaTerms
  >,
  { additionalProperties: false },
);

/** Severities that may be grouped: critical and major faults always open an order at once. */
export const GROUPABLE_SEVERITIES = ['minor', 'warning'] as const;

/** How this contract's incidents become work orders. */
export const WorkOrderPolicy = Type.Object(
  {
    /**
     * Severities grouped into one order per building, category and site day instead of one
     * order each, opened at once. Default: none (every severity opens an order at once).
     */
    groupDaily: Type.Optional(Type.Array(Type.Enum(GROUPABLE_SEVERITIES), { uniqueItems: true })),
  },
  { additionalProperties: false },
);

const Minutes = Type.Number({ exclusiveMinimum: 0 });

/** Part of an SLA row; the given fields replace the severity row's. */
export const SlaTermsOverride = Type.Object(
  {
    acceptMinutes: Type.Optional(Minutes),
    arriveMinutes: Type.Optional(Minutes),
    resolveMinutes: Type.Optional(Minutes),
    clock: Type.Optional(Type.Enum(['24x7', 'working_hours'])),
  },
  { additionalProperties: false, minProperties: 1 },
);

/**
 * The contract's own terms for orders of an SLA profile, over the platform's default for it
 * (`SLA_PROFILE_DEFAULTS` in services/workorders): e.g. `trapped_passenger: { arriveMinutes: 20 }`.
 */
export const SlaProfileOverrides = Type.Object(
  { trapped_passenger: Type.Optional(SlaTermsOverride) },
  { additionalProperties: false },
);

/** 合同能源管理 terms: the vendor guarantees savings against a baseline frozen at signing. */
export const EnergyTerms = Type.Object(
  {
    /** Guaranteed savings as a share of the adjusted baseline, e.g. 0.12. */
    savingsTarget: Fraction,
    /**
     * The baseline period (at most 365 days), both dates included, fixed when the contract is
     * signed; it ends before the term starts. Its model is frozen once its data is complete.
     */
    baselineStart: IsoDate,
    baselineEnd: IsoDate,
    /** The day the contract, and with it the baseline period, was signed (shown on reports). */
    signedOn: Type.Optional(IsoDate),
    tariffCnyPerKwh: Type.Number({ exclusiveMinimum: 0 }),
    /** Vendor's share of savings beyond the target (shared savings). */
    vendorShareOfSavings: Fraction,
    /**
     * What the vendor pays for savings short of the target, as a multiple of the shortfall's value
     * at the tariff (1 = the full value of the energy not saved). Default 1.
     */
    shortfallPenaltyShare: Type.Optional(Type.Number({ minimum: 0, maximum: 10 })),
    /**
     * Meters whose consumption the contract is measured on. Default: each scope building's
     * electricity total (its 01000 meters, or its sub-item feeders where it has none).
     */
    meters: Type.Optional(Type.Array(Id, { minItems: 1, uniqueItems: true })),
    /** Add the working-day term (Chinese working calendar) to the baseline's candidate models. */
    workingDayRegressor: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type EnergyTerms = Static<typeof EnergyTerms>;

export const Contract = Type.Object(
  {
    id: Id,
    vendor: Id,
    /** 标段: the tendered lot this contract was awarded for. */
    lot: LocalizedText,
    scope: Type.Object(
      {
        buildings: Type.Array(BuildingCode, { minItems: 1 }),
        categories: Type.Array(ServiceCategory, { minItems: 1 }),
      },
      { additionalProperties: false },
    ),
    term: Type.Object({ start: IsoDate, end: IsoDate }, { additionalProperties: false }),
    /** Contract price per year, in yuan. */
    annualPriceCny: Type.Number({ exclusiveMinimum: 0 }),
    /** 服务保证金: share of the price held back against the scores. */
    depositShare: Fraction,
    sla: SlaTable,
    /** How incidents become work orders (daily grouping of minor ones); default: one order each, at once. */
    workOrders: Type.Optional(WorkOrderPolicy),
    /** Terms for orders of an SLA profile (困人 rescue), over the platform's defaults. */
    slaProfiles: Type.Optional(SlaProfileOverrides),
    scoringScheme: Id,
    /** Satisfaction rate (满意率) the vendor committed to; falling short triggers exit rules. */
    committedSatisfaction: Fraction,
    energy: Type.Optional(EnergyTerms),
  },
  { additionalProperties: false },
);

export const ContractsFile = Type.Object(
  { contracts: Type.Array(Contract, { minItems: 1 }) },
  { additionalProperties: false },
);

export type ContractsFile = Static<typeof ContractsFile>;
export type Contract = Static<typeof Contract>;
export type WorkOrderPolicy = Static<typeof WorkOrderPolicy>;
export type SlaTermsOverride = Static<typeof SlaTermsOverride>;
export type SlaProfileOverrides = Static<typeof SlaProfileOverrides>;
