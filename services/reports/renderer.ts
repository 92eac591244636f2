import type { Writable } from 'node:stream';
import type { Clock } from '../runtime/clock.ts';
import { type CsvFile, documentCsv } from './csv/csv.ts';
import { parseDocument } from './model/validate.ts';
import { loadReportFont, type ReportFont } from './pdf/font.ts';
import { renderPdfBuffer, writePdf } from './pdf/pdf-document.ts';
import type { ReportSettings } from './settings.ts';

export interface ReportRendererOptions {
  readonly fontPath: string;
  /** PostScript name of the face when the font file is a collection (.ttc). */
  readonly fontFace: string;
  readonly clock: Clock;
}

/**
 * Renders report documents to PDF and CSV. Holds the font, read once on first use and shared by
 * every document, so rendering fifty scorecards reads the 20 MB collection once. Every method
 * validates its document first (`invalid_document` with every problem listed).
 */
export class ReportRenderer {
  readonly #options: ReportRendererOptions;
  #font: Promise<ReportFont> | undefined;

  constructor(options: ReportRendererOptions) {
    this.#options = options;
  }

  static fromSettings(settings: ReportSettings, clock: Clock): ReportRenderer {
    return new ReportRenderer({
      fontPath: settings.STEWARD_REPORT_FONT,
      fontFace: settings.STEWARD_REPORT_FONT_FACE,
      clock,
    });
  }

  /** Loads the font, or rejects with `font_missing` / `font_invalid`; a failed load is retried next call. */
  font(): Promise<ReportFont> {
    if (this.#font === undefined) {
      const loading = loadReportFont(this.#options.fontPath, this.#options.fontFace);
      this.#font = loading;
      loading.catch(() => {
        if (this.#font === loading) this.#font = undefined;
      });
    }
    return this.#font;
  }

  async pdf(document: unknown): Promise<Buffer> {
    const valid = parseDocument(document);
    return renderPdfBuffer(valid, { font: await this.font(), clock: this.#options.clock });
  }

  async writePdf(document: unknown, sink: Writable): Promise<void> {
    const valid = parseDocument(document);
    await writePdf(valid, { font: await this.font(), clock: this.#options.clock }, sink);
  }

  /** One CSV file per table; needs no font. */
  csv(document: unknown): CsvFile[] {
    return documentCsv(parseDocument(document));
  }
}
