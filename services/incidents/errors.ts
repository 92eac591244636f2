export type IncidentErrorCode = 'INCIDENT_NOT_FOUND' | 'INVALID_TRANSITION' | 'INVALID_INPUT';

/** Thrown by the incident functions; `code` is stable and goes into metrics and API responses. */
export class IncidentError extends Error {
  readonly code: IncidentErrorCode;

  constructor(code: IncidentErrorCode, message: string) {
    super(message);
    this.name = 'IncidentError';
    this.code = code;
  }
}
