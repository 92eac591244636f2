/** Stable codes, so callers branch on `code` and metrics label by it, never on message text. */
export type SpoolErrorCode =
  | 'invalid_option'
  | 'invalid_reading'
  | 'invalid_consumer'
  | 'invalid_commit'
  | 'concurrent_read'
  | 'not_started'
  | 'stopped'
  | 'locked'
  | 'write_failed'
  | 'read_failed';

export class SpoolError extends Error {
  readonly code: SpoolErrorCode;

  constructor(code: SpoolErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SpoolError';
    this.code = code;
  }
}

export type SinkErrorCode = 'write_failed' | 'partial_write';

export class SinkError extends Error {
  readonly code: SinkErrorCode;
  /** HTTP status when the store answered, so operators can tell an outage from a rejection. */
  readonly statusCode: number | undefined;

  constructor(code: SinkErrorCode, message: string, statusCode?: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SinkError';
    this.code = code;
    this.statusCode = statusCode;
  }
}
