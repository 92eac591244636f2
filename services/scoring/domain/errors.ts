/**
 * Stable codes: the API maps them to responses, metrics label by them, and nobody branches on
 * message text.
 */
export const SCORING_ERROR_CODES = [
  /** An input that does not match its schema or contradicts itself (e.g. more answers than questionnaires). */
  'invalid_input',
  /** A period key that is not `YYYY-MM`, `YYYY-Qn`, `YYYY-Hn` or `YYYY`. */
  'invalid_period',
  /** The contract or scheme is not in the configuration. */
  'unknown_contract',
  'unknown_scheme',
  /** A manual input dated in a month whose scorecard is closed: closed means closed (appeals aside). */
  'period_closed',
  /** A month that is not closed yet has no published scorecard to appeal against or recompute. */
  'period_not_closed',
  /** The month is still running: it can be closed once it has ended. */
  'period_not_ended',
  /** The scorecard has no line with that id. */
  'line_not_found',
  /** Only deductions can be appealed. */
  'not_a_deduction',
  /** Filed after the scheme's appeal window (days after the scorecard was published). */
  'appeal_window_closed',
  /** The line already has an appeal (pending or decided): one appeal per deduction. */
  'appeal_exists',
  'appeal_not_found',
  /** The appeal was decided already. */
  'appeal_decided',
  /** A vendor user acting for another vendor's contract. */
  'not_own_contract',
  /** The role may not do this (e.g. a vendor deciding an appeal). */
  'not_allowed_for_role',
  /** A rectification notice, complaint … referred to does not exist (or is of another contract). */
  'not_found',
  /** The outcome, conclusion or decision was recorded already. */
  'already_recorded',
  /** A concurrent change won; read again and retry. */
  'conflict',
] as const;
export type ScoringErrorCode = (typeof SCORING_ERROR_CODES)[number];

export class ScoringError extends Error {
  readonly code: ScoringErrorCode;

  constructor(code: ScoringErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScoringError';
    this.code = code;
  }
}
