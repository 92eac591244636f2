export { type AnnualInputs, annualEvaluation } from './annual.ts';
export { appealDeadlineMs, checkAppealDecision, checkAppealFiling } from './appeals.ts';
export * from './automatic.ts';
export { type BulletinEntry, quarterlyBulletin } from './bulletin.ts';
export { canonicalJson, digestOf, sha256Hex } from './canonical.ts';
export {
  depositConsequence,
  exitWarnings,
  reTenderFlag,
  terminationRecommendation,
} from './consequences.ts';
export {
  annualDepositFen,
  type ContractTerms,
  contractTermsOf,
  monthlyDepositFen,
} from './contract-terms.ts';
export { SCORING_ERROR_CODES, ScoringError, type ScoringErrorCode } from './errors.ts';
export * from './evaluation-schemas.ts';
export { gradeLabelKey, gradeOf } from './grades.ts';
export * from './items.ts';
export { isLabelKey, type Label, labelText, SCORING_LABELS, type ScoringLabelKey } from './labels.ts';
export { type MonthInputs, scoreMonth } from './monthly.ts';
export { officeFigures } from './office.ts';
export * from './periods.ts';
export * from './points.ts';
export * from './records.ts';
export * from './satisfaction.ts';
export * from './scorecard.ts';
