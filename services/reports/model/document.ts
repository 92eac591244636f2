import Type, { type Static, type TSchema } from 'typebox';

/**
 * The neutral report document: what the monthly scorecard (月考核), the quarterly bulletin
 * (季通报) and the monthly energy report hand to the renderers. Every string is already in the
 * reader's language (the caller translates through its own catalogue); numbers stay numbers so
 * CSV can write them raw and PDF can format them per column.
 */

const Text = Type.String({ minLength: 1, maxLength: 2_000 });
const OptionalText = Type.String({ maxLength: 2_000 });

export const LOCALES = ['zh-CN', 'en'] as const;
export const Locale = Type.Enum(LOCALES);
export type Locale = Static<typeof Locale>;

/** How a number is shown in the PDF. CSV always writes the raw value. */
export const NumberFormat = Type.Object(
  {
    /** `percent` multiplies by 100 and appends `%`: the value is a fraction (0.125 → 12.5%). */
    style: Type.Enum(['integer', 'decimal', 'percent']),
    /** Digits after the decimal point; `integer` ignores it. Default 2 (`decimal`), 1 (`percent`). */
    fractionDigits: Type.Optional(Type.Integer({ minimum: 0, maximum: 6 })),
    /** Thousands separators (12,345.6). Default true. */
    grouping: Type.Optional(Type.Boolean()),
    /** Show `+` on positive values, for changes such as 同比. Default false. */
    signed: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type NumberFormat = Static<typeof NumberFormat>;

/** A table cell: text, a finite number, or nothing (shown as a dash in the PDF, empty in CSV). */
export const Cell = Type.Union([Type.String({ maxLength: 2_000 }), Type.Number(), Type.Null()]);
export type Cell = Static<typeof Cell>;

export const Column = Type.Object(
  {
    label: Text,
    /** Default: `right` when the column has a number format, `left` otherwise. */
    align: Type.Optional(Type.Enum(['left', 'center', 'right'])),
    format: Type.Optional(NumberFormat),
    /** Relative width. When every column has one, the widths are proportional to them; otherwise measured. */
    width: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type Column = Static<typeof Column>;

export const FactsBlock = Type.Object(
  {
    kind: Type.Literal('facts'),
    items: Type.Array(Type.Object({ label: Text, value: OptionalText }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 60,
    }),
  },
  { additionalProperties: false },
);

export const TableBlock = Type.Object(
  {
    kind: Type.Literal('table'),
    /** Names the table's CSV file; unique in the document. Default `table-<n>`, counted over the document. */
    id: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,47}$' })),
    title: Type.Optional(Text),
    columns: Type.Array(Column, { minItems: 1, maxItems: 40 }),
    rows: Type.Array(Type.Array(Cell), { maxItems: 100_000 }),
    /** Totals and the like: after the rows, shaded in the PDF, last in the CSV. */
    summaryRows: Type.Optional(Type.Array(Type.Array(Cell), { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type TableBlock = Static<typeof TableBlock>;

export const ChartSeries = Type.Object(
  {
    name: Text,
    /** One value per category; `null` leaves a gap (no bar, a break in the line). */
    values: Type.Array(Type.Union([Type.Number(), Type.Null()])),
  },
  { additionalProperties: false },
);

export const ChartBlock = Type.Object(
  {
    kind: Type.Literal('chart'),
    type: Type.Enum(['bar', 'line']),
    title: Type.Optional(Text),
    /** Shown above the value axis, e.g. `分` or `kWh`. */
    unit: Type.String({ maxLength: 40 }),
    categories: Type.Array(Text, { minItems: 1, maxItems: 60 }),
    series: Type.Array(ChartSeries, { minItems: 1, maxItems: 8 }),
    /** Format of the value axis and of the value labels. */
    valueFormat: Type.Optional(NumberFormat),
  },
  { additionalProperties: false },
);
export type ChartBlock = Static<typeof ChartBlock>;

export const NotesBlock = Type.Object(
  {
    kind: Type.Literal('notes'),
    title: Type.Optional(Text),
    items: Type.Array(Text, { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false },
);
export type NotesBlock = Static<typeof NotesBlock>;

export const Block = Type.Union([FactsBlock, TableBlock, ChartBlock, NotesBlock]);
export type Block = Static<typeof Block>;
export type FactsBlock = Static<typeof FactsBlock>;

/** The document around a block schema, so validation can check the shell and each block apart. */
function documentOf<B extends TSchema>(block: B) {
  const section = Type.Object(
    {
      heading: Text,
      /** Drawn in this order. */
      blocks: Type.Array(block, { maxItems: 50 }),
      pageBreakBefore: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  );
  return Type.Object(
    {
      title: Text,
      subtitle: Type.Optional(Text),
      /** Already localised, e.g. `2026年10月` or `2026 Q3`. */
      period: Text,
      /** When the figures were produced: an ISO 8601 instant, shown in `timeZone`. */
      generatedAt: Type.String({ format: 'date-time' }),
      /** IANA zone `generatedAt` is shown in. Default `Asia/Shanghai`. */
      timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      /** Language of the renderer's own texts (page numbers, 生成时间). Default `zh-CN`. */
      locale: Type.Optional(Locale),
      /** `auto` (default) turns the pages to landscape when a table is too wide for portrait. */
      orientation: Type.Optional(Type.Enum(['auto', 'portrait', 'landscape'])),
      /** A stamp on every page, e.g. `示例数据` or `征求意见稿`. */
      mark: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
      sections: Type.Array(section, { maxItems: 200 }),
    },
    { additionalProperties: false },
  );
}

export const ReportDocument = documentOf(Block);
export type ReportDocument = Static<typeof ReportDocument>;
export type Section = ReportDocument['sections'][number];

/** The document with its blocks unchecked: validation checks each block against its own kind. */
export const DocumentShell = documentOf(Type.Unknown());

export const BLOCK_SCHEMAS = {
  facts: FactsBlock,
  table: TableBlock,
  chart: ChartBlock,
  notes: NotesBlock,
} as const;
