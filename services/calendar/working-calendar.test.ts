import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { CalendarError } from './errors.ts';
import { chineseDaysDataset, parseChineseDaysData } from './holiday-dataset.ts';
import { ChineseWorkingCalendar, type DayKind } from './working-calendar.ts';

const calendar = new ChineseWorkingCalendar();

// Every date below was checked against node_modules/chinese-days/dist/chinese-days.json
// (chinese-days 1.5.7), whose entries follow the State Council notices cited per case.
describe('day kinds from the chinese-days dataset', () => {
  // 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号, gov.cn content_6986383):
  // 国庆节、中秋节 10月1日（周三）至8日（周三）放假调休，共8天；9月28日（周日）、10月11日（周六）上班.
  it('2025 National Day and Mid-Autumn block, with its two adjusted working weekend days', () => {
    expect(calendar.dayKind('2025-10-01')).toBe('holiday');
    expect(calendar.holidayName('2025-10-01')).toEqual({ 'zh-CN': '国庆节', en: 'National Day' });
    // Mid-Autumn (中秋) fell on Monday 6 October inside the block; the dataset names it separately.
    expect(calendar.holidayName('2025-10-06')).toEqual({ 'zh-CN': '中秋', en: 'Mid-autumn Festival' });
    // A Saturday inside the block is a holiday, not a plain weekend.
    expect(calendar.dayKind('2025-10-04')).toBe('holiday');
    expect(calendar.dayKind('2025-10-08')).toBe('holiday');
    expect(calendar.dayKind('2025-10-09')).toBe('workday');
    expect(calendar.dayKind('2025-09-28')).toBe('adjusted_workday'); // a Sunday
    expect(calendar.dayKind('2025-10-11')).toBe('adjusted_workday'); // a Saturday
    expect(calendar.isWorkingDay('2025-09-28')).toBe(true);
    expect(calendar.isWorkingDay('2025-10-01')).toBe(false);
    expect(calendar.holidayName('2025-09-28')).toEqual({ 'zh-CN': '国庆节', en: 'National Day' });
  });

  // 国务院办公厅关于2026年部分节假日安排的通知 (gov.cn zhengceku/202511 content_7047091):
  // 春节 2月15日（周日）至23日（周一）放假调休，共9天；2月14日（周六）、2月28日（周六）上班.
  it('Spring Festival 2026: nine days off, framed by two working Saturdays', () => {
    expect(calendar.dayKind('2026-02-13')).toBe('workday'); // Friday before
    expect(calendar.dayKind('2026-02-14')).toBe('adjusted_workday');
    for (let day = 15; day <= 23; day++) {
      expect(calendar.dayKind(`2026-02-${day}`)).toBe('holiday');
      expect(calendar.holidayName(`2026-02-${day}`)).toEqual({ 'zh-CN': '春节', en: 'Spring Festival' });
    }
    expect(calendar.dayKind('2026-02-24')).toBe('workday'); // Tuesday after
    expect(calendar.dayKind('2026-02-28')).toBe('adjusted_workday');
  });

  it('a plain week: Monday to Friday work, Saturday and Sunday off', () => {
    // 2025-09-13 is a Saturday, 2025-09-14 a Sunday; the 2025 notice moves nothing in September before the 28th.
    const kinds: Record<string, DayKind> = {
      '2025-09-12': 'workday',
      '2025-09-13': 'weekend',
      '2025-09-14': 'weekend',
      '2025-09-15': 'workday',
    };
    for (const [isoDate, kind] of Object.entries(kinds)) expect(calendar.dayKind(isoDate)).toBe(kind);
    expect(calendar.holidayName('2025-09-13')).toBeUndefined();
    expect(calendar.isWorkingDay('2025-09-13')).toBe(false);
  });

  it('covers 2004 to at least 2026, the years chinese-days 1.5.7 holds', () => {
    const { firstYear, lastYear } = calendar.coverage();
    expect(firstYear).toBe(2004);
    expect(lastYear).toBeGreaterThanOrEqual(2026);
    expect(calendar.covered('2026-12-31')).toBe(true);
    expect(calendar.covered('2004-01-01')).toBe(true);
  });
});

describe('outside the dataset', () => {
  it('falls back to Monday–Friday and says so', () => {
    // 2003-10-01 was National Day, but the dataset starts in 2004: the fallback sees a Wednesday.
    expect(calendar.covered('2003-10-01')).toBe(false);
    expect(calendar.dayKind('2003-10-01')).toBe('workday');
    expect(calendar.dayKind('2003-10-04')).toBe('weekend'); // a Saturday
    expect(calendar.holidayName('2003-10-01')).toBeUndefined();
    // 2100-01-01 is a Friday, 2100-01-02 a Saturday.
    expect(calendar.covered('2100-01-01')).toBe(false);
    expect(calendar.dayKind('2100-01-01')).toBe('workday');
    expect(calendar.dayKind('2100-01-02')).toBe('weekend');
  });

  it('uses whatever years a dataset holds', () => {
    const oneYear = parseChineseDaysData({
      holidays: { '2030-01-01': "New Year's Day,元旦,1" },
      workdays: { '2030-01-05': "New Year's Day,元旦,1" },
    });
    const synthetic = new ChineseWorkingCalendar({ dataset: oneYear });
    expect(synthetic.coverage()).toEqual({ firstYear: 2030, lastYear: 2030 });
    expect(synthetic.dayKind('2030-01-01')).toBe('holiday');
    expect(synthetic.dayKind('2030-01-05')).toBe('adjusted_workday'); // a Saturday
    expect(synthetic.covered('2030-06-01')).toBe(true);
    expect(synthetic.covered('2025-10-01')).toBe(false);
    expect(synthetic.dayKind('2025-10-01')).toBe('workday'); // a Wednesday, no holidays known
  });
});

describe('date input', () => {
  it.each(['2025-02-30', '2025-13-01', '2025-1-01', '20251001', '0099-01-01', ''])('refuses %j', (bad) => {
    expect(() => calendar.dayKind(bad)).toThrow(CalendarError);
    expect(() => calendar.covered(bad)).toThrow(expect.objectContaining({ code: 'invalid_date' }));
    expect(() => calendar.holidayName(bad)).toThrow(expect.objectContaining({ code: 'invalid_date' }));
  });

  it('accepts 29 February only in leap years', () => {
    expect(calendar.dayKind('2024-02-29')).toBe('workday'); // a Thursday
    expect(() => calendar.dayKind('2025-02-29')).toThrow(expect.objectContaining({ code: 'invalid_date' }));
  });
});

// The package's own isWorkday parses dates as UTC and reads them in local time, so it answers for
// the previous day when the process runs west of UTC (seen with TZ=America/New_York); it is only a
// valid witness where local time is at or east of UTC.
const libraryReadsDatesRight = new Date(2025, 0, 1).getTimezoneOffset() <= 0;

describe.skipIf(!libraryReadsDatesRight)('agreement with the chinese-days functions', () => {
  it('isWorkingDay matches isWorkday on every date the dataset covers', () => {
    const { firstYear, lastYear } = chineseDaysDataset.coverage;
    const mismatches: string[] = [];
    for (let ms = Date.UTC(firstYear, 0, 1); ms <= Date.UTC(lastYear, 11, 31); ms += 86_400_000) {
      const isoDate = new Date(ms).toISOString().slice(0, 10);
      if (calendar.isWorkingDay(isoDate) !== chineseDays.isWorkday(isoDate)) mismatches.push(isoDate);
    }
    expect(mismatches).toEqual([]);
  });
});
