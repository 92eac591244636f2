/**
 * Streaming rule conditions: schemas, their serialisable state and pure evaluation. The rule
 * workers import from here; see README.md for the semantics and edge-case policies.
 */
export { ConditionError, type ConditionErrorCode } from './errors.ts';
export { evaluate, missingPointFacts } from './evaluate.ts';
export type { ConditionEvent, Evaluation, EvaluationContext, PointFacts } from './evaluation.ts';
export { isTimeDriven, pointsOf } from './points-of.ts';
export { type ConditionProblem, conditionProblems } from './problems.ts';
export {
  type CompositeCondition,
  Condition,
  FlatlineCondition,
  Operand,
  PointOffset,
  RateOfChangeCondition,
  StaleCondition,
  StateCondition,
  StateEqualsCondition,
  StateOneOfCondition,
  ThresholdBandCondition,
  ThresholdCondition,
  ThresholdLimitCondition,
} from './schema.ts';
export { ConditionState, initialState, STATE_VERSION, stateFits } from './state.ts';
export { type Discard, pointKeyOf } from './tracking.ts';
