import type { Cell, Locale, ReportDocument } from './model/document.ts';

/**
 * A monthly vendor scorecard (月考核) shaped like the ones scoring will produce, with made-up
 * figures: every page is stamped 示例数据 / Sample data and the title says so. It exists to show
 * the renderers' output and to exercise them in tests (a table long enough to break pages, a
 * line and a bar chart, key facts, notes). The names are the sample site's (config/sample).
 */

interface Text {
  readonly zh: string;
  readonly en: string;
}
const t = (zh: string, en: string): Text => ({ zh, en });

const ITEMS = [
  { label: t('接单超时', 'Accept deadline missed'), points: -0.1 },
  { label: t('到场超时', 'Arrival deadline missed'), points: -0.2 },
  { label: t('处理超时', 'Resolution deadline missed'), points: -0.2 },
  { label: t('重复故障', 'Repeat failure'), points: -0.25 },
  { label: t('检查发现一般问题', 'General problem found by inspection'), points: -0.1 },
  { label: t('有效投诉', 'Verified complaint'), points: -0.5 },
] as const;

const BUILDINGS = [
  t('主楼', 'Main Building'),
  t('东附楼', 'East Annex'),
  t('西附楼', 'West Annex'),
  t('院外一号办公楼', 'Outside Office Building 1'),
  t('院外二号办公楼', 'Outside Office Building 2'),
] as const;

const EQUIPMENT = [
  t('空调机组 AHU-03', 'Air handler AHU-03'),
  t('冷却水泵 CWP-2', 'Condenser pump CWP-2'),
  t('照明配电箱 3AL1', 'Lighting panel 3AL1'),
  t('新风机组 FAU-07', 'Fresh-air unit FAU-07'),
  t('排风机 EF-12', 'Exhaust fan EF-12'),
  t('生活水箱液位计', 'Domestic water tank level sensor'),
  t('会议室风机盘管', 'Meeting-room fan coil'),
] as const;

const MONTHS = ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'] as const;

/** The sample's deduction lines: 42 of them, enough to fill more than one page. */
function deductionRows(locale: Locale): Cell[][] {
  const pick = (text: Text) => (locale === 'zh-CN' ? text.zh : text.en);
  const rows: Cell[][] = [];
  // A fixed linear congruential sequence: the same "random" sample on every run.
  let seed = 20_261_031;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return Math.floor(seed / 65_536) % n;
  };
  for (let i = 0; i < 42; i++) {
    const item = ITEMS[next(ITEMS.length)] ?? ITEMS[0];
    const building = BUILDINGS[next(BUILDINGS.length)] ?? BUILDINGS[0];
    const equipment = EQUIPMENT[next(EQUIPMENT.length)] ?? EQUIPMENT[0];
    const day = String(1 + Math.floor((i * 31) / 42)).padStart(2, '0');
    const overturned = i === 17;
    rows.push([
      i + 1,
      `2026-10-${day}`,
      pick(item.label),
      `${pick(building)} · ${pick(equipment)}`,
      locale === 'zh-CN'
        ? `工单 WO-2026-10-${String(300 + i * 7)}`
        : `Work order WO-2026-10-${String(300 + i * 7)}`,
      overturned ? 0 : item.points,
      overturned
        ? pick(t('申诉成立，撤销扣分', 'Appeal accepted, deduction withdrawn'))
        : pick(t('已计入', 'Counted')),
    ]);
  }
  return rows;
}

export function sampleScorecard(locale: Locale, generatedAt: Date): ReportDocument {
  const zh = locale === 'zh-CN';
  const pick = (text: Text) => (zh ? text.zh : text.en);
  const rows = deductionRows(locale);
  const deducted =
    Math.round(rows.reduce((sum, row) => sum + (typeof row[5] === 'number' ? row[5] : 0), 0) * 100) / 100;
  const bonus = 1.5;
  const score = Math.round((100 + deducted + bonus) * 100) / 100;

  return {
    title: pick(t('月度考核评分表（示例数据）', 'Monthly assessment scorecard (sample data)')),
    subtitle: pick(
      t(
        '示例市恒远物业服务有限公司 · 院内物业服务标段（合同 property-compound-2025）',
        'Example City Hengyuan Property Services Co. Ltd. · In-compound property services lot (contract property-compound-2025)',
      ),
    ),
    period: pick(t('2026年10月', 'October 2026')),
    generatedAt: generatedAt.toISOString(),
    timeZone: 'Asia/Shanghai',
    locale,
    mark: pick(t('示例数据', 'Sample data')),
    sections: [
      {
        heading: pick(t('一、考核结果', '1. Result')),
        blocks: [
          {
            kind: 'facts',
            items: [
              { label: pick(t('本月得分（百分制）', 'Score (out of 100)')), value: score.toFixed(2) },
              {
                label: pick(t('考核等次', 'Grade')),
                value: pick(score >= 90 ? t('优秀', 'Excellent') : t('良好', 'Good')),
              },
              { label: pick(t('同类合同排名', 'Rank among peers')), value: '2 / 5' },
              { label: pick(t('扣分合计', 'Deductions')), value: deducted.toFixed(2) },
              { label: pick(t('加分合计', 'Bonus')), value: `+${bonus.toFixed(2)}` },
              { label: pick(t('工单按时完成率', 'Orders on time')), value: '93.8%' },
            ],
          },
          {
            kind: 'chart',
            type: 'line',
            title: pick(t('近六个月得分', 'Score, last six months')),
            unit: pick(t('分', 'points')),
            categories: MONTHS.map((month) => (zh ? `${Number(month.slice(5))}月` : month)),
            series: [
              { name: pick(t('本合同', 'This contract')), values: [91.5, 88, 93.25, 90.5, 84.5, score] },
              {
                name: pick(t('全部物业合同平均', 'Average of property contracts')),
                values: [89.2, 88.7, 90.1, 89.5, 88.9, 89.6],
              },
            ],
            valueFormat: { style: 'decimal', fractionDigits: 1 },
          },
        ],
      },
      {
        heading: pick(t('二、扣分构成', '2. Deductions by item')),
        blocks: [
          {
            kind: 'chart',
            type: 'bar',
            unit: pick(t('分', 'points')),
            categories: ITEMS.map((item) => pick(item.label)),
            series: [
              {
                name: pick(t('本月', 'This month')),
                values: ITEMS.map((item) => pointsOf(rows, pick(item.label))),
              },
              { name: pick(t('上月', 'Last month')), values: [0.8, 1.6, 2.2, 1.5, 0.6, 2.5] },
            ],
            valueFormat: { style: 'decimal', fractionDigits: 1 },
          },
        ],
      },
      {
        heading: pick(t('三、扣分明细', '3. Deduction lines')),
        blocks: [
          {
            kind: 'table',
            id: 'deductions',
            columns: [
              { label: pick(t('序号', 'No.')), format: { style: 'integer' }, align: 'center' },
              { label: pick(t('日期', 'Date')) },
              { label: pick(t('考核项目', 'Item')) },
              { label: pick(t('位置及设备', 'Location and equipment')) },
              { label: pick(t('依据', 'Evidence')) },
              {
                label: pick(t('扣分', 'Points')),
                format: { style: 'decimal', fractionDigits: 2, signed: true },
              },
              { label: pick(t('状态', 'Status')) },
            ],
            rows,
            summaryRows: [[null, null, pick(t('合计', 'Total')), null, null, deducted, null]],
          },
        ],
      },
      {
        heading: pick(t('四、说明', '4. Notes')),
        blocks: [
          {
            kind: 'notes',
            items: [
              pick(
                t(
                  '本表所有数据均为示例数据，仅用于展示报表格式，不代表任何单位的真实考核结果。',
                  'Every figure in this document is sample data, made up to show the report format; it is no real assessment of anyone.',
                ),
              ),
              pick(
                t(
                  '得分 = 100 − 扣分合计 + 加分合计（加分封顶 5 分）；90 分及以上为优秀，80–89.99 分为良好。',
                  'Score = 100 − deductions + bonus (bonus capped at 5); 90 and above is excellent, 80–89.99 good.',
                ),
              ),
              pick(
                t(
                  '每条扣分的证据（工单、告警、检查记录）可在平台中按依据编号查看；对扣分有异议的，可在通报后 5 个工作日内申诉。',
                  'The evidence of every deduction (work order, alarm, inspection) can be opened on the platform by its reference; appeals are accepted within 5 working days of publication.',
                ),
              ),
            ],
          },
        ],
      },
    ],
  };
}

function pointsOf(rows: readonly Cell[][], item: string): number {
  const total = rows
    .filter((row) => row[2] === item)
    .reduce((sum, row) => sum + (typeof row[5] === 'number' ? row[5] : 0), 0);
  return Math.round(Math.abs(total) * 100) / 100;
}
