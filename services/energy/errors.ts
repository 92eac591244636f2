/**
 * Stable codes, so callers branch on `code`, metrics label by it and the API can map it to a
 * response, never on message text.
 */
export const ENERGY_ERROR_CODES = [
  /** Input that breaks a precondition (unsorted grid, unknown resolution, a date that is not one). */
  'invalid_input',
  /** A meter, building, site, contract or weather station the configuration does not know. */
  'unknown_meter',
  'unknown_building',
  'unknown_site',
  'unknown_contract',
  /** The contract has no `energy` terms, or they contradict themselves (baseline after signing). */
  'invalid_contract_terms',
  /** The site has no weather station with an outdoor temperature point. */
  'no_weather_station',
  /** The time-series store did not answer (connection refused, timeout). */
  'tsdb_unreachable',
  /** The store answered with an HTTP error status. */
  'tsdb_http_error',
  /** The store answered 2xx with a body that is not the expected JSON lines. */
  'tsdb_bad_response',
  /** A baseline was asked to predict but it failed its data-sufficiency checks. */
  'baseline_insufficient',
  /** A non-routine adjustment without reason or author, or outside the reporting period. */
  'invalid_adjustment',
  /** A frozen baseline already exists for the contract and may not be replaced. */
  'baseline_already_frozen',
] as const;
export type EnergyErrorCode = (typeof ENERGY_ERROR_CODES)[number];

export class EnergyError extends Error {
  readonly code: EnergyErrorCode;
  /** HTTP status when the store answered, so an outage can be told from a rejected query. */
  readonly statusCode: number | undefined;

  constructor(code: EnergyErrorCode, message: string, options?: ErrorOptions & { statusCode?: number }) {
    super(message, options);
    this.name = 'EnergyError';
    this.code = code;
    this.statusCode = options?.statusCode;
  }
}
