/** Stable codes, so callers branch on `code` and metrics label by it, never on message text. */
export type ScheduledRuleErrorCode =
  /** The time-series store did not answer (connection refused, timeout). */
  | 'tsdb_unreachable'
  /** The store answered with an HTTP error status. */
  | 'tsdb_http_error'
  /** The store answered 2xx with a body that is not the expected JSON lines. */
  | 'tsdb_bad_response'
  /** The baseline provider threw. */
  | 'baseline_failed'
  /** `evaluateNow(ruleId)` or a job named a rule that is not an enabled scheduled rule of the site. */
  | 'unknown_rule'
  /** One or more equipment of a job could not be evaluated; the job fails so BullMQ retries it. */
  | 'evaluation_failed';

export class ScheduledRuleError extends Error {
  readonly code: ScheduledRuleErrorCode;
  /** HTTP status when the store answered, so an outage can be told from a rejected query. */
  readonly statusCode: number | undefined;

  constructor(code: ScheduledRuleErrorCode, message: string, statusCode?: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ScheduledRuleError';
    this.code = code;
    this.statusCode = statusCode;
  }
}
