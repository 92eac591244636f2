import type { Static, TSchema } from 'typebox';
import {
  CommendationInput,
  ComplaintConclusionInput,
  ComplaintInput,
  InspectionInput,
  LeadershipReviewInput,
  RectificationNoticeInput,
  RectificationOutcomeInput,
  SurveyInput,
} from '../../../scoring/index.ts';
import type { Actor } from '../../../workorders/domain/index.ts';
import { actingActor, principalOf } from '../../access.ts';
import {
  Commendation,
  Complaint,
  ContractInputs,
  InputsParams,
  InputsQuery,
  Inspection,
  LeadershipReview,
  RectificationNotice,
  Survey,
} from '../../scoring-schemas.ts';
import type { ApiScope } from '../context.ts';
import { errors, RECORDERS, type ScoringRouteDeps, STAFF, TAGS } from './shared.ts';

// Manual inputs.

export function inputRoutes(api: ApiScope, deps: ScoringRouteDeps): void {
  const { scoring } = deps;
  const input = <B extends TSchema>(
    path: string,
    summary: string,
    body: B,
    reply: TSchema,
    record: (actor: Actor, body: Static<B>) => Promise<unknown>,
  ) =>
    api.post(
      `/scoring/${path}`,
      {
        config: { access: RECORDERS },
        preHandler: deps.limiters.write,
        schema: { tags: TAGS, summary, body, response: { 201: reply, ...errors } },
      },
      async (request, reply) => {
        const recorded = await record(actingActor(principalOf(request)), request.body as Static<B>);
        return reply.code(201).send(recorded);
      },
    );

  input(
    'inspections',
    '检查: an inspection (daily patrol, weekly joint check, monthly assessment, spot check) with its findings 一般问题 / 重大问题 and evidence; none found counts too',
    InspectionInput,
    Inspection,
    (actor, body) => scoring.recordInspection(actor, body),
  );
  input(
    'rectification-notices',
    '整改通知: a problem to put right by a deadline; `followsNoticeId` re-issues a failed one',
    RectificationNoticeInput,
    RectificationNotice,
    (actor, body) => scoring.issueRectification(actor, body),
  );
  input(
    'rectification-outcomes',
    'The check of a rectification notice: passed or failed (a failed one deducts; failing again along a chain leads to a written exit warning)',
    RectificationOutcomeInput,
    RectificationNotice,
    (actor, body) => scoring.recordRectificationOutcome(actor, body),
  );
  input(
    'complaints',
    '受理投诉: a complaint received (it deducts only once concluded as verified)',
    ComplaintInput,
    Complaint,
    (actor, body) => scoring.recordComplaint(actor, body),
  );
  input(
    'complaint-conclusions',
    "The investigation's result of a complaint: verified (deducts) or unfounded",
    ComplaintConclusionInput,
    Complaint,
    (actor, body) => scoring.concludeComplaint(actor, body),
  );
  input(
    'commendations',
    '表扬, 创新, 典型经验推广: a bonus with its evidence',
    CommendationInput,
    Commendation,
    (actor, body) => scoring.recordCommendation(actor, body),
  );
  input(
    'surveys',
    '满意度测评: questionnaires out and back, each service item rated 优 / 较好 / 一般 / 差, comments',
    SurveyInput,
    Survey,
    (actor, body) => scoring.recordSurvey(actor, body),
  );
  input(
    'leadership-reviews',
    "局领导半年综合考核: the half year's score out of 100",
    LeadershipReviewInput,
    LeadershipReview,
    (actor, body) => scoring.recordLeadershipReview(actor, body),
  );

  api.get(
    '/scoring/contracts/:contractId/inputs',
    {
      config: { access: STAFF },
      schema: {
        tags: TAGS,
        summary:
          "A contract's manual inputs of a period (month, quarter, half year or year) as they stand now, with who recorded each and when",
        params: InputsParams,
        querystring: InputsQuery,
        response: { 200: ContractInputs, ...errors },
      },
    },
    async (request) => scoring.inputsOf(request.params.contractId, request.query.period),
  );
}
