import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import type { Clock } from '../../runtime/clock.ts';
import { ReportError } from '../errors.ts';
import { formatGeneratedAt, reportText } from '../labels.ts';
import type { FactsBlock, Locale, NotesBlock, ReportDocument } from '../model/document.ts';
import { chartHeight, drawChart } from './chart.ts';
import { COLORS, drawText, MARGINS, measureText, type Orientation, PdfFlow } from './flow.ts';
import { type ReportFont, useReportFont } from './font.ts';
import { comfortableTableWidth, drawTable, tableLeadHeight } from './table.ts';

export interface PdfOptions {
  readonly font: ReportFont;
  /** The PDF's creation date: the only thing that differs between two renderings of one document. */
  readonly clock: Clock;
}

const A4_SHORT_SIDE = 595.28;
const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/**
 * Lays out a validated document on A4 pages and returns the pdfkit document, ended: read it as a
 * stream. Synchronous, so a font problem throws here, before anything is written anywhere.
 */
export function layOutPdf(document: ReportDocument, options: PdfOptions): PDFKit.PDFDocument {
  const locale = document.locale ?? 'zh-CN';
  const doc = new PDFDocument({
    autoFirstPage: false,
    bufferPages: true,
    compress: true,
    lang: locale,
    displayTitle: true,
    info: {
      Title: document.title,
      ...(document.subtitle === undefined ? {} : { Subject: document.subtitle }),
      Creator: 'Facility Steward',
      Producer: 'Facility Steward reports (PDFKit)',
      CreationDate: options.clock.now(),
    },
  });
  useReportFont(doc, options.font);
  const flow = new PdfFlow(doc, orientationOf(document, doc));
  flow.addPage();
  drawTitleBlock(flow, document, locale);
  for (const section of document.sections) {
    if (section.pageBreakBefore === true && !flow.atPageTop) flow.addPage();
    drawSection(flow, section, locale);
  }
  decoratePages(doc, document, locale);
  doc.end();
  return doc;
}

/** Renders to a stream (a file, an HTTP response); resolves when the stream has finished. */
export async function writePdf(document: ReportDocument, options: PdfOptions, sink: Writable): Promise<void> {
  const doc = layOutPdf(document, options);
  try {
    await pipeline(doc, sink);
  } catch (error) {
    throw new ReportError('write_failed', `PDF could not be written: ${String(error)}`, { cause: error });
  }
}

export async function renderPdfBuffer(document: ReportDocument, options: PdfOptions): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of layOutPdf(document, options)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `auto`: landscape when some table cannot fit a portrait page without cramped wrapping. */
function orientationOf(document: ReportDocument, doc: PDFKit.PDFDocument): Orientation {
  const wanted = document.orientation ?? 'auto';
  if (wanted !== 'auto') return wanted;
  const portraitWidth = A4_SHORT_SIDE - MARGINS.left - MARGINS.right;
  const wide = document.sections.some((section) =>
    section.blocks.some(
      (block) => block.kind === 'table' && comfortableTableWidth(doc, block) > portraitWidth,
    ),
  );
  return wide ? 'landscape' : 'portrait';
}

function drawTitleBlock(flow: PdfFlow, document: ReportDocument, locale: Locale): void {
  const { doc } = flow;
  flow.y += drawText(doc, document.title, flow.left, flow.y, flow.width, {
    size: 18,
    color: COLORS.text,
    emphasis: true,
  });
  flow.y += 4;
  if (document.subtitle !== undefined) {
    flow.y += drawText(doc, document.subtitle, flow.left, flow.y, flow.width, {
      size: 11.5,
      color: COLORS.text,
    });
    flow.y += 3;
  }
  const generated = formatGeneratedAt(document.generatedAt, document.timeZone ?? DEFAULT_TIME_ZONE);
  const meta = `${reportText('reports.period', locale, { period: document.period })}    ${reportText('reports.generatedAt', locale, { time: generated })}`;
  flow.y += drawText(doc, meta, flow.left, flow.y, flow.width, { size: 9, color: COLORS.muted });
  flow.y += 6;
  doc
    .lineWidth(1.2)
    .strokeColor(COLORS.accent)
    .moveTo(flow.left, flow.y)
    .lineTo(flow.left + flow.width, flow.y)
    .stroke();
  flow.y += 14;
}

const HEADING_SIZE = 12.5;
const BLOCK_GAP = 10;
/** Room a heading keeps below it when its first block can start anywhere (facts, notes). */
const HEADING_KEEP_WITH_NEXT = 48;

function drawSection(flow: PdfFlow, section: ReportDocument['sections'][number], locale: Locale): void {
  const { doc } = flow;
  const headingHeight = measureText(doc, section.heading, flow.width - 10, { size: HEADING_SIZE });
  // A heading moves to the next page with the start of its first block, never stays alone.
  const first = section.blocks[0];
  const lead =
    first?.kind === 'chart'
      ? chartHeight(doc, first, flow.width)
      : first?.kind === 'table'
        ? tableLeadHeight(doc, first, flow.width)
        : HEADING_KEEP_WITH_NEXT;
  flow.ensure(headingHeight + 6 + lead);
  doc.rect(flow.left, flow.y + 1, 3, headingHeight - 2).fill(COLORS.accent);
  drawText(doc, section.heading, flow.left + 9, flow.y, flow.width - 9, {
    size: HEADING_SIZE,
    color: COLORS.accent,
    emphasis: true,
  });
  flow.y += headingHeight + 6;
  for (const block of section.blocks) {
    switch (block.kind) {
      case 'facts':
        drawFacts(flow, block);
        break;
      case 'table':
        drawTable(flow, block, {
          continuedLabel: reportText('reports.continued', locale, { heading: section.heading }),
        });
        break;
      case 'chart':
        drawChart(flow, block, locale);
        break;
      case 'notes':
        drawNotes(flow, block);
        break;
    }
    flow.y += BLOCK_GAP;
  }
  flow.y += 6;
}

const FACT_LABEL_SIZE = 8;
const FACT_VALUE_SIZE = 11;

/** Key figures in a grid on a light panel: three across on portrait pages, four on landscape. */
function drawFacts(flow: PdfFlow, block: FactsBlock): void {
  const { doc } = flow;
  const perRow = flow.orientation === 'landscape' ? 4 : 3;
  const cellWidth = flow.width / perRow;
  const inner = cellWidth - 16;
  for (let start = 0; start < block.items.length; start += perRow) {
    const row = block.items.slice(start, start + perRow);
    const height =
      Math.max(
        ...row.map(
          (item) =>
            measureText(doc, item.label, inner, { size: FACT_LABEL_SIZE }) +
            measureText(doc, item.value === '' ? '—' : item.value, inner, { size: FACT_VALUE_SIZE }),
        ),
      ) + 14;
    flow.ensure(height);
    doc.rect(flow.left, flow.y, flow.width, height).fill(COLORS.factsFill);
    row.forEach((item, i) => {
      const x = flow.left + i * cellWidth + 8;
      const labelHeight = drawText(doc, item.label, x, flow.y + 6, inner, {
        size: FACT_LABEL_SIZE,
        color: COLORS.muted,
      });
      drawText(doc, item.value === '' ? '—' : item.value, x, flow.y + 7 + labelHeight, inner, {
        size: FACT_VALUE_SIZE,
        color: COLORS.text,
        emphasis: true,
      });
    });
    flow.y += height;
  }
}

const NOTE_SIZE = 9;
const NOTE_INDENT = 16;

function drawNotes(flow: PdfFlow, block: NotesBlock): void {
  const { doc } = flow;
  if (block.title !== undefined) {
    const height = measureText(doc, block.title, flow.width, { size: 10 });
    flow.ensure(height + 14);
    flow.y += drawText(doc, block.title, flow.left, flow.y, flow.width, { size: 10 }) + 3;
  }
  block.items.forEach((item, i) => {
    const height = measureText(doc, item, flow.width - NOTE_INDENT, { size: NOTE_SIZE });
    flow.ensure(height);
    drawText(doc, `${i + 1}.`, flow.left, flow.y, NOTE_INDENT, { size: NOTE_SIZE, color: COLORS.muted });
    drawText(doc, item, flow.left + NOTE_INDENT, flow.y, flow.width - NOTE_INDENT, { size: NOTE_SIZE });
    flow.y += height + 2;
  });
}

/**
 * After the content, when the page count is known: the running header (from page 2), the mark
 * and "第 N 页，共 M 页" on every page.
 */
function decoratePages(doc: PDFKit.PDFDocument, document: ReportDocument, locale: Locale): void {
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index++) {
    doc.switchToPage(index);
    const width = doc.page.width - MARGINS.left - MARGINS.right;
    const headerY = 30;
    const markWidth = document.mark === undefined ? 0 : drawMark(doc, document.mark, headerY);
    if (index > range.start) {
      const running = `${document.title} · ${document.period}`;
      drawText(doc, running, MARGINS.left, headerY, width - markWidth - 12, {
        size: 8,
        color: COLORS.muted,
        singleLine: true,
      });
      doc
        .lineWidth(0.5)
        .strokeColor(COLORS.rule)
        .moveTo(MARGINS.left, MARGINS.top - 14)
        .lineTo(MARGINS.left + width, MARGINS.top - 14)
        .stroke();
    }
    const page = reportText('reports.page', locale, { page: index - range.start + 1, pages: range.count });
    drawText(doc, page, MARGINS.left, doc.page.height - MARGINS.bottom + 22, width, {
      size: 8,
      color: COLORS.muted,
      align: 'center',
      singleLine: true,
    });
  }
  doc.flushPages();
}

/** The stamp at the top right; returns its width so the running header stays clear of it. */
function drawMark(doc: PDFKit.PDFDocument, mark: string, y: number): number {
  doc.fontSize(9);
  const width = doc.widthOfString(mark) + 12;
  const x = doc.page.width - MARGINS.right - width;
  doc
    .lineWidth(0.8)
    .strokeColor(COLORS.mark)
    .rect(x, y - 3, width, 15)
    .stroke();
  drawText(doc, mark, x + 6, y, width - 12 + 1, { size: 9, color: COLORS.mark, singleLine: true });
  return width;
}
