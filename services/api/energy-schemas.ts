import Type, { type TSchema } from 'typebox';
import { BuildingCode, Id, IsoDate } from '../../config/schema/common.ts';

/**
 * Schemas of the energy routes (services/api/routes/energy.ts): consumption roll-ups with their
 * completeness, energy contracts and their savings. The dashboards take their types from here.
 */

export const List = <T extends TSchema>(items: T) => Type.Immutable(Type.Array(items));
export const Opaque = (description: string) => Type.Object({}, { additionalProperties: true, description });

/** A figure with its completeness: `partial` is a lower bound, `missing` is null, never zero. */
const Measured = {
  value: Type.Union([Type.Number(), Type.Null()]),
  status: Type.String({ description: 'complete, partial or missing' }),
  coverage: Type.Number({ description: "share of the period's time with known energy" }),
};
const Cell = Type.Object({
  item: Type.String({ description: '01000 total, 01A00…01D00 sub-items, unmetered, 02000 water' }),
  unit: Type.String(),
  ...Measured,
  intensity: Type.Object({
    perM2: Type.Union([Type.Number(), Type.Null()]),
    perOccupant: Type.Union([Type.Number(), Type.Null()]),
  }),
});
export const Rollup = Type.Object({
  siteId: Id,
  fromMs: Type.Integer(),
  toMs: Type.Integer(),
  floorAreaM2: Type.Number(),
  occupants: Type.Number(),
  buildings: List(
    Type.Object({
      buildingCode: BuildingCode,
      floorAreaM2: Type.Number(),
      occupants: Type.Number(),
      items: List(Cell),
    }),
  ),
  items: List(Cell),
});

/** Replies the dashboards read (types derive from these). */
export const EnergyToday = Type.Object({ date: IsoDate, rollup: Rollup });
export const EnergyContracts = Type.Object({
  contracts: Type.Array(
    Type.Object({
      id: Id,
      vendorId: Id,
      start: IsoDate,
      end: IsoDate,
      terms: Opaque('savings target, baseline period, tariff, shared savings and shortfall terms'),
    }),
  ),
});
export const ContractSavingsReply = Type.Object({
  contractId: Id,
  baselineSource: Type.String(),
  baseline: Opaque('the model (type, coefficients, balance points) and its fit quality'),
  savings: Opaque('avoided energy, its uncertainty and the per-day figures'),
  settlement: Opaque('target, shared savings or shortfall penalty at the tariff'),
  cumulative: List(Opaque('{ date, adjustedBaselineKwh, actualKwh, avoidedKwh, targetKwh }')),
  adjustments: List(Opaque('non-routine adjustments with reason and author')),
});

export const SiteQuery = Type.Object({ site: Type.Optional(Id) }, { additionalProperties: false });
export const RangeQuery = Type.Object(
  { site: Type.Optional(Id), fromDate: IsoDate, toDate: IsoDate },
  { additionalProperties: false },
);
export const ContractParams = Type.Object({ contractId: Id }, { additionalProperties: false });
export const MonthQuery = Type.Object(
  {
    site: Type.Optional(Id),
    month: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' }),
    lang: Type.Optional(Type.Enum(['zh-CN', 'en'])),
  },
  { additionalProperties: false },
);

export const RollupWithYoy = Type.Object({
  current: Rollup,
  previous: Rollup,
  changes: List(Opaque('{ buildingCode | "site", item, change }')),
});

/** A non-routine adjustment as recorded (append-only), with whether a correction replaced it. */
const Adjustment = Type.Object({
  id: Type.String(),
  fromDate: IsoDate,
  toDate: IsoDate,
  kwh: Type.Number(),
  reason: Type.String(),
  author: Type.String(),
  recordedAt: Type.String(),
  supersedes: Type.Union([Type.String(), Type.Null()]),
  superseded: Type.Boolean(),
});
export const AdjustmentList = Type.Object({ adjustments: List(Adjustment) });
export const AdjustmentBody = Type.Object(
  {
    fromDate: IsoDate,
    toDate: IsoDate,
    kwh: Type.Number({ minimum: -1e9, maximum: 1e9 }),
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
    /** The id of an earlier adjustment this one corrects. */
    supersedes: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
export const FrozenBaselineReply = Type.Object({
  contractId: Id,
  model: Opaque('the frozen baseline model: type, coefficients, balance points, fit statistics'),
});
