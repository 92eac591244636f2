import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../runtime/clock.ts';
import { ReportError } from '../errors.ts';
import type { Block, ReportDocument } from '../model/document.ts';
import { ReportRenderer } from '../renderer.ts';
import { sampleScorecard } from '../sample-document.ts';
import { DEFAULT_REPORT_FONT, DEFAULT_REPORT_FONT_FACE } from '../settings.ts';
import { decodePng, inkedPixels } from '../testing/png.ts';
import { pdfFonts, pdfImages, pdfInfo, pdfText, renderPagePng } from '../testing/poppler.ts';

const CREATED = new Date('2026-11-03T01:30:00Z');
const renderer = (
  clock = new ManualClock(CREATED),
  fontPath = DEFAULT_REPORT_FONT,
  fontFace = DEFAULT_REPORT_FONT_FACE,
) => new ReportRenderer({ fontPath, fontFace, clock });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'steward-reports-pdf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeSample(name: string, document: ReportDocument, clock?: ManualClock): Promise<string> {
  const path = join(dir, `${name}.pdf`);
  await writeFile(path, await renderer(clock).pdf(document));
  return path;
}

function energyDocument(rows: number, blocks: Block[] = []): ReportDocument {
  return {
    title: '月度能耗报表',
    period: '2026年10月',
    generatedAt: '2026-11-01T00:30:00Z',
    sections: [
      {
        heading: '分项能耗',
        blocks: [
          ...blocks,
          {
            kind: 'table',
            columns: [
              { label: '编号' },
              { label: '建筑' },
              { label: '分项' },
              { label: '本月用电（kWh）', format: { style: 'decimal', fractionDigits: 1 } },
              { label: '同比', format: { style: 'percent', signed: true } },
            ],
            rows: Array.from({ length: rows }, (_, i) => [
              `R-${String(i + 1).padStart(3, '0')}`,
              ['主楼', '东附楼', '西附楼'][i % 3] ?? '主楼',
              ['照明插座用电', '空调用电', '动力用电', '特殊用电'][i % 4] ?? '空调用电',
              1_000 + i * 37.5,
              (i % 7) / 100 - 0.03,
            ]),
          },
        ],
      },
    ],
  };
}

describe('PDF rendering', () => {
  it('draws page 1 of the sample: a rendered PNG with ink, unlike a blank page rendered the same way', async () => {
    const path = await writeSample('sample-zh', sampleScorecard('zh-CN', CREATED));
    const page = decodePng(await renderPagePng(path, 1, 50, dir));
    expect([page.width, page.height]).toEqual([414, 585]);

    const blank = new PDFDocument({ size: 'A4' });
    blank.end();
    const chunks: Buffer[] = [];
    for await (const chunk of blank) chunks.push(chunk as Buffer);
    const blankPath = join(dir, 'blank.pdf');
    await writeFile(blankPath, Buffer.concat(chunks));
    const blankPage = decodePng(await renderPagePng(blankPath, 1, 50, dir));

    expect(inkedPixels(blankPage)).toBe(0);
    // Title, facts panel, chart: several percent of the page, far from an empty page.
    expect(inkedPixels(page) / (page.width * page.height)).toBeGreaterThan(0.03);
  });

  it('embeds the CJK font, so Chinese round-trips through pdftotext', async () => {
    const path = await writeSample('sample-zh-text', sampleScorecard('zh-CN', CREATED));
    const pages = Number((await pdfInfo(path)).Pages);
    expect(pages).toBeGreaterThanOrEqual(3);
    const first = await pdfText(path, 1);
    for (const text of [
      '月度考核评分表（示例数据）',
      '示例数据',
      '一、考核结果',
      '本月得分（百分制）',
      '统计期间：2026年10月',
    ]) {
      expect(first).toContain(text);
    }
    expect(first).toContain('生成时间：2026-11-03 09:30');
    expect(first).toContain(`第 1 页，共 ${pages} 页`);
    expect(await pdfText(path, pages)).toContain(`第 ${pages} 页，共 ${pages} 页`);
    const fonts = await pdfFonts(path);
    expect(fonts).toMatch(/\+NotoSansCJKsc-Regular\s+CID Type 0C\s+Identity-H\s+yes\s+yes\s+yes/);
    expect(fonts).not.toContain(' no ');
  });

  it('uses English for its own texts when the document asks', async () => {
    const path = await writeSample('sample-en', sampleScorecard('en', CREATED));
    const first = await pdfText(path, 1);
    expect(first).toContain('Page 1 of');
    expect(first).toContain('Generated: 2026-11-03 09:30');
    expect(first).toContain('Sample data');
  });

  it('breaks a long table across pages, each page repeating the header row, no row lost or doubled', async () => {
    const path = await writeSample('long-table', energyDocument(120));
    const pages = Number((await pdfInfo(path)).Pages);
    expect(pages).toBeGreaterThanOrEqual(3);
    const all = await pdfText(path);
    for (let page = 1; page <= pages; page++) {
      const text = await pdfText(path, page);
      for (const label of ['编号', '建筑', '分项', '本月用电（kWh）', '同比'])
        expect(text, `page ${page}`).toContain(label);
      if (page > 1) expect(text).toContain('分项能耗（续）');
    }
    for (let row = 1; row <= 120; row++) {
      const code = `R-${String(row).padStart(3, '0')}`;
      expect(all.split(code).length - 1, code).toBe(1);
    }
    expect(await pdfText(path, pages)).toContain('R-120');
    // Formatted per column: grouping, one decimal, signed percent.
    expect(all).toContain('1,000.0');
    expect(all).toContain('-3.0%');
    expect(all).toContain('+3.0%');
  });

  it('cuts a cell too tall for a page with an ellipsis instead of running off the page', async () => {
    const long = '投诉内容'.repeat(500);
    const document: ReportDocument = {
      ...energyDocument(0),
      sections: [
        {
          heading: '投诉',
          blocks: [
            {
              kind: 'table',
              columns: [{ label: '编号' }, { label: '内容' }],
              rows: [
                ['C-1', long],
                ['C-2', '已办结'],
              ],
            },
          ],
        },
      ],
    };
    const path = await writeSample('tall-cell', document);
    expect((await pdfInfo(path)).Pages).toBe('1');
    const text = await pdfText(path, 1);
    expect(text).toContain('…');
    expect(text).toContain('C-2');
    expect(text).toContain('第 1 页，共 1 页');
  });

  it('turns the pages to landscape for a table too wide for portrait, unless told otherwise', async () => {
    const wideBlock: Block = {
      kind: 'table',
      columns: Array.from({ length: 14 }, (_, i) => ({
        label: `${i + 1}月用电量`,
        format: { style: 'decimal' as const, fractionDigits: 1 },
      })),
      rows: [Array.from({ length: 14 }, (_, i) => 123_456.7 + i)],
    };
    const wide: ReportDocument = {
      ...energyDocument(3),
      sections: [{ heading: '逐月', blocks: [wideBlock] }],
    };
    expect((await pdfInfo(await writeSample('wide', wide)))['Page size']).toBe('841.89 x 595.28 pts (A4)');
    expect((await pdfInfo(await writeSample('narrow', energyDocument(3))))['Page size']).toBe(
      '595.28 x 841.89 pts (A4)',
    );
    const forced = { ...wide, orientation: 'portrait' as const };
    expect((await pdfInfo(await writeSample('forced', forced)))['Page size']).toBe(
      '595.28 x 841.89 pts (A4)',
    );
  });

  it('draws charts as vectors (no images), with unit, legend and a no-data state', async () => {
    const charts: Block[] = [
      {
        kind: 'chart',
        type: 'bar',
        title: '各楼用电同比',
        unit: '%',
        categories: ['主楼', '东附楼', '西附楼'],
        series: [
          { name: '2025年', values: [-4.5, 2, null] },
          { name: '2026年', values: [-12.1, 3.4, 1] },
        ],
      },
      {
        kind: 'chart',
        type: 'line',
        unit: 'kWh',
        categories: ['1日', '2日', '3日', '4日'],
        series: [{ name: '主楼', values: [1200, null, 1350, 1280] }],
      },
      {
        kind: 'chart',
        type: 'bar',
        unit: 'kWh',
        categories: ['主楼'],
        series: [{ name: '空', values: [null] }],
      },
    ];
    const path = await writeSample('charts', energyDocument(2, charts));
    const text = await pdfText(path);
    for (const expected of ['各楼用电同比', '单位：%', '2025年', '2026年', '单位：kWh', '无数据', '-12.1']) {
      expect(text).toContain(expected);
    }
    const images = (await pdfImages(path)).trim().split('\n');
    expect(images).toHaveLength(2); // pdfimages' two header lines, no image rows
  });

  it('is byte-identical for the same document and clock, and dated by the injected clock', async () => {
    const document = sampleScorecard('zh-CN', CREATED);
    const shared = renderer(new ManualClock(CREATED));
    const first = await shared.pdf(document);
    // Same renderer (font shared) and a fresh one: no state leaks from one document to the next.
    expect((await shared.pdf(document)).equals(first)).toBe(true);
    expect((await renderer(new ManualClock(CREATED)).pdf(document)).equals(first)).toBe(true);
    const later = await renderer(new ManualClock(CREATED.getTime() + 86_400_000)).pdf(document);
    expect(later.equals(first)).toBe(false);
    const path = join(dir, 'dated.pdf');
    await writeFile(path, first);
    expect((await pdfInfo(path)).CreationDate).toMatch(/Nov\s+3 01:30:00 2026 UTC|2026-11-03T01:30:00/);
  });
});

describe('the report font', () => {
  const codeOf = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      expect(error).toBeInstanceOf(ReportError);
      return (error as ReportError).code;
    }
    return 'no error';
  };
  const document = energyDocument(1);

  it('is font_missing when the file is not there, naming the setting', async () => {
    const missing = renderer(undefined, join(dir, 'no-such-font.ttc'));
    expect(await codeOf(missing.pdf(document))).toBe('font_missing');
    await expect(missing.font()).rejects.toThrow(/STEWARD_REPORT_FONT/);
  });

  it('is font_invalid for a file that is not a font or a face the collection lacks', async () => {
    const notAFont = join(dir, 'not-a-font.ttc');
    await writeFile(notAFont, 'hello');
    expect(await codeOf(renderer(undefined, notAFont).pdf(document))).toBe('font_invalid');
    expect(await codeOf(renderer(undefined, DEFAULT_REPORT_FONT, 'NoSuchFace-Regular').pdf(document))).toBe(
      'font_invalid',
    );
  });

  const latinFont = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
  it.skipIf(!existsSync(latinFont))('is font_invalid for a font without Chinese glyphs', async () => {
    await expect(renderer(undefined, latinFont).font()).rejects.toThrow(/no Chinese glyphs/);
  });

  it('is not needed for CSV', () => {
    expect(renderer(undefined, join(dir, 'no-such-font.ttc')).csv(document)).toHaveLength(1);
  });
});
