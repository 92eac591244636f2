/** Stable codes, so callers branch on `code` and metrics label by it, never on message text. */
export type CalendarErrorCode =
  | 'invalid_date'
  | 'invalid_instant'
  | 'invalid_minutes'
  | 'invalid_time_zone'
  | 'invalid_working_hours'
  | 'invalid_dataset'
  | 'out_of_range';

export class CalendarError extends Error {
  readonly code: CalendarErrorCode;

  constructor(code: CalendarErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CalendarError';
    this.code = code;
  }
}
