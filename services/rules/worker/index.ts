export {
  DEFAULT_TICK_MS,
  EVIDENCE_READINGS,
  RuleWorker,
  type RuleWorkerOptions,
  ruleStateKey,
  stateField,
} from './rule-worker.ts';
export { formatValue, renderTitle, type TitleFacts } from './title.ts';
