import type { Contract } from '../../../config/schema/contracts.ts';

export {
  GROUPABLE_SEVERITIES,
  SlaProfileOverrides,
  SlaTermsOverride,
  WorkOrderPolicy,
} from '../../../config/schema/contracts.ts';

/** What the work-order domain reads from a contract; a configured `Contract` is one. */
export type ContractTerms = Pick<
  Contract,
  'id' | 'vendor' | 'scope' | 'term' | 'sla' | 'workOrders' | 'slaProfiles'
>;
