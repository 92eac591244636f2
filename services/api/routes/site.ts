import type { Redis } from 'ioredis';
import type { ResolvedEquipment, SiteModel } from '../../../config/load/model.ts';
import type { Site } from '../../../config/schema/organisation.ts';
import { DAY_MS } from '../../calendar/iso-date.ts';
import { ANY_ROLE, principalOf, roles } from '../access.ts';
import { ApiError, ErrorBody } from '../errors.ts';
import {
  EquipmentList,
  IngestHealth,
  PointParams,
  Series,
  SeriesQuery,
  SiteList,
  SiteQuery,
} from '../site-schemas.ts';
import { readIngestHealth, type TelemetryReader } from '../telemetry.ts';
import type { ApiScope } from './context.ts';

const errors = { '4xx': ErrorBody, '5xx': ErrorBody };

/** The control room's readers, as for incidents: staff, not vendors. */
const READERS = roles('operator', 'facilities_manager', 'administrator', 'auditor');

/** A trend over more than this is refused: the store keeps about a year and a chart shows no more. */
const MAX_RANGE_MS = 400 * DAY_MS;
/** Points per trend at most; the step grows with the range. */
const MAX_POINTS = 1_000;
/** Steps a chart snaps to, so neighbouring ranges share cached answers. */
const STEPS_S = [15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 21_600, 43_200, 86_400];

export interface SiteRouteDeps {
  readonly model: SiteModel;
  readonly telemetry: TelemetryReader;
  readonly redis: Redis;
  readonly redisPrefix: string;
}

/** The step for a range: the smallest listed step that keeps the trend under MAX_POINTS. */
export function stepFor(rangeMs: number): number {
  const wanted = rangeMs / 1000 / MAX_POINTS;
  return STEPS_S.find((step) => step >= wanted) ?? Math.ceil(wanted);
}

/** Routes the dashboards draw the site from: registry, trends, ingest health. */
export function siteRoutes(api: ApiScope, deps: SiteRouteDeps, nowMs: () => number): void {
  const { model, telemetry } = deps;
  const siteOf = (id: string | undefined): Site => {
    const site = id === undefined ? model.sites[0] : model.sites.find((candidate) => candidate.id === id);
    if (!site) throw new ApiError(404, 'not_found', `no site ${JSON.stringify(id)}`);
    return site;
  };
  const equipmentOf = (site: Site): ResolvedEquipment[] =>
    [...model.equipment.values()].filter((item) => item.siteId === site.id);

  api.get(
    '/sites',
    {
      config: { access: ANY_ROLE },
      schema: {
        tags: ['site'],
        summary:
          'Sites and their buildings (names in zh-CN and en, floor area, occupants); for staff, the vendors too',
        response: { 200: SiteList, ...errors },
      },
    },
    async (request) => ({
      ...(principalOf(request).role === 'vendor_user'
        ? {}
        : { vendors: [...model.vendors.values()].map((vendor) => ({ id: vendor.id, name: vendor.name })) }),
      sites: model.sites.map((site) => ({
        id: site.id,
        name: site.name,
        timezone: site.timezone,
        buildings: site.buildings.map((building) => ({
          code: building.code,
          name: building.name,
          location: building.location,
          ...(building.floorAreaM2 === undefined ? {} : { floorAreaM2: building.floorAreaM2 }),
          ...(building.occupants === undefined ? {} : { occupants: building.occupants }),
        })),
      })),
    }),
  );

  api.get(
    '/equipment',
    {
      config: { access: READERS },
      schema: {
        tags: ['site'],
        summary: "A site's equipment with its class, sub-metering and points (units, state labels)",
        querystring: SiteQuery,
        response: { 200: EquipmentList, ...errors },
      },
    },
    async (request) => {
      const site = siteOf(request.query.site);
      return {
        equipment: equipmentOf(site).map((item) => ({
          id: item.id,
          name: item.name,
          class: item.class,
          className: model.classes.get(item.class)?.name ?? { 'zh-CN': item.class, en: item.class },
          category: item.category,
          siteId: item.siteId,
          buildingCode: item.buildingCode,
          ...(item.subMetering === undefined ? {} : { subMetering: item.subMetering }),
          ...(item.parent === undefined ? {} : { parent: item.parent }),
          points: item.points.map((point) => ({
            id: point.id,
            key: point.key,
            name: point.name ?? { 'zh-CN': point.key, en: point.key },
            quantity: point.quantity,
            unit: point.canonicalUnit,
            kind: point.kind,
            ...(point.intervalS === undefined ? {} : { intervalS: point.intervalS }),
            ...(point.states === undefined ? {} : { states: point.states }),
          })),
        })),
      };
    },
  );

  api.get(
    '/points/:pointId/series',
    {
      config: { access: READERS },
      schema: {
        tags: ['site'],
        summary:
          "A point's stored values over [from, to] from the time-series store: the last value of each step, gaps left empty; at most 1,000 values",
        params: PointParams,
        querystring: SeriesQuery,
        response: { 200: Series, ...errors },
      },
    },
    async (request) => {
      const point = model.points.get(request.params.pointId);
      if (!point) throw new ApiError(404, 'not_found', `no point ${request.params.pointId}`);
      const fromMs = Date.parse(request.query.from);
      const toMs = Date.parse(request.query.to);
      if (!(toMs > fromMs)) throw new ApiError(400, 'invalid_range', '`to` must be after `from`');
      if (toMs - fromMs > MAX_RANGE_MS)
        throw new ApiError(400, 'invalid_range', 'a trend covers at most 400 days', {
          maxDays: MAX_RANGE_MS / DAY_MS,
        });
      const stepS = stepFor(toMs - fromMs);
      const values = await telemetry.series(point.id, fromMs, toMs, stepS);
      return { pointId: point.id, unit: point.canonicalUnit, fromMs, toMs, stepS, values };
    },
  );

  api.get(
    '/ingest/health',
    {
      config: { access: READERS },
      schema: {
        tags: ['site'],
        summary:
          "The site gateway's ingest figures (rates, rejections by code, spool lag), the rule hand-off lag and the newest dead letters; `gateway` is null when no gateway reported in the last 30 s",
        querystring: SiteQuery,
        response: { 200: IngestHealth, ...errors },
      },
    },
    async (request) => {
      const site = siteOf(request.query.site);
      const health = await readIngestHealth(deps.redis, deps.redisPrefix, site.id, nowMs());
      return { site: site.id, ...health };
    },
  );
}
