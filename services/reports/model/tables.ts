import type { ReportDocument, Section, TableBlock } from './document.ts';

export interface NamedTable {
  /** The table's `id`, or `table-<n>` with n counting every table of the document from 1. */
  readonly id: string;
  readonly section: Section;
  readonly table: TableBlock;
}

/** Every table of a document in reading order, with the id its CSV file is named by. */
export function tablesOf(document: Pick<ReportDocument, 'sections'>): NamedTable[] {
  const tables: NamedTable[] = [];
  for (const section of document.sections) {
    for (const block of section.blocks) {
      if (block.kind !== 'table') continue;
      tables.push({ id: block.id ?? `table-${tables.length + 1}`, section, table: block });
    }
  }
  return tables;
}
