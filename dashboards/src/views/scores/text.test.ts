import { describe, expect, it } from 'vitest';
import type { ScoreLine } from '../../api.ts';
import { evidenceText, formatPoints, lineDetail, openableUri } from './text.ts';

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
