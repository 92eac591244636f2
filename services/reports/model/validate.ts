import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { ReportError } from '../errors.ts';
import { BLOCK_SCHEMAS, DocumentShell, ReportDocument } from './document.ts';
import { tablesOf } from './tables.ts';

/**
 * Problems of a document as `path: message`: the schema's, then what the schema cannot say
 * (row widths, series lengths, unique table ids, a known time zone). Empty when it is valid.
 */
export function documentProblems(value: unknown): string[] {
  if (!Value.Check(ReportDocument, value)) {
    return shapeProblems(value);
  }
  const problems: string[] = [];
  if (value.timeZone !== undefined && !isTimeZone(value.timeZone)) {
    problems.push(`timeZone: unknown time zone ${value.timeZone}`);
  }
  value.sections.forEach((section, s) => {
    section.blocks.forEach((block, b) => {
      const path = `sections/${s}/blocks/${b}`;
      if (block.kind === 'table') {
        const width = block.columns.length;
        const check = (rows: readonly (readonly unknown[])[], name: string) => {
          rows.forEach((row, r) => {
            if (row.length !== width) {
              problems.push(`${path}/${name}/${r}: has ${row.length} cells, the table has ${width} columns`);
            }
          });
        };
        check(block.rows, 'rows');
        check(block.summaryRows ?? [], 'summaryRows');
      }
      if (block.kind === 'chart') {
        block.series.forEach((series, i) => {
          if (series.values.length !== block.categories.length) {
            problems.push(
              `${path}/series/${i}/values: has ${series.values.length} values, the chart has ${block.categories.length} categories`,
            );
          }
        });
      }
    });
  });
  const ids = tablesOf(value).map((named) => named.id);
  for (const id of new Set(ids)) {
    if (ids.indexOf(id) !== ids.lastIndexOf(id))
      problems.push(`sections: two tables are named ${id} (CSV files need distinct ids)`);
  }
  return problems;
}

/** The document, typed, or `ReportError('invalid_document')` listing every problem. */
export function parseDocument(value: unknown): ReportDocument {
  const problems = documentProblems(value);
  if (problems.length > 0) {
    throw new ReportError('invalid_document', `invalid report document:\n${problems.join('\n')}`, {
      issues: problems,
    });
  }
  return value as ReportDocument;
}

/**
 * Checks the document around its blocks first, then each block against the schema its `kind`
 * names: a union's errors would list every branch and bury the one problem under them.
 */
function shapeProblems(value: unknown): string[] {
  const problems = schemaProblems(DocumentShell, value, '');
  const sections =
    typeof value === 'object' && value !== null ? (value as { sections?: unknown }).sections : undefined;
  if (!Array.isArray(sections)) return problems;
  sections.forEach((section: unknown, s) => {
    const blocks =
      typeof section === 'object' && section !== null ? (section as { blocks?: unknown }).blocks : undefined;
    if (!Array.isArray(blocks)) return;
    blocks.forEach((block: unknown, b) => {
      const path = `sections/${s}/blocks/${b}`;
      const kind =
        typeof block === 'object' && block !== null ? (block as { kind?: unknown }).kind : undefined;
      const schema =
        typeof kind === 'string' && Object.hasOwn(BLOCK_SCHEMAS, kind)
          ? BLOCK_SCHEMAS[kind as keyof typeof BLOCK_SCHEMAS]
          : undefined;
      if (schema === undefined) {
        problems.push(`${path}/kind: must be one of ${Object.keys(BLOCK_SCHEMAS).join(', ')}`);
        return;
      }
      problems.push(...schemaProblems(schema, block, path));
    });
  });
  return problems;
}

function schemaProblems(schema: TSchema, value: unknown, prefix: string): string[] {
  const errors = [...Value.Errors(schema, value)].map((error) => ({
    path: [prefix, error.instancePath.slice(1)].filter((part) => part !== '').join('/') || '(root)',
    message: error.message,
  }));
  // A failed union (a cell, a chart value) also reports each branch; its own line says enough.
  const unionPaths = new Set(errors.filter((e) => e.message.includes('anyOf')).map((e) => e.path));
  const lines = errors
    .filter((e) => !unionPaths.has(e.path) || e.message.includes('anyOf'))
    .map((e) => `${e.path}: ${e.message}`);
  return [...new Set(lines)];
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
