import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../reports/model/validate.ts';
import { quarterlyBulletin } from '../domain/bulletin.ts';
import type { ContractTerms } from '../domain/contract-terms.ts';
import { scoreMonth } from '../domain/monthly.ts';
import { officeFigures } from '../domain/office.ts';
import { periodOf } from '../domain/periods.ts';
import { CONTRACT, complaint, DAY, inspection, monthInputs, SCHEME, ZONE } from '../domain/test-scheme.ts';
import { bulletinDocument } from './bulletin-document.ts';

const Q1 = periodOf('2026-Q1', ZONE);
const LOTS = {
  a: { 'zh-CN': '物业标段', en: 'Property lot' },
  b: { 'zh-CN': '安保标段', en: 'Security lot' },
  c: { 'zh-CN': '电梯标段', en: 'Lift lot' },
} as const;
const contract = (id: keyof typeof LOTS): ContractTerms => ({
  ...CONTRACT,
  id,
  vendor: `vendor-${id}`,
  lot: LOTS[id],
});

/** A contract's months, each losing 1 point per general finding (cap 20) and 5 per major one. */
function entry(id: keyof typeof LOTS, months: readonly (readonly [number, number?])[]) {
  return {
    contract: contract(id),
    scheme: SCHEME,
    scorecards: months.map(([general, major = 0], i) => {
      const period = periodOf(`2026-0${i + 1}`, ZONE);
      const levels = [...Array(general).fill('general'), ...Array(major).fill('major')];
      const record = { ...inspection(`${id}${i}`, period.startMs + DAY, levels), contractId: id };
      return scoreMonth(SCHEME, contract(id), monthInputs({ period, inspections: [record] }));
    }),
    rectifications: [],
    surveys: [],
  };
}

const bulletin = quarterlyBulletin(
  Q1,
  [
    // 90, 80, 85 → 85; 95, 96, 97 → 96; 60 (20 general and 4 major), 85, 85 → 76.67 with a failed month.
    entry('b', [[10], [20], [15]]),
    entry('a', [[5], [4], [3]]),
    entry('c', [[20, 4], [15], [15]]),
  ],
  officeFigures(Q1, {
    inspections: [
      inspection('1', Q1.startMs + DAY, []),
      inspection('2', Q1.startMs + 2 * DAY, [], 'spot_check'),
    ],
    verifications: [],
    complaints: [complaint('1', Q1.startMs + DAY, 'verified')],
  }),
);

const options = (locale: 'zh-CN' | 'en') => ({
  locale,
  timeZone: 'Asia/Shanghai',
  vendorName: (id: string) => `${locale === 'en' ? 'Vendor' : '单位'} ${id.slice(-1).toUpperCase()}`,
  generatedAt: new Date('2026-04-03T01:00:00Z'),
});

describe('the quarterly bulletin as a report document', () => {
  it('ranks the contracts in a chart and a table with their month scores, mean, grade and bulletin', () => {
    const document = parseDocument(bulletinDocument(bulletin, options('zh-CN')));
    expect(document.title).toBe('季度考核通报');
    expect(document.period).toBe('2026年第1季度');
    const blocks = document.sections[0]?.blocks ?? [];
    const chart = blocks.find((block) => block.kind === 'chart');
    if (chart?.kind !== 'chart') throw new Error('no chart');
    expect(chart.categories).toEqual(['1. 物业标段', '2. 安保标段', '3. 电梯标段']);
    expect(chart.series[0]?.values).toEqual([96, 85, 76.67]);
    const table = blocks.find((block) => block.kind === 'table');
    if (table?.kind !== 'table') throw new Error('no table');
    expect(table.columns.map((column) => column.label)).toEqual([
      '排名',
      '服务单位',
      '标段',
      '合同',
      '1月',
      '2月',
      '3月',
      '季度平均分',
      '等次',
      '扣分',
      '加分',
      '主要扣分项',
      '通报',
    ]);
    expect(table.rows[0]).toEqual([
      1,
      '单位 A',
      '物业标段',
      'a',
      95,
      96,
      97,
      96,
      '优秀',
      12,
      0,
      '检查发现一般问题 12',
      '通报表扬',
    ]);
    expect(table.rows[2]?.slice(4, 9)).toEqual([60, 85, 85, 76.67, '合格']);
    expect(table.rows[2]?.at(-1)).toBe('通报批评');
  });

  it('names who is praised and who criticised, and the office’s own figures', () => {
    const document = bulletinDocument(bulletin, options('zh-CN'));
    const praise = document.sections[1]?.blocks ?? [];
    expect(praise.map((block) => (block.kind === 'notes' ? [block.title, block.items] : null))).toEqual([
      ['通报表扬', ['单位 A（物业标段）：季度平均 96.00 分，优秀。']],
      ['通报批评', ['单位 C（电梯标段）：季度平均 76.67 分，合格。']],
    ]);
    const office = document.sections[3]?.blocks[0];
    if (office?.kind !== 'table') throw new Error('no office table');
    expect(office.rows.slice(0, 5)).toEqual([
      ['监管检查：每日巡检', 1],
      ['监管检查：每周联检', 0],
      ['监管检查：月度考核检查', 0],
      ['监管检查：抽检', 1],
      ['监管检查次数', 2],
    ]);
  });

  it('translates every label, in both languages', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const text = JSON.stringify(bulletinDocument(bulletin, options(locale)));
      expect(text).not.toMatch(/scoring\.[a-z]/);
      expect(text).not.toMatch(/\{[a-z]+\}/i);
    }
    const english = bulletinDocument(bulletin, options('en'));
    expect(english.period).toBe('2026 Q1');
    expect(JSON.stringify(english)).not.toMatch(/\p{Script=Han}/u);
  });
});
