import { readFile } from 'node:fs/promises';
import PDFDocument from 'pdfkit';
import { ReportError } from '../errors.ts';

/** The font every PDF embeds (subset): read once, shared by every document a renderer writes. */
export interface ReportFont {
  readonly path: string;
  /** The face pdfkit opens: the PostScript name in a collection, undefined for a single-face file. */
  readonly face: string | undefined;
  readonly data: Buffer;
}

/** The name documents register the font under. */
export const BODY_FONT = 'body';

const COLLECTION_MAGIC = 'ttcf';
const FONT_MAGICS = new Set([COLLECTION_MAGIC, 'OTTO', 'true', 'wOFF', 'wOF2', '\u0000\u0001\u0000\u0000']);

/**
 * Reads and checks the report font. `font_missing` when the file cannot be read (the usual cause:
 * fonts-noto-cjk not installed, or STEWARD_REPORT_FONT pointing elsewhere); `font_invalid` when it
 * is not a font, or a collection without `face`.
 */
export async function loadReportFont(path: string, face: string): Promise<ReportFont> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ReportError(
      'font_missing',
      `report font ${path} cannot be read (${reason}); install fonts-noto-cjk or set STEWARD_REPORT_FONT`,
      { cause: error },
    );
  }
  const magic = data.subarray(0, 4).toString('latin1');
  if (!FONT_MAGICS.has(magic)) {
    throw new ReportError(
      'font_invalid',
      `report font ${path} is not a TrueType/OpenType font or collection`,
    );
  }
  // A face name only means something inside a collection; fontkit rejects it for a single font.
  const font: ReportFont = { path, face: magic === COLLECTION_MAGIC ? face : undefined, data };
  const probe = new PDFDocument({ autoFirstPage: false });
  useReportFont(probe, font);
  if (coversChinese(probe) === false) {
    // A Latin font would print every Chinese label as empty boxes, silently.
    throw new ReportError(
      'font_invalid',
      `report font ${path} has no Chinese glyphs; use a CJK font such as Noto Sans CJK`,
    );
  }
  return font;
}

/**
 * Whether the selected font has glyphs for common Chinese characters; undefined when pdfkit's
 * internals do not say (the check is then skipped rather than guessed).
 */
function coversChinese(document: PDFKit.PDFDocument): boolean | undefined {
  const selected = (document as unknown as { _font?: { font?: { hasGlyphForCodePoint?: unknown } } })._font
    ?.font;
  const has = selected?.hasGlyphForCodePoint;
  if (typeof has !== 'function') return undefined;
  return [...'考核评分页'].every((char) => has.call(selected, char.codePointAt(0)) === true);
}

/** Registers the font on a document and selects it; `font_invalid` when pdfkit cannot open it. */
export function useReportFont(document: PDFKit.PDFDocument, font: ReportFont): void {
  try {
    if (font.face === undefined) document.registerFont(BODY_FONT, font.data);
    else document.registerFont(BODY_FONT, font.data, font.face);
    document.font(BODY_FONT);
  } catch (error) {
    const what = font.face === undefined ? '' : ` (face ${font.face}; set STEWARD_REPORT_FONT_FACE)`;
    throw new ReportError(
      'font_invalid',
      `report font ${font.path} cannot be used${what}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
}
