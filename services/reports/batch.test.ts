import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../runtime/clock.ts';
import { type BatchProgress, type ReportJob, renderBatch } from './batch.ts';
import { ReportError } from './errors.ts';
import type { ReportDocument } from './model/document.ts';
import { ReportRenderer } from './renderer.ts';
import { DEFAULT_REPORT_FONT, DEFAULT_REPORT_FONT_FACE } from './settings.ts';

const renderer = (fontPath = DEFAULT_REPORT_FONT) =>
  new ReportRenderer({
    fontPath,
    fontFace: DEFAULT_REPORT_FONT_FACE,
    clock: new ManualClock(Date.UTC(2026, 10, 3)),
  });

/** A small scorecard per contract, like the month's fifty. */
const scorecard = (contract: string, score: number): ReportDocument => ({
  title: '月度考核评分表',
  subtitle: contract,
  period: '2026年10月',
  generatedAt: '2026-11-03T01:30:00Z',
  sections: [
    {
      heading: '考核结果',
      blocks: [
        { kind: 'facts', items: [{ label: '得分', value: score.toFixed(2) }] },
        {
          kind: 'table',
          id: 'lines',
          columns: [{ label: '考核项目' }, { label: '扣分' }],
          rows: [['接单超时', -0.1]],
        },
      ],
    },
  ],
});

let outDir: string;
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'steward-reports-batch-'));
});
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('rendering a batch of reports', () => {
  it('reports progress after every job, skips an invalid document and keeps going', async () => {
    const jobs: ReportJob[] = [
      { name: 'property-compound-2025', document: scorecard('院内物业', 92.35) },
      { name: 'security-2025', document: { title: '缺少期间和章节' } },
      { name: 'lifts-2025', document: scorecard('电梯维保', 96) },
    ];
    const events: BatchProgress[] = [];
    const summary = await renderBatch(renderer(), jobs, {
      outDir,
      onProgress: (event) => events.push(event),
    });

    expect(events.map((e) => [e.done, e.total, e.name, e.outcome])).toEqual([
      [1, 3, 'property-compound-2025', 'written'],
      [2, 3, 'security-2025', 'failed'],
      [3, 3, 'lifts-2025', 'written'],
    ]);
    expect(events[1]?.failure?.code).toBe('invalid_document');
    expect(events[1]?.failure?.issues).toContain(
      '(root): must have required properties period, generatedAt, sections',
    );
    expect(summary.written).toBe(2);
    expect(summary.failed.map((failure) => failure.name)).toEqual(['security-2025']);
    expect((await readdir(outDir)).sort()).toEqual([
      'lifts-2025.lines.csv',
      'lifts-2025.pdf',
      'property-compound-2025.lines.csv',
      'property-compound-2025.pdf',
    ]);
    expect(summary.files).toHaveLength(4);
    const pdf = await readFile(join(outDir, 'lifts-2025.pdf'));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await readFile(join(outDir, 'lifts-2025.lines.csv'), 'utf8')).replace(/^\uFEFF/, '')).toBe(
      '考核项目,扣分\r\n接单超时,-0.1\r\n',
    );
  });

  it('takes documents from an async generator, total unknown unless given', async () => {
    async function* month() {
      for (let i = 1; i <= 3; i++) yield { name: `contract-${i}`, document: scorecard(`合同 ${i}`, 90 + i) };
    }
    const totals: (number | undefined)[] = [];
    await renderBatch(renderer(), month(), {
      outDir,
      formats: ['csv'],
      onProgress: (e) => totals.push(e.total),
    });
    expect(totals).toEqual([undefined, undefined, undefined]);
    await renderBatch(renderer(), month(), {
      outDir,
      formats: ['csv'],
      total: 3,
      onProgress: (e) => totals.push(e.total),
    });
    expect(totals.slice(3)).toEqual([3, 3, 3]);
    expect((await readdir(outDir)).sort()).toEqual([
      'contract-1.lines.csv',
      'contract-2.lines.csv',
      'contract-3.lines.csv',
    ]);
  });

  it('refuses names that are paths, and writes nothing outside the folder', async () => {
    const summary = await renderBatch(
      renderer(),
      [
        { name: '../escape', document: scorecard('x', 90) },
        { name: '.hidden', document: scorecard('x', 90) },
        { name: '恒远物业-2026年10月', document: scorecard('x', 90) },
      ],
      { outDir, formats: ['csv'] },
    );
    expect(summary.failed.map((f) => [f.name, f.code])).toEqual([
      ['../escape', 'invalid_job_name'],
      ['.hidden', 'invalid_job_name'],
    ]);
    expect(await readdir(outDir)).toEqual(['恒远物业-2026年10月.lines.csv']);
  });

  it('stops before writing anything when the font is missing', async () => {
    const run = renderBatch(
      renderer(join(outDir, 'missing.ttc')),
      [{ name: 'a', document: scorecard('a', 90) }],
      { outDir },
    );
    await expect(run).rejects.toMatchObject({ code: 'font_missing' });
    expect(await readdir(outDir)).toEqual([]);
  });

  it('stops when aborted, leaving only whole files', async () => {
    const controller = new AbortController();
    const jobs = Array.from({ length: 5 }, (_, i) => ({ name: `c-${i}`, document: scorecard(`c-${i}`, 90) }));
    const run = renderBatch(renderer(), jobs, {
      outDir,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.done === 2) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(ReportError);
    await expect(run).rejects.toMatchObject({ code: 'aborted' });
    const files = await readdir(outDir);
    expect(files.sort()).toEqual(['c-0.lines.csv', 'c-0.pdf', 'c-1.lines.csv', 'c-1.pdf']);
  });
});
