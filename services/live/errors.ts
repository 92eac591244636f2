/**
 * Why a handshake was refused. The client receives it as `connect_error` with `message` and
 * `data.code` both set to the code; it also labels `steward_live_auth_failures_total`.
 * - `unauthenticated`: no token, or a token the accounts service does not know (expired, logged out).
 * - `forbidden_origin`: a cookie sent by a page of another origin (cross-site WebSocket hijacking).
 * - `auth_unavailable`: the accounts service could not answer; the client may retry.
 */
export const LIVE_AUTH_ERROR_CODES = ['unauthenticated', 'forbidden_origin', 'auth_unavailable'] as const;
export type LiveAuthErrorCode = (typeof LIVE_AUTH_ERROR_CODES)[number];

/** Passed to socket.io's `next()`; socket.io sends `message` and `data` to the client. */
export class LiveAuthError extends Error {
  readonly code: LiveAuthErrorCode;
  readonly data: { readonly code: LiveAuthErrorCode };

  constructor(code: LiveAuthErrorCode, options?: { cause?: unknown }) {
    super(code, options);
    this.name = 'LiveAuthError';
    this.code = code;
    this.data = { code };
  }
}
