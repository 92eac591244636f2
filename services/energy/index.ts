export { type BaselineFit, type CandidateSummary, fitBaseline, type Sufficiency } from './baseline/fit.ts';
export {
  type BaselineDay,
  BaselineModel,
  MODEL_TYPES,
  type ModelType,
  predictDay,
} from './baseline/model.ts';
export { DEFAULT_FIT_OPTIONS, FitOptions, fitOptions } from './baseline/options.ts';
export { ASHRAE_14_LIMITS, ASHRAE_14_SAVINGS, type FitQuality } from './baseline/quality.ts';
export { RESOLUTIONS, type Resolution, type SiteDay, SiteGrid } from './consumption/grid.ts';
export {
  type IntervalConsumption,
  type IntervalStatus,
  intervalConsumption,
  type MeterConsumption,
  type PeriodTotal,
  periodTotal,
} from './consumption/intervals.ts';
export { type DailyConsumption, MeterReadings } from './consumption/meter-readings.ts';
export {
  ELECTRICITY_SUB_ITEMS,
  type MeterNode,
  type MeterTerm,
  MeterTree,
  type RollupItem,
  type VirtualMeter,
} from './consumption/meter-tree.ts';
export type { RegisterEvent, RegisterGap, RegisterSample } from './consumption/register.ts';
export { type BuildingRollup, type RollupCell, type SiteRollup, siteRollup } from './consumption/rollups.ts';
export {
  combineMeasured,
  type Measured,
  virtualIntervals,
  virtualTotal,
} from './consumption/virtual-meters.ts';
export { sameDateLastYear, type YearOnYear, yearOnYear } from './consumption/year-on-year.ts';
export { type EnergyContract, energyContract } from './contracts/contract-terms.ts';
export { DailyHistory, type HistoryDay } from './daily-history.ts';
export { ENERGY_ERROR_CODES, EnergyError, type EnergyErrorCode } from './errors.ts';
export { type BaselinePeriod, EnergyBaselineProvider } from './provider/baseline-provider.ts';
export {
  EnergyRecordsStore,
  type FrozenBaseline,
  type RecordedAdjustment,
} from './records/contract-records.ts';
export { ENERGY_LABELS, ITEM_LABELS } from './reports/labels.ts';
export { monthlyReportDocument } from './reports/monthly-document.ts';
export { type MonthlyReport, monthlyReport, monthlyReportCsv } from './reports/monthly-report.ts';
export { checkAdjustment, NonRoutineAdjustment } from './savings/adjustments.ts';
export { type AvoidedEnergy, avoidedEnergy } from './savings/avoided-energy.ts';
export { type Settlement, settle } from './savings/settlement.ts';
export {
  type ContractRecords,
  type ContractSavings,
  EnergyService,
  type EnergyServiceOptions,
  type PeriodRollup,
} from './service.ts';
export { type ReadingSource, VictoriaReadingSource } from './store/readings.ts';
