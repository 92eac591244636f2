import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Cell, ReportDocument, TableBlock } from '../model/document.ts';
import { csvField, documentCsv, tableCsv, tableCsvText } from './csv.ts';

/** An RFC 4180 reader, to check what a spreadsheet would read back. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else field += char;
  }
  if (field !== '' || record.length > 0) throw new Error('the last record does not end with CRLF');
  return records;
}

const table = (columns: string[], rows: Cell[][], summaryRows?: Cell[][]): TableBlock => ({
  kind: 'table',
  columns: columns.map((label) => ({ label })),
  rows,
  ...(summaryRows === undefined ? {} : { summaryRows }),
});

describe('CSV of a table', () => {
  it('starts with a UTF-8 byte-order mark and keeps Chinese intact', () => {
    const bytes = tableCsv(table(['考核项目', '扣分'], [['有效投诉', -0.5]]));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe('考核项目,扣分\r\n有效投诉,-0.5\r\n');
  });

  it('ends every record with CRLF, the last one included, and has no bare LF', () => {
    const text = tableCsvText(
      table(
        ['a', 'b'],
        [
          ['1', '2'],
          ['3', '4'],
        ],
        [['合计', null]],
      ),
    );
    expect(text).toBe('a,b\r\n1,2\r\n3,4\r\n合计,\r\n');
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('quotes fields holding commas, quotes or line breaks and doubles the quotes', () => {
    expect(csvField('主楼, 东附楼')).toBe('"主楼, 东附楼"');
    expect(csvField('说"明"')).toBe('"说""明"""');
    expect(csvField('第一行\n第二行')).toBe('"第一行\n第二行"');
    expect(csvField('a\r\nb')).toBe('"a\r\nb"');
    expect(csvField('plain 文本')).toBe('plain 文本');
  });

  it('prefixes text that a spreadsheet would run as a formula with an apostrophe', () => {
    expect(csvField('=HYPERLINK("http://evil.example","点我")')).toBe(
      `"'=HYPERLINK(""http://evil.example"",""点我"")"`,
    );
    expect(csvField('+1+1')).toBe("'+1+1");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('\r=1')).toBe(`"'\r=1"`);
    // Only the first character counts.
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField('１+1')).toBe('１+1');
  });

  it('writes numbers raw, so a negative number stays a number', () => {
    expect(csvField(-3)).toBe('-3');
    expect(csvField(12345.678)).toBe('12345.678');
    expect(csvField(0.125)).toBe('0.125');
    expect(csvField(-0)).toBe('0');
    expect(csvField(null)).toBe('');
    // The same characters as text are guarded: only a number is trusted to be a number.
    expect(csvField('-3')).toBe("'-3");
  });

  it('guards the column labels too', () => {
    expect(tableCsvText(table(['=cmd', '扣分'], []))).toBe("'=cmd,扣分\r\n");
  });

  it('reads back as the same table for any text (apart from the formula guard)', () => {
    const cell = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.constantFrom('"', ',', '\r\n', '\n', '=', '+', '-', '@', '考核', ' '),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constant(null),
    );
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 8 }), (rows) => {
        const records = parseCsv(tableCsvText(table(['甲', '乙', '丙'], rows)));
        expect(records[0]).toEqual(['甲', '乙', '丙']);
        expect(records.slice(1)).toEqual(
          rows.map((row) =>
            row.map((value) => {
              if (value === null) return '';
              if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value);
              return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
            }),
          ),
        );
      }),
    );
  });
});

describe('CSV of a document', () => {
  it('writes one file per table, named by id or by position among the tables', () => {
    const document: ReportDocument = {
      title: '季度考核通报',
      period: '2026年第三季度',
      generatedAt: '2026-10-08T02:00:00Z',
      sections: [
        { heading: '一、排名', blocks: [{ ...table(['名次'], [[1]]), id: 'ranking' }] },
        {
          heading: '二、明细',
          blocks: [
            { kind: 'notes', items: ['说明'] },
            table(['项目'], [['接单超时']]),
            { ...table(['项目'], [['到场超时']]), title: '上季度' },
          ],
        },
      ],
    };
    const files = documentCsv(document);
    expect(files.map((file) => [file.fileName, file.caption])).toEqual([
      ['ranking.csv', '一、排名'],
      ['table-2.csv', '二、明细'],
      ['table-3.csv', '上季度'],
    ]);
    expect(files[2]?.content.toString('utf8')).toBe('\uFEFF项目\r\n到场超时\r\n');
  });
});
