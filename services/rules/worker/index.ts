export {
  decodePairState,
  encodePairState,
  initialPairState,
  type PairConditions,
  PairState,
  type PairStep,
  stepPair,
} from './pair-state.ts';
export { type PairPlan, pairPlans } from './pairs.ts';
export {
  DEFAULT_TICK_MS,
  EVIDENCE_READINGS,
  LeaseLostError,
  RuleWorker,
  type RuleWorkerOptions,
  ruleStateKey,
  stateField,
} from './rule-worker.ts';
export {
  assignShards,
  DEFAULT_LEASE_TTL_MS,
  leaseKey,
  membersKey,
  ShardLeases,
  type ShardLeasesOptions,
} from './shard-leases.ts';
export { formatValue, renderTitle, type TitleFacts } from './title.ts';
