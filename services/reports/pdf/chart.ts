import { reportText } from '../labels.ts';
import type { ChartBlock, Locale } from '../model/document.ts';
import { formatCompact, formatNumber } from '../model/number-format.ts';
import { niceScale } from './chart-scale.ts';
import { COLORS, drawText, measureText, type PdfFlow, textWidth } from './flow.ts';

/**
 * Bar and line charts drawn with vector primitives (no raster image): value axis with round
 * ticks and grid lines, category axis, legend, unit. Colours are fixed per series position, so
 * the same document always looks the same.
 */

export const SERIES_COLORS = [
  '#2f6db5',
  '#e08a1e',
  '#2e9e5b',
  '#c0392b',
  '#7d5ba6',
  '#1f9bb0',
  '#8c6d46',
  '#d6609e',
];

const PLOT_HEIGHT = 170;
const TITLE_SIZE = 10;
const LABEL_SIZE = 7.5;
const LEGEND_SIZE = 8;
const SWATCH = 8;
/** Room between legend and plot, enough for a value label on the tallest bar. */
const LEGEND_GAP = 12;
const CATEGORY_LINES = 2;
/** Value labels on bars only while they stay legible. */
const MAX_LABELLED_BARS = 36;

interface ChartBox {
  readonly titleHeight: number;
  readonly legend: LegendLayout;
  readonly categoryHeight: number;
  readonly height: number;
}

function chartBox(doc: PDFKit.PDFDocument, chart: ChartBlock, width: number): ChartBox {
  const titleHeight =
    chart.title === undefined ? 0 : measureText(doc, chart.title, width, { size: TITLE_SIZE }) + 4;
  const legend = legendLayout(doc, chart, width);
  const categoryHeight = measureText(doc, 'X', 100, { size: LABEL_SIZE }) * CATEGORY_LINES + 4;
  const height = titleHeight + legend.height + LEGEND_GAP + PLOT_HEIGHT + categoryHeight;
  return { titleHeight, legend, categoryHeight, height };
}

/** The chart's whole height: a chart is never split across pages. */
export function chartHeight(doc: PDFKit.PDFDocument, chart: ChartBlock, width: number): number {
  return chartBox(doc, chart, width).height;
}

export function drawChart(flow: PdfFlow, chart: ChartBlock, locale: Locale): void {
  const { doc } = flow;
  const width = flow.width;
  const { titleHeight, legend, categoryHeight, height } = chartBox(doc, chart, width);
  flow.ensure(height);

  let y = flow.y;
  if (chart.title !== undefined) {
    drawText(doc, chart.title, flow.left, y, width, { size: TITLE_SIZE });
    y += titleHeight;
  }
  const unit = chart.unit === '' ? '' : reportText('reports.unit', locale, { unit: chart.unit });
  drawText(doc, unit, flow.left, y, width / 3, { size: LABEL_SIZE, color: COLORS.muted, singleLine: true });
  drawLegend(doc, legend, flow.left + width, y);
  y += legend.height + LEGEND_GAP;

  const values = chart.series.flatMap((series) =>
    series.values.filter((value): value is number => value !== null),
  );
  const plotTop = y;
  const plotBottom = y + PLOT_HEIGHT;
  if (values.length === 0) {
    doc.lineWidth(0.5).strokeColor(COLORS.rule).rect(flow.left, plotTop, width, PLOT_HEIGHT).stroke();
    drawText(doc, reportText('reports.noData', locale), flow.left, plotTop + PLOT_HEIGHT / 2 - 6, width, {
      size: 10,
      color: COLORS.muted,
      align: 'center',
    });
    flow.y = plotBottom + categoryHeight;
    return;
  }

  const scale = niceScale(Math.min(...values), Math.max(...values), { includeZero: chart.type === 'bar' });
  const tickFormat = chart.valueFormat ?? { style: 'decimal' as const, fractionDigits: scale.decimals };
  const tickLabels = scale.ticks.map((tick) => formatNumber(tick, tickFormat));
  const axisWidth = Math.max(...tickLabels.map((label) => textWidth(doc, label, LABEL_SIZE))) + 6;
  const plotLeft = flow.left + axisWidth;
  const plotWidth = width - axisWidth;
  const yOf = (value: number) => plotBottom - ((value - scale.min) / (scale.max - scale.min)) * PLOT_HEIGHT;

  // Grid and value axis.
  doc.lineWidth(0.5);
  scale.ticks.forEach((tick, i) => {
    const ty = yOf(tick);
    doc
      .strokeColor(tick === 0 ? COLORS.muted : COLORS.grid)
      .moveTo(plotLeft, ty)
      .lineTo(plotLeft + plotWidth, ty)
      .stroke();
    const lineHeight = measureText(doc, 'X', 100, { size: LABEL_SIZE, singleLine: true });
    drawText(doc, tickLabels[i] ?? '', flow.left, ty - lineHeight / 2, axisWidth - 4, {
      size: LABEL_SIZE,
      color: COLORS.muted,
      align: 'right',
      singleLine: true,
    });
  });
  doc.strokeColor(COLORS.muted).moveTo(plotLeft, plotTop).lineTo(plotLeft, plotBottom).stroke();
  doc
    .moveTo(plotLeft, plotBottom)
    .lineTo(plotLeft + plotWidth, plotBottom)
    .stroke();

  // Category axis: every label while they fit, else every n-th.
  const band = plotWidth / chart.categories.length;
  const every = Math.max(1, Math.ceil(22 / band));
  chart.categories.forEach((category, i) => {
    if (i % every !== 0) return;
    const labelWidth = band * every - 2;
    const x = plotLeft + band * i + band / 2 - labelWidth / 2;
    doc.fontSize(LABEL_SIZE).fillColor(COLORS.text);
    doc.text(category, x, plotBottom + 3, {
      width: labelWidth,
      height: categoryHeight - 3,
      align: 'center',
      ellipsis: '…',
    });
  });

  if (chart.type === 'bar') drawBars(doc, chart, { plotLeft, band, yOf, values: values.length });
  else drawLines(doc, chart, { plotLeft, band, yOf });
  flow.y = plotBottom + categoryHeight;
}

interface Geometry {
  readonly plotLeft: number;
  readonly band: number;
  readonly yOf: (value: number) => number;
}

function drawBars(doc: PDFKit.PDFDocument, chart: ChartBlock, geometry: Geometry & { values: number }): void {
  const { plotLeft, band, yOf } = geometry;
  const group = band * 0.72;
  const barWidth = group / chart.series.length;
  const labelled = geometry.values <= MAX_LABELLED_BARS && barWidth >= 12;
  const zero = yOf(0);
  chart.series.forEach((series, s) => {
    const color = SERIES_COLORS[s % SERIES_COLORS.length] ?? COLORS.accent;
    series.values.forEach((value, c) => {
      if (value === null) return;
      const x = plotLeft + band * c + (band - group) / 2 + barWidth * s;
      const top = Math.min(yOf(value), zero);
      const height = Math.max(Math.abs(zero - yOf(value)), 0.5);
      doc.rect(x + 0.5, top, barWidth - 1, height).fill(color);
      if (labelled) {
        // Without a format, a label shows its value to the hundredth, not to the ticks' precision.
        const text =
          chart.valueFormat === undefined ? formatCompact(value) : formatNumber(value, chart.valueFormat);
        const labelY = value >= 0 ? top - 9 : top + height + 1;
        drawText(doc, text, x - 6, labelY, barWidth + 12, {
          size: 6.5,
          color: COLORS.text,
          align: 'center',
          singleLine: true,
        });
      }
    });
  });
}

function drawLines(doc: PDFKit.PDFDocument, chart: ChartBlock, geometry: Geometry): void {
  const { plotLeft, band, yOf } = geometry;
  chart.series.forEach((series, s) => {
    const color = SERIES_COLORS[s % SERIES_COLORS.length] ?? COLORS.accent;
    doc.lineWidth(1.5).strokeColor(color).fillColor(color);
    let drawing = false;
    series.values.forEach((value, c) => {
      if (value === null) {
        if (drawing) doc.stroke();
        drawing = false;
        return;
      }
      const x = plotLeft + band * c + band / 2;
      if (drawing) doc.lineTo(x, yOf(value));
      else doc.moveTo(x, yOf(value));
      drawing = true;
    });
    if (drawing) doc.stroke();
    series.values.forEach((value, c) => {
      if (value === null) return;
      doc.circle(plotLeft + band * c + band / 2, yOf(value), 2.2).fill(color);
    });
  });
}

interface LegendLayout {
  readonly height: number;
  readonly rows: readonly (readonly { name: string; color: string; width: number }[])[];
  readonly lineHeight: number;
}

/** Legend entries right-aligned, wrapping onto more rows when the names are long. */
function legendLayout(doc: PDFKit.PDFDocument, chart: ChartBlock, width: number): LegendLayout {
  const lineHeight = measureText(doc, 'X', 100, { size: LEGEND_SIZE, singleLine: true }) + 2;
  const maxRow = (width * 2) / 3;
  const rows: { name: string; color: string; width: number }[][] = [[]];
  let used = 0;
  chart.series.forEach((series, s) => {
    const entryWidth = Math.min(maxRow, SWATCH + 4 + textWidth(doc, series.name, LEGEND_SIZE) + 12);
    if (used + entryWidth > maxRow && used > 0) {
      rows.push([]);
      used = 0;
    }
    rows[rows.length - 1]?.push({
      name: series.name,
      color: SERIES_COLORS[s % SERIES_COLORS.length] ?? COLORS.accent,
      width: entryWidth,
    });
    used += entryWidth;
  });
  return { height: rows.length * lineHeight, rows, lineHeight };
}

function drawLegend(doc: PDFKit.PDFDocument, legend: LegendLayout, right: number, top: number): void {
  legend.rows.forEach((row, r) => {
    const y = top + r * legend.lineHeight;
    let x = right - row.reduce((sum, entry) => sum + entry.width, 0);
    for (const entry of row) {
      doc.rect(x, y + 1.5, SWATCH, SWATCH).fill(entry.color);
      drawText(doc, entry.name, x + SWATCH + 4, y, entry.width - SWATCH - 4, {
        size: LEGEND_SIZE,
        color: COLORS.text,
        singleLine: true,
      });
      x += entry.width;
    }
  });
}
