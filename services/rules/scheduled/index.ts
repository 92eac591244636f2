export { type AfterHoursInput, evaluateAfterHours } from './after-hours.ts';
export type { CheckResult, Verdict } from './check-result.ts';
export { type DataGap, type DataGapInput, evaluateDataGap, longestGap } from './data-gap.ts';
export {
  type BaselineProvider,
  type EnergyBaselineInput,
  evaluateEnergyAboveBaseline,
  noBaselines,
} from './energy-baseline.ts';
export { ScheduledRuleError, type ScheduledRuleErrorCode } from './errors.ts';
export { type OffHoursSpan, type Period, type SiteDay, SitePeriods } from './periods.ts';
export { type Gap, type RegisterEnergy, registerEnergy } from './register.ts';
export {
  DEFAULT_JOB_ATTEMPTS,
  DEFAULT_SETTLE_MS,
  type IncidentRecorder,
  type ScheduledCheckType,
  ScheduledJob,
  type ScheduledOutcome,
  ScheduledRuleRunner,
  type ScheduledRuleRunnerOptions,
  scheduledQueueName,
} from './runner.ts';
export {
  parseExport,
  type Sample,
  type SampleSource,
  VictoriaSampleSource,
  type VictoriaSampleSourceOptions,
} from './samples.ts';
