import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { SiteModel } from '../../../config/load/model.ts';
import { IsoDate } from '../../../config/schema/common.ts';
import {
  EnergyError,
  type EnergyErrorCode,
  type EnergyRecordsStore,
  type EnergyService,
  monthlyReport,
  monthlyReportCsv,
  monthlyReportDocument,
} from '../../energy/index.ts';
import { ReportError, type ReportRenderer } from '../../reports/index.ts';
import type { Clock } from '../../runtime/clock.ts';
import { principalOf, roles } from '../access.ts';
import {
  AdjustmentBody,
  AdjustmentList,
  ContractParams,
  ContractSavingsReply,
  EnergyContracts,
  EnergyToday,
  FrozenBaselineReply,
  MonthQuery,
  RangeQuery,
  RollupWithYoy,
  SiteQuery,
} from '../energy-schemas.ts';
import { ApiError, ErrorBody } from '../errors.ts';
import type { Limiters } from '../rate-limits.ts';
import type { ApiScope } from './context.ts';

const errors = { '4xx': ErrorBody, '5xx': ErrorBody };

/** Staff read energy; the vendor of an energy contract reads that contract's savings. */
const READERS = roles('operator', 'facilities_manager', 'administrator', 'auditor');
const CONTRACT_READERS = roles('operator', 'facilities_manager', 'administrator', 'auditor', 'vendor_user');

/** What the routes call on the energy service (the monthly report reads through it too). */
export type ApiEnergy = EnergyService;

/** What the routes call on the append-only records of a contract's baseline and adjustments. */
export type ApiEnergyRecords = Pick<EnergyRecordsStore, 'recordAdjustment' | 'adjustmentHistory'>;

export interface EnergyRouteDeps {
  readonly model: SiteModel;
  readonly energy: ApiEnergy;
  readonly records: ApiEnergyRecords;
  readonly reports: ReportRenderer;
  readonly clock: Clock;
  readonly limiters: Limiters;
}

/** Who may change what a contract is settled on: the facilities office's managers. */
const SETTLERS = roles('facilities_manager');

const ENERGY_STATUS: Readonly<Record<EnergyErrorCode, number>> = {
  invalid_input: 400,
  unknown_meter: 404,
  unknown_building: 404,
  unknown_site: 404,
  unknown_contract: 404,
  invalid_contract_terms: 422,
  no_weather_station: 422,
  baseline_insufficient: 422,
  invalid_adjustment: 400,
  baseline_already_frozen: 409,
  tsdb_unreachable: 503,
  tsdb_http_error: 503,
  tsdb_bad_response: 503,
};

/** The energy service's refusals as API errors (the store's failures as 503 `tsdb_unavailable`). */
async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof EnergyError)) throw error;
    const status = ENERGY_STATUS[error.code];
    const code = status === 503 ? 'tsdb_unavailable' : error.code;
    throw new ApiError(status, code, error.message);
  }
}

export function energyRoutes(api: ApiScope, deps: EnergyRouteDeps): void {
  const { model, energy } = deps;
  const siteId = (id: string | undefined): string => {
    const site = id === undefined ? model.sites[0] : model.sites.find((candidate) => candidate.id === id);
    if (!site) throw new ApiError(404, 'not_found', `no site ${JSON.stringify(id)}`);
    return site.id;
  };
  const energyContracts = () =>
    [...model.contracts.values()].filter((contract) => contract.energy !== undefined);

  api.get(
    '/energy/today',
    {
      config: { access: READERS },
      schema: {
        tags: ['energy'],
        summary:
          "Today's consumption so far (from local midnight), per building and sub-item (分项) and for the site, with kWh per m² and per occupant; gaps and meter resets make a figure partial or missing, never invented",
        querystring: SiteQuery,
        response: { 200: EnergyToday, ...errors },
      },
    },
    async (request) =>
      answering(async () => {
        const { date, ...rollup } = await energy.todayBySubItem(siteId(request.query.site));
        return { date, rollup };
      }),
  );

  api.get(
    '/energy/rollup',
    {
      config: { access: READERS },
      schema: {
        tags: ['energy'],
        summary:
          'Consumption over site dates [fromDate, toDate] per building and sub-item, with the same dates a year earlier and the change (同比)',
        querystring: RangeQuery,
        response: { 200: RollupWithYoy, ...errors },
      },
    },
    async (request) =>
      answering(() =>
        energy.yearOnYear(siteId(request.query.site), request.query.fromDate, request.query.toDate),
      ),
  );

  api.get(
    '/energy/contracts',
    {
      config: { access: CONTRACT_READERS },
      schema: {
        tags: ['energy'],
        summary: 'Energy performance contracts (合同能源管理) and their terms; a vendor user gets its own',
        response: { 200: EnergyContracts, ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return {
        contracts: energyContracts()
          .filter((contract) => principal.role !== 'vendor_user' || contract.vendor === principal.vendorId)
          .map((contract) => ({
            id: contract.id,
            vendorId: contract.vendor,
            start: contract.term.start,
            end: contract.term.end,
            terms: contract.energy ?? {},
          })),
      };
    },
  );

  api.get(
    '/energy/contracts/:contractId/savings',
    {
      config: { access: CONTRACT_READERS },
      schema: {
        tags: ['energy'],
        summary:
          "A contract's avoided energy over [fromDate, toDate] against its weather-normalised baseline (CalTRACK daily), with its ASHRAE 14 uncertainty, the settlement at the tariff and the cumulative savings against the target; another vendor's contract is 404",
        params: ContractParams,
        querystring: Type.Object({ fromDate: IsoDate, toDate: IsoDate }, { additionalProperties: false }),
        response: { 200: ContractSavingsReply, ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const contract = model.contracts.get(request.params.contractId);
      const visible =
        contract?.energy !== undefined &&
        (principal.role !== 'vendor_user' || contract.vendor === principal.vendorId);
      if (!visible) throw new ApiError(404, 'not_found', `no energy contract ${request.params.contractId}`);
      return answering(async () => {
        const result = await energy.contractSavings(request.params.contractId, request.query);
        return {
          contractId: result.contract.id,
          baselineSource: result.baselineSource,
          baseline: { ...result.baseline },
          savings: { ...result.savings },
          settlement: { ...result.settlement },
          cumulative: result.cumulative.map((point) => ({ ...point })),
          adjustments: result.adjustments.map((adjustment) => ({ ...adjustment })),
        };
      });
    },
  );

  /** The contract, if the caller may see it: staff, or the vendor holding it; otherwise 404. */
  const visibleContract = (request: FastifyRequest, contractId: string) => {
    const principal = principalOf(request);
    const contract = model.contracts.get(contractId);
    const visible =
      contract?.energy !== undefined &&
      (principal.role !== 'vendor_user' || contract.vendor === principal.vendorId);
    if (!visible) throw new ApiError(404, 'not_found', `no energy contract ${contractId}`);
    return contract;
  };

  api.get(
    '/energy/contracts/:contractId/adjustments',
    {
      config: { access: CONTRACT_READERS },
      schema: {
        tags: ['energy'],
        summary:
          "A contract's non-routine adjustments of its baseline, every one ever recorded, with who and why; a correction supersedes an earlier one, which stays listed",
        params: ContractParams,
        response: { 200: AdjustmentList, ...errors },
      },
    },
    async (request) => {
      visibleContract(request, request.params.contractId);
      return { adjustments: await deps.records.adjustmentHistory(request.params.contractId) };
    },
  );

  api.post(
    '/energy/contracts/:contractId/adjustments',
    {
      config: { access: SETTLERS },
      preHandler: deps.limiters.write,
      schema: {
        tags: ['energy'],
        summary:
          'Records a non-routine adjustment (kWh over a date range, positive raises the baseline) with its reason; the author and time are the caller and now; append-only',
        params: ContractParams,
        body: AdjustmentBody,
        response: { 201: AdjustmentList.properties.adjustments.items, ...errors },
      },
    },
    async (request, reply) => {
      visibleContract(request, request.params.contractId);
      const { supersedes, ...rest } = request.body;
      const adjustment = await answering(() =>
        deps.records.recordAdjustment(
          request.params.contractId,
          {
            ...rest,
            id: randomUUID(),
            author: principalOf(request).username,
            recordedAt: deps.clock.now().toISOString(),
          },
          supersedes,
        ),
      );
      return reply.code(201).send({ ...adjustment, supersedes: supersedes ?? null, superseded: false });
    },
  );

  api.post(
    '/energy/contracts/:contractId/baseline/freeze',
    {
      config: { access: SETTLERS },
      preHandler: deps.limiters.write,
      schema: {
        tags: ['energy'],
        summary:
          "Freezes the contract's baseline model once its baseline period is over: savings are settled against it from then on, never refitted (409 if frozen already, 422 if the data is not sufficient)",
        params: ContractParams,
        response: { 200: FrozenBaselineReply, ...errors },
      },
    },
    async (request) => {
      visibleContract(request, request.params.contractId);
      const frozen = await answering(() =>
        energy.freezeBaseline(request.params.contractId, principalOf(request).username),
      );
      return { contractId: request.params.contractId, model: { ...frozen.model } };
    },
  );

  api.get(
    '/energy/reports/monthly.csv',
    {
      config: { access: READERS },
      schema: {
        tags: ['energy'],
        summary:
          'The monthly energy report (consumption by building and sub-item, intensities, 同比, contracts) as CSV, UTF-8 with BOM',
        querystring: MonthQuery,
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'CSV, UTF-8 with a byte-order mark, CRLF' }), ...errors },
      },
    },
    async (request, reply) => {
      const site = siteId(request.query.site);
      const locale = request.query.lang ?? 'zh-CN';
      const report = await answering(() => monthlyReport(energy, site, request.query.month));
      const name = (code: string) => model.buildings.get(code)?.name[locale] ?? code;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="energy-${site}-${request.query.month}.csv"`)
        .send(monthlyReportCsv(report, locale, name));
    },
  );

  api.get(
    '/energy/reports/monthly.pdf',
    {
      config: { access: READERS },
      schema: {
        tags: ['energy'],
        summary:
          "The monthly energy report as an A4 PDF: a chart of each building by sub-item, the consumption table with completeness and 同比, and each energy contract's savings and settlement",
        querystring: MonthQuery,
        produces: ['application/pdf'],
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...errors },
      },
    },
    async (request, reply) => {
      const site = siteId(request.query.site);
      const locale = request.query.lang ?? 'zh-CN';
      const report = await answering(() => monthlyReport(energy, site, request.query.month));
      const document = monthlyReportDocument(report, {
        locale,
        siteName: model.sites.find((candidate) => candidate.id === site)?.name[locale] ?? site,
        buildingName: (code) => model.buildings.get(code)?.name[locale] ?? code,
        generatedAt: deps.clock.now(),
      });
      let pdf: Buffer;
      try {
        pdf = await deps.reports.pdf(document);
      } catch (error) {
        if (error instanceof ReportError && (error.code === 'font_missing' || error.code === 'font_invalid'))
          throw new ApiError(503, 'report_font_unavailable', error.message);
        throw error;
      }
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="energy-${site}-${request.query.month}.pdf"`)
        .send(pdf);
    },
  );
}
