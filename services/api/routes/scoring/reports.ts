import type { FastifyReply } from 'fastify';
import Type, { type Static } from 'typebox';
import type { Principal } from '../../../accounts/principal.ts';
import { ReportError } from '../../../reports/index.ts';
import {
  bulletinDocument,
  reportOptionsOf,
  scorecardDocument,
  scorecardReport,
} from '../../../scoring/index.ts';
import { ANY_ROLE, principalOf, type RouteAccess } from '../../access.ts';
import { ApiError } from '../../errors.ts';
import { BulletinReportQuery, ScorecardReportQuery } from '../../scoring-schemas.ts';
import type { ApiScope } from '../context.ts';
import { errors, mayReadBulletin, notFound, type ScoringRouteDeps, TAGS, visibleContract } from './shared.ts';

// Reports (CSV and PDF).

export function reportRoutes(api: ApiScope, deps: ScoringRouteDeps): void {
  const { scoring, model } = deps;

  const scorecardOf = async (principal: Principal, query: Static<typeof ScorecardReportQuery>) => {
    const { contractId, month, revision, lang } = query;
    visibleContract(deps, principal, contractId);
    const report = await scorecardReport(scoring, contractId, month, revision);
    if (!report) throw notFound(`closed scorecard of ${contractId} for ${month}`);
    return {
      name: `scorecard-${contractId}-${month}`,
      document: scorecardDocument(
        report,
        reportOptionsOf(model, lang ?? 'zh-CN', deps.clock.now(), contractId),
      ),
    };
  };
  const bulletinOf = async (principal: Principal, query: Static<typeof BulletinReportQuery>) => {
    const { quarter, lang } = query;
    await mayReadBulletin(deps, principal, quarter);
    const bulletin = await scoring.quarterlyBulletin(quarter);
    return {
      name: `bulletin-${quarter}`,
      document: bulletinDocument(bulletin, reportOptionsOf(model, lang ?? 'zh-CN', deps.clock.now())),
    };
  };

  const csv = (reply: FastifyReply, name: string, content: Buffer) =>
    reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}.csv"`)
      .send(content);
  /** The one table a CSV download is: the document's others are in its PDF. */
  const tableCsv = (document: unknown, tableId: string): Buffer => {
    const file = deps.reports.csv(document).find((candidate) => candidate.tableId === tableId);
    if (!file) throw new Error(`the report has no ${tableId} table`);
    return file.content;
  };
  const pdf = async (reply: FastifyReply, name: string, document: unknown) => {
    let bytes: Buffer;
    try {
      bytes = await deps.reports.pdf(document);
    } catch (error) {
      if (error instanceof ReportError && (error.code === 'font_missing' || error.code === 'font_invalid'))
        throw new ApiError(503, 'report_font_unavailable', error.message);
      throw error;
    }
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="${name}.pdf"`)
      .send(bytes);
  };

  // The 200 is a file (sent as bytes, never through the serialiser); errors are the one shape.
  const fileReply = (produces: string) => ({
    200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: produces }),
    ...errors,
  });
  const scorecardSchema = (format: string, produces: string) => ({
    tags: TAGS,
    summary: `月度考核评分表 of a closed month as ${format}; another vendor's is 404`,
    querystring: ScorecardReportQuery,
    produces: [produces],
    response: fileReply(produces),
  });
  const bulletinSchema = (format: string, produces: string) => ({
    tags: TAGS,
    summary: `季度考核通报 as ${format}; a vendor user reads it once published (every contract's three months closed), else 403 \`bulletin_not_published\``,
    querystring: BulletinReportQuery,
    produces: [produces],
    response: fileReply(produces),
  });
  const access: RouteAccess = ANY_ROLE;

  api.get(
    '/scoring/reports/scorecard.csv',
    {
      config: { access },
      schema: scorecardSchema(
        'CSV of its lines (UTF-8 with BOM, one line per deduction or bonus)',
        'text/csv',
      ),
    },
    async (request, reply) => {
      const { name, document } = await scorecardOf(principalOf(request), request.query);
      return csv(reply, name, tableCsv(document, 'lines'));
    },
  );
  api.get(
    '/scoring/reports/scorecard.pdf',
    {
      config: { access },
      schema: scorecardSchema(
        'an A4 PDF: result, the year’s month scores as a chart, every line with its evidence, items, consequences',
        'application/pdf',
      ),
    },
    async (request, reply) => {
      const { name, document } = await scorecardOf(principalOf(request), request.query);
      return pdf(reply, name, document);
    },
  );
  api.get(
    '/scoring/reports/bulletin.csv',
    {
      config: { access },
      schema: bulletinSchema('CSV of its ranking (UTF-8 with BOM)', 'text/csv'),
    },
    async (request, reply) => {
      const { name, document } = await bulletinOf(principalOf(request), request.query);
      return csv(reply, name, tableCsv(document, 'ranking'));
    },
  );
  api.get(
    '/scoring/reports/bulletin.pdf',
    {
      config: { access },
      schema: bulletinSchema(
        'an A4 PDF: the ranking with a chart, praise and criticism, consequences, the office’s figures',
        'application/pdf',
      ),
    },
    async (request, reply) => {
      const { name, document } = await bulletinOf(principalOf(request), request.query);
      return pdf(reply, name, document);
    },
  );
}
