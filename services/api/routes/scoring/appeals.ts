import { AppealDecisionInput, AppealInput } from '../../../scoring/index.ts';
import { ANY_ROLE, actingActor, principalOf } from '../../access.ts';
import { Appeal, AppealList, AppealParams, AppealQuery, DecisionReply } from '../../scoring-schemas.ts';
import type { ApiScope } from '../context.ts';
import {
  APPELLANTS,
  errors,
  notFound,
  RECORDERS,
  type ScoringRouteDeps,
  scopeOf,
  summaryOf,
  TAGS,
  visibleContract,
} from './shared.ts';

// Appeals.

export function appealRoutes(api: ApiScope, deps: ScoringRouteDeps): void {
  const { scoring } = deps;

  api.post(
    '/scoring/appeals',
    {
      config: { access: APPELLANTS },
      preHandler: deps.limiters.write,
      schema: {
        tags: TAGS,
        summary:
          "申诉: the vendor disputes a deduction line of its own contract's closed month, with a statement, within the scheme's window after publication; once per line",
        body: AppealInput,
        response: { 201: Appeal, ...errors },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      visibleContract(deps, principal, request.body.contractId);
      return reply.code(201).send(await scoring.fileAppeal(actingActor(principal), request.body));
    },
  );

  api.post(
    '/scoring/appeal-decisions',
    {
      config: { access: RECORDERS },
      preHandler: deps.limiters.write,
      schema: {
        tags: TAGS,
        summary:
          'A manager upholds or overturns an appeal with a reason; the month is scored again and stored as its next revision',
        body: AppealDecisionInput,
        response: { 201: DecisionReply, ...errors },
      },
    },
    async (request, reply) => {
      const { appeal, scorecard } = await scoring.decideAppeal(
        actingActor(principalOf(request)),
        request.body,
      );
      return reply.code(201).send({ appeal, scorecard: await summaryOf(deps, scorecard) });
    },
  );

  api.get(
    '/scoring/appeals',
    {
      config: { access: ANY_ROLE },
      schema: {
        tags: TAGS,
        summary:
          'Appeals, oldest first, filtered (`state=pending`: the ones waiting for a decision); a vendor user gets its own contracts’',
        querystring: AppealQuery,
        response: { 200: AppealList, ...errors },
      },
    },
    async (request) => {
      const { state, contractId, month } = request.query;
      const own = scopeOf(deps, principalOf(request));
      const named = contractId === undefined ? undefined : [contractId];
      const contractIds =
        own === undefined ? named : named === undefined ? own : named.filter((id) => own.includes(id));
      return {
        appeals: await scoring.appeals({
          contractIds: contractIds ?? null,
          ...(state === undefined ? {} : { state }),
          ...(month === undefined ? {} : { month }),
        }),
      };
    },
  );

  api.get(
    '/scoring/appeals/:appealId',
    {
      config: { access: ANY_ROLE },
      schema: {
        tags: TAGS,
        summary: "One appeal with its statement and decision; another vendor's is 404",
        params: AppealParams,
        response: { 200: Appeal, ...errors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const appeal = await scoring.appeal(request.params.appealId);
      if (!appeal) throw notFound(`appeal ${request.params.appealId}`);
      visibleContract(deps, principal, appeal.contractId);
      return appeal;
    },
  );
}
