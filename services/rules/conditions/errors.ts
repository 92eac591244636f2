/** Stable codes, so the worker branches on `code` and metrics label by it, never on message text. */
export type ConditionErrorCode =
  /** The state passed in was made for another condition (edited rule, wrong checkpoint). */
  | 'STATE_MISMATCH'
  /** The context lacks a registry fact the condition needs (a stale point's `intervalS`). */
  | 'MISSING_POINT_FACTS';

/** A programming or configuration error in how evaluation was called; bad readings never throw. */
export class ConditionError extends Error {
  readonly code: ConditionErrorCode;

  constructor(code: ConditionErrorCode, message: string) {
    super(message);
    this.name = 'ConditionError';
    this.code = code;
  }
}
