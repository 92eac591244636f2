import { describe, expect, it } from 'vitest';
import { documentCsv } from '../../reports/csv/csv.ts';
import { parseDocument } from '../../reports/model/validate.ts';
import { scoreMonth } from '../domain/monthly.ts';
import {
  appeal,
  award,
  breach,
  CONTRACT,
  DAY,
  inspection,
  MARCH_END,
  march,
  monthInputs,
  SCHEME,
} from '../domain/test-scheme.ts';
import { type ScorecardReport, scorecardDocument } from './scorecard-document.ts';

/** March of the test contract: an accept breach, a major finding overturned on appeal, a general one, a commendation. */
function marchReport(): ScorecardReport {
  const patrol = {
    ...inspection('7', march(12, 14), ['major', 'general']),
    findings: [
      {
        level: 'major' as const,
        description: 'maintenance log missing twice',
        attachments: [{ name: 'log.jpg', uri: 'https://files.example/log.jpg' }],
      },
      { level: 'general' as const, description: 'machine room unlocked' },
    ],
  };
  const scorecard = scoreMonth(
    SCHEME,
    CONTRACT,
    monthInputs({
      automatic: {
        slaBreaches: [
          breach({
            orderId: '42',
            target: 'accept',
            severity: 'major',
            deadlineMs: march(10),
            minutesOver: 5,
            incidentIds: ['9'],
          }),
        ],
      },
      inspections: [patrol],
      commendations: [award('3', 'commendation', march(20))],
      appeals: [appeal('1', 'inspectionMajor:inspection:7:finding:0', 'overturned')],
    }),
  );
  return {
    scorecard,
    revision: 2,
    reason: 'appeal_decision',
    publishedAtMs: MARCH_END + DAY / 3,
    appealDeadlineMs: MARCH_END + DAY / 3 + 7 * DAY,
    year: ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'].map((m) => ({
      month: `2026-${m}`,
      total: m === '02' ? 88.5 : m === '03' ? scorecard.total : null,
    })),
  };
}

const options = (locale: 'zh-CN' | 'en') => ({
  locale,
  timeZone: 'Asia/Shanghai',
  vendorName: (id: string) => (id === 'acme' ? (locale === 'en' ? 'Acme Services' : '示例服务公司') : id),
  generatedAt: new Date('2026-04-02T01:30:00Z'),
});

const tableOf = (document: ReturnType<typeof scorecardDocument>, id: string) =>
  document.sections
    .flatMap((section) => section.blocks)
    .find((block) => block.kind === 'table' && block.id === id);

describe('the monthly scorecard as a report document', () => {
  const report = marchReport();

  it('is a valid document with a line per scorecard line, deductions negative, the overturned one at 0', () => {
    const document = parseDocument(scorecardDocument(report, options('zh-CN')));
    expect(document.title).toBe('月度考核评分表');
    expect(document.period).toBe('2026年3月');
    expect(document.subtitle).toBe('示例服务公司 · 测试标段 · 合同 acme-2026');
    const lines = tableOf(document, 'lines');
    if (lines?.kind !== 'table') throw new Error('no lines table');
    // Accept breach −1; the major finding (−5) overturned; the general one −1; the commendation +1.
    expect(lines.rows.map((row) => [row[2], row[5], row[6]])).toEqual([
      ['接单超时', -1, -1],
      ['检查发现一般问题', -1, -1],
      ['检查发现重大问题', -5, 0],
      ['服务受表扬', 1, 1],
    ]);
    expect(lines.rows[0]?.[1]).toBe('2026-03-10 10:00');
    expect(lines.rows[0]?.[3]).toBe('重要，超时 5 分钟');
    expect(lines.rows[0]?.[4]).toBe('工单 42 第 1 段；告警 9');
    expect(lines.rows[2]?.[3]).toBe('每日巡检：maintenance log missing twice');
    expect(lines.rows[2]?.[4]).toBe('检查记录 7 第 1 项；附件 log.jpg');
    expect(lines.rows[2]?.[7]).toBe('申诉成立，撤销扣分；checked the access log');
    expect(lines.rows[0]?.[7]).toBe('计入');
    expect(lines.summaryRows?.[0]?.[6]).toBe(-1);
    expect(report.scorecard.total).toBe(99);
  });

  it('charts the month scores of the year, a gap for every month not closed', () => {
    const document = scorecardDocument(report, options('zh-CN'));
    const chart = document.sections[0]?.blocks.find((block) => block.kind === 'chart');
    if (chart?.kind !== 'chart') throw new Error('no chart');
    expect(chart.categories.slice(0, 3)).toEqual(['1月', '2月', '3月']);
    expect(chart.series[0]?.values.slice(0, 4)).toEqual([null, 88.5, 99, null]);
    expect(chart.title).toBe('2026年各月得分');
  });

  it('says how the score is made, how to appeal until when, and which revision this is', () => {
    const document = scorecardDocument(report, options('zh-CN'));
    const notes = document.sections[3]?.blocks.find((block) => block.kind === 'notes');
    expect(notes?.kind === 'notes' ? notes.items : []).toEqual([
      '得分 = 基础分 100 − 扣分合计 + 加分合计（加分封顶 4 分），最低 0 分；各项扣分不超过该项上限。',
      '对扣分有异议的，可在本表发布后 7 日内（2026-04-08 08:00 前）通过平台提出申诉。',
      '每条扣分的依据（工单、告警、检查记录、投诉、整改通知）可在平台中按编号查看。',
      '本表为第 2 版：申诉处理后重新计算。',
    ]);
    const consequences = tableOf(document, 'consequences');
    expect(consequences?.kind === 'table' ? consequences.rows : []).toEqual([
      ['服务保证金奖励', '2026-03：99 分，金额 2000.00 元'],
    ]);
  });

  it('translates every label: no catalogue key left, and no Chinese in the English document', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const text = JSON.stringify(scorecardDocument(report, options(locale)));
      expect(text).not.toMatch(/scoring\.[a-z]/);
      expect(text).not.toMatch(/\{[a-z]+\}/i);
    }
    const english = JSON.stringify(scorecardDocument(report, options('en')));
    expect(english).not.toMatch(/\p{Script=Han}/u);
    expect(english).toContain('Monthly assessment scorecard');
  });

  it('gives CSV files of its tables with a byte-order mark and the numbers raw', () => {
    const files = documentCsv(parseDocument(scorecardDocument(report, options('zh-CN'))));
    expect(files.map((file) => file.fileName)).toEqual(['lines.csv', 'items.csv', 'consequences.csv']);
    const lines = files[0]?.content.toString('utf8') ?? '';
    expect(lines.startsWith('\uFEFF序号,时间,考核项目,情况说明,依据,分值,实扣/实加,状态\r\n')).toBe(true);
    expect(lines).toContain(',-5,0,');
  });
});
