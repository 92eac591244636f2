import { describe, expect, it } from 'vitest';
import type { Consequence, ScoreLine } from '../../api.ts';
import {
  consequenceDetail,
  consequenceLabel,
  evidenceText,
  formatPoints,
  lineDetail,
  openableUri,
} from './text.ts';

const line = (item: ScoreLine['item'], params: ScoreLine['params']): ScoreLine => ({
  id: `${item}:x`,
  kind: 'deduction',
  item,
  labelKey: `scoring.item.${item}`,
  occurredAtMs: 0,
  points: 1,
  appliedPoints: 1,
  capped: false,
  status: 'counted',
  appeal: null,
  evidence: [],
  params,
});

describe("a scorecard line's words (zh-CN)", () => {
  it('says what happened from the params the scoring domain put on the line', () => {
    expect(lineDetail(line('slaAccept', { severity: 'major', minutesOver: 12.5 }))).toBe(
      '重要，超时 12.5 分钟',
    );
    expect(lineDetail(line('availability', { availability: 0.9876, target: 0.99, downMinutes: 535.8 }))).toBe(
      '完好率 98.76%（目标 99%），停机 535.8 分钟',
    );
    expect(
      lineDetail(line('inspectionMajor', { inspectionKind: 'spot_check', description: '机房未上锁' })),
    ).toBe('抽检：机房未上锁');
    expect(lineDetail(line('commendation', { description: '会务保障', source: null }))).toBe('会务保障');
  });

  it('names evidence one-based, as the PDF does, and points to the hundredth', () => {
    expect(evidenceText({ type: 'work_order', orderId: '42', leg: 0, target: 'arrive' })).toBe(
      '工单 42 第 1 段 · 到场',
    );
    expect(evidenceText({ type: 'inspection', inspectionId: '7', finding: 1 })).toBe('检查记录 7 第 2 项');
    expect(formatPoints(94)).toBe('94');
    expect(formatPoints(92.456)).toBe('92.46');
  });

  it('opens only http(s) attachments: a javascript:// address matches the input schema but is never a link', () => {
    expect(openableUri('https://files.example.gov.cn/a.jpg')).toBe('https://files.example.gov.cn/a.jpg');
    expect(openableUri('javascript://x%0Aalert(1)')).toBeUndefined();
    expect(openableUri('smb://share/a.jpg')).toBeUndefined();
    expect(openableUri('not a uri')).toBeUndefined();
  });
});

describe('a consequence in words (zh-CN)', () => {
  it('names it and its particulars as the PDF does, amounts in yuan', () => {
    const deduction = {
      kind: 'deposit',
      labelKey: 'scoring.consequence.deposit.deduct',
      period: '2026-10',
      score: 68.5,
      action: 'deduct',
      minScore: 0,
      share: 0.1,
      baseFen: 1_000_000,
      amountFen: 100_050,
    } satisfies Consequence;
    expect(consequenceLabel(deduction)).toBe('扣除违约金');
    expect(consequenceDetail(deduction)).toBe('2026-10：68.5 分，金额 1,000.50 元');
    const risk = {
      kind: 'risk_list',
      labelKey: 'scoring.consequence.risk_list',
      period: '2026',
      reasons: ['scoring.grade.fail', 'scoring.consequence.exit_warning'],
    } satisfies Consequence;
    expect(consequenceLabel(risk)).toBe('列入风险名单');
    expect(consequenceDetail(risk)).toBe('2026：不合格、书面退出警告');
    const termination = {
      kind: 'termination_recommended',
      labelKey: 'scoring.consequence.termination_recommended',
      basis: 'quarters',
      periods: [
        { key: '2026-Q2', satisfied: 88, answers: 100, rate: 0.88, committed: 0.9, below: true },
        { key: '2026-Q3', satisfied: 85, answers: 100, rate: 0.85, committed: 0.9, below: true },
      ],
    } satisfies Consequence;
    expect(consequenceDetail(termination)).toBe('满意率连续低于合同承诺：2026-Q2 88%、2026-Q3 85%');
  });
});
