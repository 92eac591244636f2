import type { SiteModel } from '../../../config/load/model.ts';
import { type ReportFormat, type ReportJob, type ReportRenderer, renderBatch } from '../../reports/index.ts';
import { ProgressBar, type ProgressStream } from '../../runtime/progress-bar.ts';
import { parsePeriodKey } from '../domain/periods.ts';
import { bulletinDocument } from '../reports/bulletin-document.ts';
import { reportOptionsOf, type ScorecardReportSource, scorecardReport } from '../reports/report-data.ts';
import { scorecardDocument } from '../reports/scorecard-document.ts';
import type { ScoringStore } from '../store/scoring-store.ts';

export interface ReportCommandOptions {
  /** `YYYY-MM`: every closed scorecard of the month; `YYYY-Qn`: the quarter's bulletin. */
  readonly period: string;
  readonly format: ReportFormat;
  readonly outDir: string;
  readonly locale: 'zh-CN' | 'en';
  readonly model: Pick<SiteModel, 'vendors' | 'sites' | 'buildings' | 'contracts'>;
  readonly generatedAt: Date;
  /** Where the progress bar goes (stderr): redrawn on a terminal, plain lines otherwise. */
  readonly progress: ProgressStream;
}

/**
 * `steward scoring report <YYYY-MM|YYYY-Qn> --format csv|pdf --out DIR`: renders every contract's
 * latest scorecard of a closed month (`scorecard-<contract>-<month>.pdf`, or one CSV per table),
 * or the quarter's bulletin (`bulletin-<quarter>…`), one document at a time with a progress bar.
 * A document that fails is listed and the others still written (exit 1); a missing font or a
 * write failure stops the run (the renderer's `ReportError`, thrown).
 */
export async function reportCommand(
  store: ScorecardReportSource & Pick<ScoringStore, 'quarterlyBulletin'>,
  renderer: ReportRenderer,
  options: ReportCommandOptions,
  write: (line: string) => void,
): Promise<number> {
  const { period, model, locale, generatedAt } = options;
  const kind = parsePeriodKey(period).kind;
  let jobs: AsyncIterable<ReportJob> | ReportJob[];
  let total: number;
  if (kind === 'month') {
    const closed = await store.latestScorecards([period]);
    if (closed.length === 0) {
      write(`no closed scorecard for ${period}: close the month first (steward scoring close ${period})`);
      return 1;
    }
    total = closed.length;
    // Built one at a time while the previous one is written: fifty scorecards never sit in memory.
    jobs = (async function* () {
      for (const card of closed) {
        const report = await scorecardReport(store, card.contractId, period);
        if (!report) continue;
        yield {
          name: `scorecard-${card.contractId}-${period}`,
          document: scorecardDocument(report, reportOptionsOf(model, locale, generatedAt, card.contractId)),
        };
      }
    })();
  } else {
    const bulletin = await store.quarterlyBulletin(period);
    total = 1;
    jobs = [
      {
        name: `bulletin-${period}`,
        document: bulletinDocument(bulletin, reportOptionsOf(model, locale, generatedAt)),
      },
    ];
  }

  const bar = new ProgressBar(options.progress, `${period} ${options.format}`);
  let summary: Awaited<ReturnType<typeof renderBatch>>;
  try {
    summary = await renderBatch(renderer, jobs, {
      outDir: options.outDir,
      formats: [options.format],
      total,
      onProgress: (progress) =>
        bar.update(progress.done, progress.total, `${progress.name} ${progress.outcome}`),
    });
  } finally {
    bar.finish();
  }
  write(`wrote ${summary.files.length} file(s) of ${summary.written} document(s) to ${options.outDir}`);
  for (const failure of summary.failed)
    write(`  FAILED ${failure.name}: ${failure.code}: ${failure.message} ${failure.issues.join('; ')}`);
  return summary.failed.length === 0 ? 0 : 1;
}
