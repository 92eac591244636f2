import type { Severity } from '../../../config/schema/common.ts';
import type { ContractTerms } from './contract-terms.ts';
import type { Assignment, SlaProfile, SlaTerms } from './types.ts';

/**
 * The platform's default for each SLA profile, applied over the severity row when the contract
 * has nothing of its own. 困人: the vendor must be on site within 30 minutes, day and night
 * (DOMAIN.md: "commonly 30 minutes in cities"). It only ever tightens the row: a contract whose
 * row is already stricter keeps it.
 */
export const SLA_PROFILE_DEFAULTS: Readonly<Record<SlaProfile, { arriveMinutes: number; clock: '24x7' }>> = {
  trapped_passenger: { arriveMinutes: 30, clock: '24x7' },
};

/**
 * The SLA terms an order of this severity (and profile) runs under with this contract: the
 * contract's row for the severity; for a profile, the default above over it, then the contract's
 * own `slaProfiles` entry over that (the contract's word wins, even where it is looser).
 */
export function slaTermsFor(
  contract: Pick<ContractTerms, 'sla' | 'slaProfiles'>,
  severity: Severity,
  profile: SlaProfile | null,
): SlaTerms {
  const row = contract.sla[severity];
  if (profile === null) return { ...row };
  const preset = SLA_PROFILE_DEFAULTS[profile];
  const arriveMinutes = Math.min(row.arriveMinutes, preset.arriveMinutes);
  // Accepting can never be allowed longer than arriving, or the row would contradict itself.
  const defaulted: SlaTerms = {
    ...row,
    acceptMinutes: Math.min(row.acceptMinutes, arriveMinutes),
    arriveMinutes,
    clock: preset.clock,
  };
  const override = contract.slaProfiles?.[profile];
  return override ? { ...defaulted, ...override } : defaulted;
}

/** The assignment to dispatch an order to this contract's vendor, with its SLA terms frozen. */
export function assignmentFor(
  contract: Pick<ContractTerms, 'id' | 'vendor' | 'sla' | 'slaProfiles'>,
  severity: Severity,
  profile: SlaProfile | null,
): Assignment {
  return {
    vendorId: contract.vendor,
    contractId: contract.id,
    sla: slaTermsFor(contract, severity, profile),
  };
}
