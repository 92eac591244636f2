import Type from 'typebox';
import { BuildingCode, Id, LocalizedText, ServiceCategory } from '../../config/schema/common.ts';

/**
 * Schemas of the site routes: the registry as the dashboards draw it (sites, buildings,
 * equipment and their points), telemetry read back from the time-series store, and the
 * gateway's ingest health.
 */

const PointIdText = Type.String({ minLength: 1, maxLength: 160 });

export const SiteQuery = Type.Object({ site: Type.Optional(Id) }, { additionalProperties: false });

export const SiteList = Type.Object({
  /** Staff only: a vendor user is not told which other vendors serve the site. */
  vendors: Type.Optional(Type.Array(Type.Object({ id: Id, name: LocalizedText }))),
  sites: Type.Array(
    Type.Object({
      id: Id,
      name: LocalizedText,
      timezone: Type.String(),
      buildings: Type.Array(
        Type.Object({
          code: BuildingCode,
          name: LocalizedText,
          location: Type.String(),
          floorAreaM2: Type.Optional(Type.Number()),
          occupants: Type.Optional(Type.Number()),
        }),
      ),
    }),
  ),
});

export const EquipmentList = Type.Object({
  equipment: Type.Array(
    Type.Object({
      id: Type.String(),
      name: LocalizedText,
      class: Type.String(),
      className: LocalizedText,
      category: ServiceCategory,
      siteId: Id,
      buildingCode: BuildingCode,
      subMetering: Type.Optional(Type.String()),
      parent: Type.Optional(Type.String()),
      points: Type.Array(
        Type.Object({
          id: PointIdText,
          key: Type.String(),
          name: LocalizedText,
          quantity: Type.String(),
          unit: Type.String({ description: 'the canonical unit the store keeps values in' }),
          kind: Type.String(),
          intervalS: Type.Optional(
            Type.Number({ description: 'how often the device is expected to report' }),
          ),
          states: Type.Optional(Type.Record(Type.String(), LocalizedText)),
        }),
      ),
    }),
  ),
});

export const PointParams = Type.Object({ pointId: PointIdText }, { additionalProperties: false });

export const SeriesQuery = Type.Object(
  {
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const Series = Type.Object({
  pointId: PointIdText,
  unit: Type.String(),
  fromMs: Type.Integer(),
  toMs: Type.Integer(),
  stepS: Type.Integer({ description: 'seconds between points; chosen so a range has at most 1,000' }),
  values: Type.Array(Type.Tuple([Type.Integer(), Type.Number()]), {
    description: '[ms since the epoch, value in the unit] pairs, oldest first',
  }),
});

export const IngestHealth = Type.Object({
  site: Id,
  gateway: Type.Union([
    Type.Null(),
    Type.Object({
      atMs: Type.Integer(),
      acceptedReadings: Type.Number(),
      readingsPerS: Type.Number(),
      rejections: Type.Record(Type.String(), Type.Number()),
      spoolBytes: Type.Number(),
      lag: Type.Record(Type.String(), Type.Number(), {
        description: 'readings not yet handed on, by consumer',
      }),
    }),
  ]),
  handoffLagMs: Type.Union([Type.Number(), Type.Null()]),
  deadLetters: Type.Array(
    Type.Object(
      {
        at: Type.Number(),
        code: Type.String(),
        source: Type.Optional(Type.String()),
        detail: Type.Optional(Type.String()),
      },
      { additionalProperties: true },
    ),
  ),
});
