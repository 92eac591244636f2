import { WORK_ORDER_ERROR_CODES, WorkOrderError, type WorkOrderErrorCode } from '../domain/index.ts';

/**
 * Codes a caller of the store or the service can meet: the domain's rejections unchanged, plus
 * - `not_found`: no such order, or an order a vendor user may not see (a vendor probing another
 *   vendor's order learns nothing, not even that it exists);
 * - `conflict`: a concurrent change won (e.g. another order of the same daily group opened at the
 *   same moment); trying again reads the new state.
 */
export const WORK_ORDER_STORE_ERROR_CODES = [...WORK_ORDER_ERROR_CODES, 'not_found', 'conflict'] as const;
export type WorkOrderStoreErrorCode = WorkOrderErrorCode | 'not_found' | 'conflict';

/** Thrown by the store and the service; `code` is stable, for API responses and metrics. */
export class WorkOrderStoreError extends Error {
  readonly code: WorkOrderStoreErrorCode;

  constructor(code: WorkOrderStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkOrderStoreError';
    this.code = code;
  }

  /** The domain's rejection, with its code and message. */
  static fromDomain(error: WorkOrderError): WorkOrderStoreError {
    return new WorkOrderStoreError(error.code, error.message, { cause: error });
  }
}

export const orderNotFound = (orderId: string): WorkOrderStoreError =>
  new WorkOrderStoreError('not_found', `work order ${orderId} does not exist`);

/** Wraps a domain error thrown (not returned) by the domain, e.g. `invalid_timeline` from slaStatus. */
export function asStoreError(error: unknown): unknown {
  return error instanceof WorkOrderError ? WorkOrderStoreError.fromDomain(error) : error;
}
