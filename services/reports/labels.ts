import type { Locale } from './model/document.ts';

/**
 * The renderer's own fixed texts in zh-CN (the default) and en. Everything else in a report is
 * the caller's, already translated. `{name}` marks a value filled from params.
 */
export const REPORT_LABELS = {
  'reports.page': { 'zh-CN': '第 {page} 页，共 {pages} 页', en: 'Page {page} of {pages}' },
  'reports.generatedAt': { 'zh-CN': '生成时间：{time}', en: 'Generated: {time}' },
  'reports.period': { 'zh-CN': '统计期间：{period}', en: 'Period: {period}' },
  'reports.unit': { 'zh-CN': '单位：{unit}', en: 'Unit: {unit}' },
  'reports.continued': { 'zh-CN': '{heading}（续）', en: '{heading} (continued)' },
  'reports.noData': { 'zh-CN': '无数据', en: 'No data' },
  'reports.sampleData': { 'zh-CN': '示例数据', en: 'Sample data' },
} as const satisfies Record<string, Readonly<Record<Locale, string>>>;
export type ReportLabelKey = keyof typeof REPORT_LABELS;

export function reportText(
  key: ReportLabelKey,
  locale: Locale = 'zh-CN',
  params: Readonly<Record<string, string | number>> = {},
): string {
  return REPORT_LABELS[key][locale].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** `2026-11-01 08:00` in the zone: the form both languages use on a printed report. */
export function formatGeneratedAt(instant: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}
