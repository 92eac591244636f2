import { ANY_ROLE, actingActor, principalOf } from '../../access.ts';
import {
  Bulletin,
  CloseBody,
  CloseParams,
  CloseReply,
  Evaluation,
  EvaluationParams,
  MonthQuery,
  QuarterParams,
  RecomputeReply,
  RevisionQuery,
  ScorecardDetail,
  ScorecardList,
  ScorecardParams,
  ScorecardPreview,
} from '../../scoring-schemas.ts';
import type { ApiScope } from '../context.ts';
import {
  CLOSERS,
  errors,
  mayReadBulletin,
  notFound,
  type ScoringRouteDeps,
  STAFF,
  scopeOf,
  summaryOf,
  TAGS,
  visibleContract,
} from './shared.ts';

// Scorecards (月考核).

export function scorecardRoutes(api: ApiScope, deps: ScoringRouteDeps): void {
  const { scoring } = deps;

  api.get(
    '/scoring/scorecards',
    {
      config: { access: ANY_ROLE },
      schema: {
        tags: TAGS,
        summary:
          "The month's closed scorecards (latest revision of each) and the contracts not closed yet; a vendor user gets its own contracts'",
        querystring: MonthQuery,
        response: { 200: ScorecardList, ...errors },
      },
    },
    async (request) => {
      const { month } = request.query;
      const own = scopeOf(deps, principalOf(request));
      const stored = await scoring.latestScorecards([month], own);
      const closed = new Set(stored.map((card) => card.contractId));
      return {
        month,
        scorecards: await Promise.all(stored.map((card) => summaryOf(deps, card))),
        notClosed: scoring
          .contractsInForce(month)
          .filter((id) => !closed.has(id) && (own === undefined || own.includes(id))),
      };
    },
  );

  api.get(
    '/scoring/scorecards/:contractId/:month',
    {
      config: { access: ANY_ROLE },
      schema: {
        tags: TAGS,
        summary:
          "One closed month's scorecard (the latest revision, or `revision`): every line with its evidence references, the manual records they name, the appeals and the revisions; another vendor's is 404",
        params: ScorecardParams,
        querystring: RevisionQuery,
        response: { 200: ScorecardDetail, ...errors },
      },
    },
    async (request) => {
      const { contractId, month } = request.params;
      visibleContract(deps, principalOf(request), contractId);
      const stored = await scoring.scorecard(contractId, month, request.query.revision);
      if (!stored) throw notFound(`closed scorecard of ${contractId} for ${month}`);
      const [summary, revisions, evidence, appeals] = await Promise.all([
        summaryOf(deps, stored),
        scoring.revisions(contractId, month),
        scoring.evidenceOf(stored.scorecard),
        scoring.appeals({ contractIds: [contractId], month }),
      ]);
      return {
        summary,
        sha256: stored.sha256,
        auditSeq: stored.auditSeq,
        revisions,
        scorecard: stored.scorecard,
        evidence,
        appeals,
      };
    },
  );

  api.get(
    '/scoring/scorecards/:contractId/:month/preview',
    {
      config: { access: ANY_ROLE },
      schema: {
        tags: TAGS,
        summary:
          'The month scored as it stands now, not stored: a running month as if it ended now, a closed one with its pending appeals; another vendor’s is 404',
        params: ScorecardParams,
        response: { 200: ScorecardPreview, ...errors },
      },
    },
    async (request) => {
      const { contractId, month } = request.params;
      visibleContract(deps, principalOf(request), contractId);
      const computedAtMs = deps.clock.nowMs();
      const [scorecard, stored] = await Promise.all([
        scoring.previewMonth(contractId, month),
        scoring.scorecard(contractId, month),
      ]);
      return { contractId, month, closed: stored !== undefined, computedAtMs, scorecard };
    },
  );

  api.get(
    '/scoring/scorecards/:contractId/:month/recompute',
    {
      config: { access: STAFF },
      schema: {
        tags: TAGS,
        summary:
          'Recomputes a closed month (the latest revision, or `revision`) from the database with the scheme and terms stored with it, and compares the canonical bytes',
        params: ScorecardParams,
        querystring: RevisionQuery,
        response: { 200: RecomputeReply, ...errors },
      },
    },
    async (request) =>
      scoring.recompute(request.params.contractId, request.params.month, request.query.revision),
  );

  api.post(
    '/scoring/months/:month/close',
    {
      config: { access: CLOSERS },
      preHandler: deps.limiters.write,
      schema: {
        tags: TAGS,
        summary:
          '月考核 close: scores the ended month of every contract in force (or those named) and publishes revision 1; contracts already closed are returned as they are',
        params: CloseParams,
        body: CloseBody,
        response: { 200: CloseReply, ...errors },
      },
    },
    async (request) => {
      const { month } = request.params;
      const closed = await scoring.closeMonth(
        actingActor(principalOf(request)),
        month,
        request.body?.contractIds,
      );
      return { month, scorecards: await Promise.all(closed.map((card) => summaryOf(deps, card))) };
    },
  );
}

// Quarter and year.

export function periodRoutes(api: ApiScope, deps: ScoringRouteDeps): void {
  const { scoring } = deps;

  api.get(
    '/scoring/bulletins/:quarter',
    {
      config: { access: ANY_ROLE },
      schema: {
        tags: TAGS,
        summary:
          "季通报: every contract with a closed month in the quarter ranked by its mean month score, with highlights, praise and criticism, the consequences standing, and the office's own figures (双向考评). Staff read the draft at any time; a vendor user reads it once published (every contract's three months closed), else 403 `bulletin_not_published`",
        params: QuarterParams,
        response: { 200: Bulletin, ...errors },
      },
    },
    async (request) => {
      const { quarter } = request.params;
      await mayReadBulletin(deps, principalOf(request), quarter);
      return scoring.quarterlyBulletin(quarter);
    },
  );

  api.get(
    '/scoring/evaluations/:contractId/:year',
    {
      config: { access: ANY_ROLE },
      schema: {
        tags: TAGS,
        summary:
          "年考评 of one contract: the levels (daily patrols, monthly assessments, leadership review, satisfaction) with their weights, the grade and the consequences; a vendor user reads its own, another vendor's is 404",
        params: EvaluationParams,
        response: { 200: Evaluation, ...errors },
      },
    },
    async (request) => {
      const { contractId, year } = request.params;
      visibleContract(deps, principalOf(request), contractId);
      return scoring.annualEvaluation(contractId, year);
    },
  );
}
