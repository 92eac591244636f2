/**
 * Stable codes of the account functions; the API maps them to responses and nobody branches on
 * message text.
 */
export const ACCOUNT_ERROR_CODES = [
  /** A field breaks the schema or the password rules (message: `path: problem`). */
  'invalid_input',
  /** The username is taken (case-insensitively). */
  'username_taken',
  /** No such user. */
  'not_found',
  /** A session for a disabled user. */
  'user_disabled',
] as const;
export type AccountErrorCode = (typeof ACCOUNT_ERROR_CODES)[number];

export class AccountError extends Error {
  readonly code: AccountErrorCode;

  constructor(code: AccountErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AccountError';
    this.code = code;
  }
}
