import type { Contract } from '../../../config/schema/contracts.ts';

/**
 * The terms of a contract evaluation reads: who, which lot, the term, the price and deposit share
 * the money consequences are computed on, the satisfaction committed to, the scope (availability
 * is scored on the contract's categories). A closed scorecard keeps a copy, so a later edit of
 * the contract never changes a recomputed month.
 */
export type ContractTerms = Pick<
  Contract,
  'id' | 'vendor' | 'lot' | 'term' | 'annualPriceCny' | 'depositShare' | 'committedSatisfaction' | 'scope'
>;

export function contractTermsOf(contract: Contract): ContractTerms {
  return {
    id: contract.id,
    vendor: contract.vendor,
    lot: contract.lot,
    term: contract.term,
    annualPriceCny: contract.annualPriceCny,
    depositShare: contract.depositShare,
    committedSatisfaction: contract.committedSatisfaction,
    scope: contract.scope,
  };
}

/** The deposit (服务保证金) held for a year of the contract, in fen. */
export const annualDepositFen = (contract: ContractTerms): number =>
  Math.round(contract.annualPriceCny * 100 * contract.depositShare);

/** The month's share of the deposit (a twelfth of the year's), in fen. */
export const monthlyDepositFen = (contract: ContractTerms): number =>
  Math.round((contract.annualPriceCny * 100 * contract.depositShare) / 12);
