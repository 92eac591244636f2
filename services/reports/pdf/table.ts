import type { Column, TableBlock } from '../model/document.ts';
import { formatCell } from '../model/number-format.ts';
import { COLORS, drawText, measureText, type PdfFlow, textWidth } from './flow.ts';

/**
 * Tables that break across pages: a row is never split, and every page a table continues on
 * starts with a "（续）" line and the header row again.
 */

const SIZE = 8.5;
const PAD_X = 4;
const PAD_Y = 3;
const TITLE_SIZE = 10;
/** Headers wrap to two lines rather than widening a column past this. */
const MAX_LABEL_WIDTH = 110;
/** Long text wraps in its cell rather than widening a column past this. */
const MAX_CELL_WIDTH = 200;
/** Text wrapped to lines this wide still reads well; narrower, a landscape page is better. */
const WRAPPED_TEXT_WIDTH = 80;
const MIN_COLUMN_WIDTH = 26;
/**
 * A cell taller than this (about 28 lines) is cut with an ellipsis: a row must fit on a page,
 * landscape included, below the repeated header. The CSV keeps the whole text.
 */
const MAX_CELL_HEIGHT = 340;
const CELL_STYLE = { size: SIZE, maxHeight: MAX_CELL_HEIGHT } as const;
/** Rows measured to size the columns: the rest are assumed alike. */
const MEASURED_ROWS = 500;

type RowKind = 'header' | 'body' | 'summary';

export interface TableContext {
  /** "（续）" line on each continuation page, already filled with the section's heading. */
  readonly continuedLabel: string;
}

/**
 * The narrowest the table can be without hurting: headers on two lines, text wrapped at
 * `WRAPPED_TEXT_WIDTH`, numbers whole. What decides portrait or landscape.
 */
export function comfortableTableWidth(doc: PDFKit.PDFDocument, table: TableBlock): number {
  return measureColumns(doc, table).reduce((sum, column) => sum + column.comfortable, 0);
}

export function drawTable(flow: PdfFlow, table: TableBlock, context: TableContext): void {
  const { doc } = flow;
  const widths = columnWidths(doc, table, flow.width);
  const aligns = table.columns.map(alignOf);
  const header = table.columns.map((column) => column.label);
  // A missing value in the body is a dash ("no figure"); in a totals row, a column not summed.
  const texts = (row: readonly TableBlock['rows'][number][number][], empty = '—') =>
    row.map((cell, i) => formatCell(cell, table.columns[i]?.format, empty));
  const headerHeight = rowHeight(doc, header, widths);

  const titleHeight =
    table.title === undefined ? 0 : measureText(doc, table.title, flow.width, { size: TITLE_SIZE }) + 4;
  flow.ensure(tableLeadHeight(doc, table, flow.width));
  if (table.title !== undefined) {
    drawText(doc, table.title, flow.left, flow.y, flow.width, { size: TITLE_SIZE, color: COLORS.text });
    flow.y += titleHeight;
  }
  drawRow(
    flow,
    header,
    widths,
    aligns.map(() => 'center'),
    'header',
    headerHeight,
  );

  const body = table.rows.map((row) => ({ cells: texts(row), kind: 'body' as const }));
  const summary = (table.summaryRows ?? []).map((row) => ({
    cells: texts(row, ''),
    kind: 'summary' as const,
  }));
  let index = 0;
  for (const row of [...body, ...summary]) {
    const height = rowHeight(doc, row.cells, widths);
    if (flow.ensure(height)) {
      const label = measureText(doc, context.continuedLabel, flow.width, { size: SIZE, singleLine: true });
      drawText(doc, context.continuedLabel, flow.left, flow.y, flow.width, {
        size: SIZE,
        color: COLORS.muted,
        singleLine: true,
      });
      flow.y += label + 3;
      drawRow(
        flow,
        header,
        widths,
        aligns.map(() => 'center'),
        'header',
        headerHeight,
      );
    }
    drawRow(flow, row.cells, widths, aligns, row.kind, height, row.kind === 'body' && index % 2 === 1);
    index += 1;
  }
}

/** Title, header and first row: what must fit on a page before the table may start there. */
export function tableLeadHeight(doc: PDFKit.PDFDocument, table: TableBlock, width: number): number {
  const widths = columnWidths(doc, table, width);
  const titleHeight =
    table.title === undefined ? 0 : measureText(doc, table.title, width, { size: TITLE_SIZE }) + 4;
  const firstRow = table.rows[0] ?? table.summaryRows?.[0];
  const firstRowHeight =
    firstRow === undefined
      ? 0
      : rowHeight(
          doc,
          firstRow.map((cell, i) => formatCell(cell, table.columns[i]?.format)),
          widths,
        );
  return (
    titleHeight +
    rowHeight(
      doc,
      table.columns.map((column) => column.label),
      widths,
    ) +
    firstRowHeight
  );
}

function alignOf(column: Column): 'left' | 'center' | 'right' {
  return column.align ?? (column.format === undefined ? 'left' : 'right');
}

interface ColumnMeasure {
  /** Every cell on one line (up to the caps). */
  readonly natural: number;
  readonly comfortable: number;
}

function measureColumns(doc: PDFKit.PDFDocument, table: TableBlock): ColumnMeasure[] {
  const rows = [...table.rows.slice(0, MEASURED_ROWS), ...(table.summaryRows ?? [])];
  return table.columns.map((column, i) => {
    const label = textWidth(doc, column.label, SIZE);
    let widestText = 0;
    let widestNumber = 0;
    for (const row of rows) {
      const cell = row[i] ?? null;
      const width = textWidth(doc, formatCell(cell, column.format), SIZE);
      if (typeof cell === 'number') widestNumber = Math.max(widestNumber, width);
      else widestText = Math.max(widestText, width);
    }
    const extra = 2 * PAD_X + 1;
    const natural = Math.max(
      Math.min(MAX_LABEL_WIDTH, label),
      Math.min(MAX_CELL_WIDTH, widestText),
      widestNumber,
    );
    const comfortable = Math.max(label / 2, Math.min(WRAPPED_TEXT_WIDTH, widestText), widestNumber);
    return {
      natural: Math.max(MIN_COLUMN_WIDTH, natural + extra),
      comfortable: Math.max(MIN_COLUMN_WIDTH, comfortable + extra),
    };
  });
}

/**
 * Columns fill the width: given weights are used as they are; measured widths grow in
 * proportion when there is room, and when there is not, narrow columns keep their width and
 * the wide ones share what is left (their text wraps).
 */
export function columnWidths(doc: PDFKit.PDFDocument, table: TableBlock, available: number): number[] {
  const weights = table.columns.map((column) => column.width);
  if (weights.every((weight) => weight !== undefined)) {
    const total = weights.reduce<number>((sum, weight) => sum + (weight ?? 0), 0);
    return weights.map((weight) => ((weight ?? 0) / total) * available);
  }
  return fitWidths(
    measureColumns(doc, table).map((column) => column.natural),
    available,
  );
}

export function fitWidths(natural: readonly number[], available: number): number[] {
  const total = natural.reduce((sum, width) => sum + width, 0);
  if (total <= available) return natural.map((width) => (width / total) * available);
  const order = natural.map((width, i) => ({ width, i })).sort((a, b) => a.width - b.width || a.i - b.i);
  const widths = new Array<number>(natural.length).fill(0);
  let remaining = available;
  order.forEach(({ width, i }, rank) => {
    const share = remaining / (order.length - rank);
    widths[i] = Math.min(width, share);
    remaining -= widths[i] ?? 0;
  });
  return widths;
}

function rowHeight(doc: PDFKit.PDFDocument, cells: readonly string[], widths: readonly number[]): number {
  let tallest = 0;
  cells.forEach((text, i) => {
    tallest = Math.max(tallest, measureText(doc, text, (widths[i] ?? 0) - 2 * PAD_X, CELL_STYLE));
  });
  return tallest + 2 * PAD_Y;
}

function drawRow(
  flow: PdfFlow,
  cells: readonly string[],
  widths: readonly number[],
  aligns: readonly ('left' | 'center' | 'right')[],
  kind: RowKind,
  height: number,
  striped = false,
): void {
  const { doc } = flow;
  const fill =
    kind === 'header'
      ? COLORS.headerFill
      : kind === 'summary'
        ? COLORS.summaryFill
        : striped
          ? COLORS.zebraFill
          : undefined;
  const tableWidth = widths.reduce((sum, width) => sum + width, 0);
  if (fill !== undefined) doc.rect(flow.left, flow.y, tableWidth, height).fill(fill);
  let x = flow.left;
  cells.forEach((text, i) => {
    const width = widths[i] ?? 0;
    drawText(doc, text, x + PAD_X, flow.y + PAD_Y, width - 2 * PAD_X, {
      ...CELL_STYLE,
      align: aligns[i] ?? 'left',
      color: kind === 'header' ? COLORS.accent : COLORS.text,
      emphasis: kind !== 'body',
    });
    x += width;
  });
  doc.lineWidth(0.5).strokeColor(COLORS.rule);
  doc.rect(flow.left, flow.y, tableWidth, height).stroke();
  x = flow.left;
  for (const width of widths.slice(0, -1)) {
    x += width;
    doc
      .moveTo(x, flow.y)
      .lineTo(x, flow.y + height)
      .stroke();
  }
  flow.y += height;
}
