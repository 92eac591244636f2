import { describe, expect, it } from 'vitest';
import { parseChineseDaysData } from './holiday-dataset.ts';

describe('parseChineseDaysData', () => {
  it('reads holidays, adjusted working days and names in both languages', () => {
    const dataset = parseChineseDaysData({
      holidays: { '2030-01-01': "New Year's Day,元旦,1" },
      workdays: { '2030-01-05': "New Year's Day,元旦,1" },
      inLieuDays: {},
    });
    expect(dataset.coverage).toEqual({ firstYear: 2030, lastYear: 2030 });
    expect(dataset.days.get('2030-01-01')).toEqual({
      kind: 'holiday',
      name: { 'zh-CN': '元旦', en: "New Year's Day" },
    });
    expect(dataset.days.get('2030-01-05')?.kind).toBe('adjusted_workday');
  });

  it.each([
    ['not an object', 'nope'],
    ['missing workdays', { holidays: {} }],
    ['no holidays', { holidays: {}, workdays: {} }],
    ['a bad date', { holidays: { '2030-02-30': 'X,某节,1' }, workdays: {} }],
    ['a name without days', { holidays: { '2030-01-01': "New Year's Day,元旦" }, workdays: {} }],
    [
      'a date both off and worked',
      { holidays: { '2030-01-01': 'X,某节,1' }, workdays: { '2030-01-01': 'X,某节,1' } },
    ],
    [
      'a year missing in between',
      { holidays: { '2030-01-01': 'X,某节,1', '2032-01-01': 'X,某节,1' }, workdays: {} },
    ],
  ])('refuses %s', (_, raw) => {
    expect(() => parseChineseDaysData(raw)).toThrow(expect.objectContaining({ code: 'invalid_dataset' }));
  });
});
