import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { ScoringError, type ScoringErrorCode } from '../../scoring/index.ts';
import { ApiError, handleApiError } from '../errors.ts';
import type { ApiScope } from './context.ts';
import { appealRoutes } from './scoring/appeals.ts';
import { inputRoutes } from './scoring/inputs.ts';
import { reportRoutes } from './scoring/reports.ts';
import { periodRoutes, scorecardRoutes } from './scoring/scorecards.ts';
import type { ScoringRouteDeps } from './scoring/shared.ts';

export type { ApiScoring, ScoringRouteDeps } from './scoring/shared.ts';

/**
 * Scoring's codes as HTTP. The vendor scope and a missing contract or appeal are one 404
 * `not_found` (a vendor learns nothing about another's contracts); a month or appeal whose state
 * does not allow the request is 409; an inconsistent configuration is a 500.
 */
const SCORING_STATUS: Readonly<Record<ScoringErrorCode, readonly [number, string]>> = {
  invalid_input: [400, 'invalid_input'],
  invalid_period: [400, 'invalid_period'],
  unknown_contract: [404, 'not_found'],
  unknown_scheme: [500, 'internal'],
  period_closed: [409, 'period_closed'],
  period_not_closed: [409, 'period_not_closed'],
  period_not_ended: [409, 'period_not_ended'],
  line_not_found: [404, 'line_not_found'],
  not_a_deduction: [409, 'not_a_deduction'],
  appeal_window_closed: [409, 'appeal_window_closed'],
  appeal_exists: [409, 'appeal_exists'],
  appeal_not_found: [404, 'not_found'],
  appeal_decided: [409, 'appeal_decided'],
  not_own_contract: [404, 'not_found'],
  not_allowed_for_role: [403, 'forbidden'],
  not_found: [404, 'not_found'],
  already_recorded: [409, 'already_recorded'],
  conflict: [409, 'conflict'],
};

/** A scoring refusal as the API's error; anything else as it is (the API's handler decides). */
export function scoringApiError(error: unknown): unknown {
  if (!(error instanceof ScoringError)) return error;
  const [status, code] = SCORING_STATUS[error.code];
  return status >= 500 ? error : new ApiError(status, code, error.message);
}

/**
 * Vendor evaluation (考核评价) over the scoring store: the office's manual inputs, the month's
 * scorecards with their evidence, preview, close and recomputation, appeals and their decisions,
 * the quarterly bulletin and the annual evaluation, and the scorecard and bulletin as CSV and PDF
 * (the parts are in `./scoring/`). They sit in a child scope whose error handler turns
 * `ScoringError`s into the API's errors before the API's own handler answers; hooks, access
 * checks and the not-found handler are the parent's.
 */
export function scoringRoutes(api: ApiScope, deps: ScoringRouteDeps): void {
  const routes: FastifyPluginAsync = async (child) => {
    child.setErrorHandler((error, request, reply) => handleApiError(scoringApiError(error), request, reply));
    const scope = child.withTypeProvider<TypeBoxTypeProvider>();
    inputRoutes(scope, deps);
    scorecardRoutes(scope, deps);
    appealRoutes(scope, deps);
    periodRoutes(scope, deps);
    reportRoutes(scope, deps);
  };
  void api.register(routes);
}
