import type { Cell, ReportDocument, TableBlock } from '../model/document.ts';
import { tablesOf } from '../model/tables.ts';

/**
 * CSV of a report's tables: one file per table (a spreadsheet, a script or a database import
 * reads one rectangular table per file; blocks of different widths in one file break all three).
 *
 * - RFC 4180: fields quoted when they hold `"`, `,`, CR or LF, quotes doubled; CRLF after every
 *   record, the last included.
 * - UTF-8 with a byte-order mark: Excel on Chinese Windows reads a file without one as GBK and
 *   garbles every Chinese label.
 * - The first record is the column labels; then the rows, then the summary rows. No title, period
 *   or unit lines: they belong in the file name and the column labels, so the file stays a table.
 * - Numbers raw: `String(value)` (12345.678, -3, 0.125 for 12.5 %), never the PDF's format, so a
 *   spreadsheet can compute with them. `null` is an empty field.
 * - Formula injection: a text field starting with `=`, `+`, `-`, `@`, tab or CR is prefixed with an
 *   apostrophe, so Excel and LibreOffice show it as text instead of running it (`=HYPERLINK(…)`
 *   typed into a complaint would otherwise become a live formula). The apostrophe is visible to
 *   tools that are not spreadsheets; number cells are never prefixed, so `-3` stays a number.
 */

const BOM = '\uFEFF';
const CRLF = '\r\n';
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export interface CsvFile {
  /** `<table id>.csv`. */
  readonly fileName: string;
  readonly tableId: string;
  /** The table's title, else its section's heading: what a download list shows. */
  readonly caption: string;
  readonly content: Buffer;
}

/** One field: guarded against formulas when it is text, then quoted when it must be. */
export function csvField(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Object.is(cell, -0) ? '0' : String(cell);
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The text of one table's CSV, without the byte-order mark. */
export function tableCsvText(table: Pick<TableBlock, 'columns' | 'rows' | 'summaryRows'>): string {
  const records: (readonly Cell[])[] = [
    table.columns.map((column) => column.label),
    ...table.rows,
    ...(table.summaryRows ?? []),
  ];
  return records.map((record) => record.map(csvField).join(',') + CRLF).join('');
}

/** One table's CSV file content: BOM, then UTF-8. */
export function tableCsv(table: Pick<TableBlock, 'columns' | 'rows' | 'summaryRows'>): Buffer {
  return Buffer.from(BOM + tableCsvText(table), 'utf8');
}

/** Every table of a (validated) document, in reading order. */
export function documentCsv(document: ReportDocument): CsvFile[] {
  return tablesOf(document).map(({ id, section, table }) => ({
    fileName: `${id}.csv`,
    tableId: id,
    caption: table.title ?? section.heading,
    content: tableCsv(table),
  }));
}
