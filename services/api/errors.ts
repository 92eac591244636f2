import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import Type, { type Static } from 'typebox';
import { AccountError, type AccountErrorCode } from '../accounts/index.ts';
import { IncidentError, type IncidentErrorCode } from '../incidents/index.ts';
import { WorkOrderStoreError, type WorkOrderStoreErrorCode } from '../workorders/index.ts';

/**
 * One error shape for every API answer that is not a success: `{ error: { code, message,
 * details? } }`. `code` is stable (the dashboards translate it; metrics and tests key on it),
 * `message` is English for people reading logs, `details` carries what a client can act on
 * (validation issues, when to retry). A 5xx never says more than `internal` and a request id.
 */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Object({}, { additionalProperties: true })),
    }),
  },
  { description: 'Any answer that is not a success' },
);
export type ErrorBody = Static<typeof ErrorBody>;

/** Codes of the API itself; domain codes (work orders, incidents, accounts) come through beside them. */
export type ApiErrorCode =
  | 'invalid_input'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'account_locked'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal';

export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    statusCode: number,
    code: ApiErrorCode | string,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.code = code;
    this.details = details;
  }
}

export const unauthenticated = (): ApiError =>
  new ApiError(401, 'unauthenticated', 'sign in first: a session cookie or an Authorization: Bearer token');

export const forbidden = (message = 'your role may not do this'): ApiError =>
  new ApiError(403, 'forbidden', message);

/**
 * Work-order codes → HTTP. The vendor scope answers `not_found` (also `not_assigned_vendor`, should
 * it ever reach here: a vendor learns nothing about another vendor's order). A transition that the
 * order's state does not allow is a conflict with the resource's state (409); a request the state
 * allows but that lacks something (a reason) is 422. Internal inconsistencies are 500s.
 */
const WORK_ORDER_STATUS: Readonly<Record<WorkOrderStoreErrorCode, number>> = {
  invalid_input: 400,
  not_found: 404,
  not_assigned_vendor: 404,
  not_allowed_for_role: 403,
  forbidden_transition: 409,
  incident_still_active: 409,
  no_pause_requested: 409,
  pause_already_requested: 409,
  reopen_window_passed: 409,
  out_of_order: 409,
  conflict: 409,
  reason_required: 422,
  missing_context: 500,
  invalid_timeline: 500,
};

/** Codes with an API-wide equivalent: one 403 and one 404 for the dashboards to handle. */
const RENAMED: Partial<Record<WorkOrderStoreErrorCode, ApiErrorCode>> = {
  not_assigned_vendor: 'not_found',
  not_allowed_for_role: 'forbidden',
};

const INCIDENT_STATUS: Readonly<Record<IncidentErrorCode, [number, string]>> = {
  INCIDENT_NOT_FOUND: [404, 'not_found'],
  // The same code as a work order's refused transition: one thing for the dashboards to translate.
  INVALID_TRANSITION: [409, 'forbidden_transition'],
  INVALID_INPUT: [400, 'invalid_input'],
};

const ACCOUNT_STATUS: Readonly<Record<AccountErrorCode, number>> = {
  invalid_input: 400,
  username_taken: 409,
  not_found: 404,
  user_disabled: 403,
};

/** Fastify's own 4xx (body parsing, media type, size) by status. */
const FRAMEWORK_CODES: Readonly<Record<number, ApiErrorCode>> = {
  400: 'invalid_input',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

interface ValidationIssue {
  readonly instancePath?: string;
  readonly message?: string;
}

/** Any thrown value as the API's error; anything unknown is an internal error. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof WorkOrderStoreError) {
    const status = WORK_ORDER_STATUS[error.code];
    const code = RENAMED[error.code] ?? error.code;
    return status >= 500 ? internal() : new ApiError(status, code, error.message);
  }
  if (error instanceof IncidentError) {
    const [status, code] = INCIDENT_STATUS[error.code];
    return new ApiError(status, code, error.message);
  }
  if (error instanceof AccountError)
    return new ApiError(ACCOUNT_STATUS[error.code], error.code, error.message);
  const framework = error as Partial<FastifyError> & { validation?: readonly ValidationIssue[] };
  if (framework.validation) {
    const where = framework.validationContext ?? 'input';
    const issues = framework.validation.map((issue) => ({
      path: `${where}${issue.instancePath ?? ''}`.replaceAll('/', '.'),
      message: issue.message ?? 'is not valid',
    }));
    const first = issues[0];
    return new ApiError(400, 'invalid_input', first ? `${first.path}: ${first.message}` : 'invalid input', {
      issues,
    });
  }
  const status = framework.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return new ApiError(
      status,
      FRAMEWORK_CODES[status] ?? 'invalid_input',
      framework.message ?? 'bad request',
    );
  }
  return internal();
}

const internal = (): ApiError => new ApiError(500, 'internal', 'internal error');

/** The scope's error handler: logs 5xx with the cause, answers the one shape. */
export function handleApiError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const apiError = toApiError(error);
  if (apiError.statusCode >= 500) {
    request.log.error({ err: error }, 'request failed');
    return reply.code(apiError.statusCode).send(errorBody(apiError, { requestId: request.id }));
  }
  return reply.code(apiError.statusCode).send(errorBody(apiError));
}

export function errorBody(error: ApiError, extra?: Record<string, unknown>): ErrorBody {
  const details = error.details || extra ? { ...error.details, ...extra } : undefined;
  return { error: { code: error.code, message: error.message, ...(details ? { details } : {}) } };
}
