import { describe, expect, it } from 'vitest';
import { formatGeneratedAt, REPORT_LABELS, reportText } from './labels.ts';

describe('the renderer’s own texts', () => {
  it('has every text in both languages, with the same placeholders', () => {
    for (const [key, label] of Object.entries(REPORT_LABELS)) {
      const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(placeholders(label.en), key).toEqual(placeholders(label['zh-CN']));
    }
  });

  it('fills page numbers in Chinese by default and in English on request', () => {
    expect(reportText('reports.page', undefined, { page: 2, pages: 5 })).toBe('第 2 页，共 5 页');
    expect(reportText('reports.page', 'en', { page: 2, pages: 5 })).toBe('Page 2 of 5');
    expect(reportText('reports.generatedAt', 'zh-CN', { time: '2026-11-03 09:30' })).toBe(
      '生成时间：2026-11-03 09:30',
    );
  });

  it('shows the generation time in the document’s zone', () => {
    expect(formatGeneratedAt('2026-11-02T16:30:00Z', 'Asia/Shanghai')).toBe('2026-11-03 00:30');
    expect(formatGeneratedAt('2026-11-02T16:30:00Z', 'Asia/Urumqi')).toBe('2026-11-02 22:30');
  });
});
