export { bulletinDocument } from './bulletin-document.ts';
export { reportOptionsOf, type ScorecardReportSource, scorecardReport } from './report-data.ts';
export { type ScorecardReport, type ScoringReportOptions, scorecardDocument } from './scorecard-document.ts';
