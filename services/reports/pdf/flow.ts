/**
 * The page geometry and the vertical cursor the blocks draw at. Blocks ask `ensure(height)`
 * before drawing, so a page break only ever happens here: pdfkit's own automatic page breaks are
 * never used (every text call passes a height), which keeps table headers and chart boxes whole.
 */

export type Orientation = 'portrait' | 'landscape';

/** Points (1/72 inch). A4 is 595.28 × 841.89. */
export const MARGINS = { top: 64, bottom: 60, left: 48, right: 48 } as const;

export const COLORS = {
  text: '#1a1a1a',
  muted: '#5f6b7a',
  accent: '#1f4e79',
  rule: '#b8c4d0',
  grid: '#e3e7ec',
  headerFill: '#e8eef5',
  zebraFill: '#f7f9fb',
  summaryFill: '#eef1f4',
  factsFill: '#f5f7fa',
  mark: '#c0392b',
} as const;

/** Line gap of wrapped text, points. */
export const LINE_GAP = 1.5;

export class PdfFlow {
  readonly doc: PDFKit.PDFDocument;
  readonly orientation: Orientation;
  y: number = MARGINS.top;

  constructor(doc: PDFKit.PDFDocument, orientation: Orientation) {
    this.doc = doc;
    this.orientation = orientation;
  }

  get left(): number {
    return MARGINS.left;
  }

  get width(): number {
    return this.doc.page.width - MARGINS.left - MARGINS.right;
  }

  get bottom(): number {
    return this.doc.page.height - MARGINS.bottom;
  }

  /** True when nothing has been drawn on the current page yet. */
  get atPageTop(): boolean {
    return this.y <= MARGINS.top;
  }

  addPage(): void {
    this.doc.addPage({ size: 'A4', layout: this.orientation, margins: MARGINS });
    this.y = MARGINS.top;
  }

  /** Starts a new page unless `height` fits below the cursor; true when it did. */
  ensure(height: number): boolean {
    if (this.y + height <= this.bottom || this.atPageTop) return false;
    this.addPage();
    return true;
  }
}

export interface TextStyle {
  readonly size: number;
  readonly color?: string;
  readonly align?: 'left' | 'center' | 'right';
  /** Strokes the glyph outlines as well: the embedded face has no bold weight. */
  readonly emphasis?: boolean;
  /** Cut to one line with an ellipsis instead of wrapping. */
  readonly singleLine?: boolean;
  /** Wrapped text taller than this is cut, with an ellipsis, at the last line that fits. */
  readonly maxHeight?: number;
}

/** Height of `text` wrapped in `width` at `style.size`. */
export function measureText(doc: PDFKit.PDFDocument, text: string, width: number, style: TextStyle): number {
  doc.fontSize(style.size);
  if (style.singleLine === true) return doc.currentLineHeight(true);
  const height = doc.heightOfString(text, { width, lineGap: LINE_GAP });
  return style.maxHeight === undefined ? height : Math.min(height, style.maxHeight);
}

export function textWidth(doc: PDFKit.PDFDocument, text: string, size: number): number {
  doc.fontSize(size);
  return doc.widthOfString(text);
}

/** Draws text in a box; never breaks the page. Returns the height used. */
export function drawText(
  doc: PDFKit.PDFDocument,
  text: string,
  x: number,
  y: number,
  width: number,
  style: TextStyle,
): number {
  const height = measureText(doc, text, width, style);
  const cut = style.singleLine === true || (style.maxHeight !== undefined && height >= style.maxHeight);
  doc.fillColor(style.color ?? COLORS.text);
  if (style.emphasis === true) doc.strokeColor(style.color ?? COLORS.text).lineWidth(0.35);
  doc.text(text, x, y, {
    width,
    // A little slack: the wrapper drops a last line that would end a hair below `height`.
    height: height + 1,
    align: style.align ?? 'left',
    lineGap: LINE_GAP,
    // Cut text: a box that high, in which the wrapper stops and marks the rest with an ellipsis.
    ellipsis: cut ? '…' : false,
    fill: true,
    stroke: style.emphasis === true,
  });
  return height;
}
