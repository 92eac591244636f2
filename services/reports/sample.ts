/**
 * Writes the sample monthly scorecard (示例数据) as PDF and CSV, in Chinese and in English:
 *
 *   node_modules/.bin/node services/reports/sample.ts out/
 *
 * Exit codes as `steward`'s: 0 written, 1 failed, 64 usage, 78 bad settings or font.
 */
import { systemClock } from '../runtime/clock.ts';
import { renderBatch } from './batch.ts';
import { ReportError } from './errors.ts';
import { ReportRenderer } from './renderer.ts';
import { sampleScorecard } from './sample-document.ts';
import { readReportSettings } from './settings.ts';

async function main(args: readonly string[]): Promise<number> {
  const outDir = args[0];
  if (outDir === undefined || args.length > 1 || outDir.startsWith('-')) {
    process.stderr.write('usage: node services/reports/sample.ts <output folder>\n');
    return 64;
  }
  try {
    const renderer = ReportRenderer.fromSettings(readReportSettings(), systemClock);
    const now = systemClock.now();
    const jobs = [
      { name: 'monthly-scorecard-sample.zh-CN', document: sampleScorecard('zh-CN', now) },
      { name: 'monthly-scorecard-sample.en', document: sampleScorecard('en', now) },
    ];
    const summary = await renderBatch(renderer, jobs, {
      outDir,
      onProgress: (progress) => {
        const total = progress.total ?? '?';
        process.stderr.write(`[${progress.done}/${total}] ${progress.name}: ${progress.outcome}\n`);
      },
    });
    for (const file of summary.files) process.stdout.write(`${file}\n`);
    return summary.failed.length === 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof ReportError) {
      process.stderr.write(`${error.code}: ${error.message}\n`);
      const configuration = ['font_missing', 'font_invalid', 'invalid_settings'].includes(error.code);
      return configuration ? 78 : 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
