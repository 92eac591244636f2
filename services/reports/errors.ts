/**
 * Stable codes, so callers (the CLI, the API, a batch's summary) branch on `code` and metrics
 * label by it, never on message text.
 */
export const REPORT_ERROR_CODES = [
  /** The document does not match the report model; `issues` lists every problem as `path: message`. */
  'invalid_document',
  /** The configured font file does not exist or cannot be read (STEWARD_REPORT_FONT). */
  'font_missing',
  /** The font file exists but is not a usable font, or the collection has no such face. */
  'font_invalid',
  /** A batch job's name cannot be used as a file name (empty, a path, control characters). */
  'invalid_job_name',
  /** An output file or stream could not be written. */
  'write_failed',
  /** The batch was cancelled through its AbortSignal. */
  'aborted',
  /** Report settings from the environment are invalid. */
  'invalid_settings',
] as const;
export type ReportErrorCode = (typeof REPORT_ERROR_CODES)[number];

export class ReportError extends Error {
  readonly code: ReportErrorCode;
  /** For `invalid_document` and `invalid_settings`: every problem found, as `path: message`. */
  readonly issues: readonly string[];

  constructor(
    code: ReportErrorCode,
    message: string,
    options?: ErrorOptions & { issues?: readonly string[] },
  ) {
    super(message, options);
    this.name = 'ReportError';
    this.code = code;
    this.issues = options?.issues ?? [];
  }
}
