import { describe, expect, it } from 'vitest';
import { AccountError } from '../accounts/index.ts';
import { IncidentError } from '../incidents/index.ts';
import { WORK_ORDER_STORE_ERROR_CODES, WorkOrderStoreError } from '../workorders/index.ts';
import { ApiError, errorBody, toApiError } from './errors.ts';

describe('errors as the API answers them', () => {
  it('gives every work-order code a status, and hides internal inconsistencies', () => {
    const answers = Object.fromEntries(
      WORK_ORDER_STORE_ERROR_CODES.map((code) => {
        const error = toApiError(new WorkOrderStoreError(code, `detail of ${code}`));
        return [code, `${error.statusCode} ${error.code}`];
      }),
    );
    expect(answers).toEqual({
      forbidden_transition: '409 forbidden_transition',
      not_allowed_for_role: '403 forbidden',
      not_assigned_vendor: '404 not_found',
      reason_required: '422 reason_required',
      incident_still_active: '409 incident_still_active',
      no_pause_requested: '409 no_pause_requested',
      pause_already_requested: '409 pause_already_requested',
      reopen_window_passed: '409 reopen_window_passed',
      missing_context: '500 internal',
      out_of_order: '409 out_of_order',
      invalid_input: '400 invalid_input',
      invalid_timeline: '500 internal',
      not_found: '404 not_found',
      conflict: '409 conflict',
    });
    expect(toApiError(new WorkOrderStoreError('invalid_timeline', 'leg 3 has no dispatch')).message).toBe(
      'internal error',
    );
  });

  it('maps incident and account codes to the same vocabulary', () => {
    const of = (error: unknown) => {
      const api = toApiError(error);
      return `${api.statusCode} ${api.code}`;
    };
    expect(of(new IncidentError('INCIDENT_NOT_FOUND', 'x'))).toBe('404 not_found');
    expect(of(new IncidentError('INVALID_TRANSITION', 'x'))).toBe('409 forbidden_transition');
    expect(of(new IncidentError('INVALID_INPUT', 'x'))).toBe('400 invalid_input');
    expect(of(new AccountError('username_taken', 'x'))).toBe('409 username_taken');
  });

  it('turns anything unknown into a 500 that says nothing', () => {
    const error = toApiError(new Error('connect ECONNREFUSED 10.1.2.3:5432'));
    expect(errorBody(error)).toEqual({ error: { code: 'internal', message: 'internal error' } });
    expect(toApiError('a string').statusCode).toBe(500);
  });

  it('keeps validation issues as details', () => {
    const validation = Object.assign(new Error('body/reason must be string'), {
      statusCode: 400,
      validation: [{ instancePath: '/reason', message: 'must be string' }],
      validationContext: 'body',
    });
    expect(errorBody(toApiError(validation))).toEqual({
      error: {
        code: 'invalid_input',
        message: 'body.reason: must be string',
        details: { issues: [{ path: 'body.reason', message: 'must be string' }] },
      },
    });
    expect(errorBody(new ApiError(429, 'rate_limited', 'slow down', { retryAfterS: 3 }))).toMatchObject({
      error: { details: { retryAfterS: 3 } },
    });
  });
});
