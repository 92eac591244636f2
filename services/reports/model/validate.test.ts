import { describe, expect, it } from 'vitest';
import { ReportError } from '../errors.ts';
import { sampleScorecard } from '../sample-document.ts';
import { documentProblems, parseDocument } from './validate.ts';

const base = {
  title: '月度能耗报表',
  period: '2026年10月',
  generatedAt: '2026-11-01T00:30:00Z',
};

describe('report document validation', () => {
  it('accepts the sample scorecard in both languages', () => {
    expect(documentProblems(sampleScorecard('zh-CN', new Date('2026-11-03T01:30:00Z')))).toEqual([]);
    expect(documentProblems(sampleScorecard('en', new Date('2026-11-03T01:30:00Z')))).toEqual([]);
  });

  it('names the path of every shape problem, one line each, blocks checked against their own kind', () => {
    const problems = documentProblems({
      ...base,
      generatedAt: 'yesterday',
      sections: [
        {
          heading: '能耗',
          blocks: [
            { kind: 'table', columns: [{ label: '建筑' }], rows: [[{ value: 1 }]] },
            { kind: 'pie', values: [1] },
            {
              kind: 'chart',
              type: 'bar',
              unit: 'kWh',
              categories: ['主楼'],
              series: [{ name: '本月', values: [Number.NaN] }],
            },
          ],
        },
      ],
    });
    expect(problems).toEqual([
      'generatedAt: must match format "date-time"',
      'sections/0/blocks/0/rows/0/0: must match a schema in anyOf',
      'sections/0/blocks/1/kind: must be one of facts, table, chart, notes',
      'sections/0/blocks/2/series/0/values/0: must match a schema in anyOf',
    ]);
  });

  it('checks what the schema cannot: row widths, series lengths, table ids, the time zone', () => {
    const problems = documentProblems({
      ...base,
      timeZone: 'Asia/Beijing',
      sections: [
        {
          heading: '能耗',
          blocks: [
            {
              kind: 'table',
              columns: [{ label: '建筑' }, { label: '用电' }],
              rows: [['主楼', 1], ['东附楼']],
            },
            {
              kind: 'table',
              id: 'table-1',
              columns: [{ label: '建筑' }],
              rows: [],
              summaryRows: [['合计', 2]],
            },
            {
              kind: 'chart',
              type: 'line',
              unit: 'kWh',
              categories: ['9月', '10月'],
              series: [{ name: '主楼', values: [1] }],
            },
          ],
        },
      ],
    });
    expect(problems).toEqual([
      'timeZone: unknown time zone Asia/Beijing',
      'sections/0/blocks/0/rows/1: has 1 cells, the table has 2 columns',
      'sections/0/blocks/1/summaryRows/0: has 2 cells, the table has 1 columns',
      'sections/0/blocks/2/series/0/values: has 1 values, the chart has 2 categories',
      'sections: two tables are named table-1 (CSV files need distinct ids)',
    ]);
  });

  it('throws a typed error carrying every problem', () => {
    let caught: unknown;
    try {
      parseDocument({ ...base, sections: [{ heading: '', blocks: [] }], extra: true });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ReportError);
    expect((caught as ReportError).code).toBe('invalid_document');
    expect((caught as ReportError).issues).toEqual([
      'extra: schema is false',
      '(root): must not have additional properties',
      'sections/0/heading: must not have fewer than 1 characters',
    ]);
  });
});
