/** The public surface of reports: what scoring, energy, the API and commands import. */
export {
  type BatchOptions,
  type BatchProgress,
  type BatchSummary,
  type JobFailure,
  type ReportFormat,
  type ReportJob,
  renderBatch,
} from './batch.ts';
export { type CsvFile, csvField, documentCsv, tableCsv } from './csv/csv.ts';
export { REPORT_ERROR_CODES, ReportError, type ReportErrorCode } from './errors.ts';
export { formatGeneratedAt, REPORT_LABELS, type ReportLabelKey, reportText } from './labels.ts';
export {
  type Block,
  type Cell,
  type ChartBlock,
  type Column,
  type FactsBlock,
  type Locale,
  type NotesBlock,
  type NumberFormat,
  ReportDocument,
  type Section,
  type TableBlock,
} from './model/document.ts';
export { formatCell, formatCompact, formatNumber } from './model/number-format.ts';
export { documentProblems, parseDocument } from './model/validate.ts';
export { ReportRenderer, type ReportRendererOptions } from './renderer.ts';
export {
  DEFAULT_REPORT_FONT,
  DEFAULT_REPORT_FONT_FACE,
  ReportSettings,
  readReportSettings,
} from './settings.ts';
