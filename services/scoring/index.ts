export {
  appendAudit,
  appendAuditEntries,
  auditHead,
  auditTrail,
  verifyAuditLog,
} from './audit/audit-log.ts';
export { type AuditRow, type ChainVerdict, GENESIS_HASH, verifyChain } from './audit/chain.ts';
export { verifyAuditCommand } from './cli/verify-audit.ts';
export { composeScoring, SchemeRecorder, type ScoringParts, type ScoringPartsOptions } from './compose.ts';
export * from './domain/index.ts';
export { automaticFacts, type OrderAsOf } from './facts/order-facts.ts';
export { checkInput } from './inputs.ts';
export * from './reports/index.ts';
export type { ContractInputs, EvidenceRecords } from './store/reads.ts';
export type { AppealFilter } from './store/repository.ts';
export type { RevisionSummary, StoredScorecard } from './store/scorecards.ts';
export {
  type Recomputation,
  ScoringStore,
  type ScoringStoreOptions,
  type WorkOrderHistories,
} from './store/scoring-store.ts';
