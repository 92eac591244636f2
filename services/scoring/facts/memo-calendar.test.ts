import { describe, expect, it } from 'vitest';
import { ChineseWorkingCalendar } from '../../calendar/working-calendar.ts';
import { memoisedCalendar } from './memo-calendar.ts';

describe('the memoised calendar', () => {
  it('answers siteDate and covered exactly as the calendar, around midnight in several zones', () => {
    for (const timeZone of ['Asia/Shanghai', 'Asia/Kathmandu', 'America/St_Johns', 'Asia/Urumqi']) {
      const calendar = new ChineseWorkingCalendar({ timeZone });
      const memo = memoisedCalendar(calendar);
      const start = Date.UTC(2026, 2, 28, 0, 0);
      for (let ms = start; ms < start + 4 * 86_400_000; ms += 7 * 60_000 + 13) {
        // Twice: once filling the memory, once reading it.
        expect(memo.siteDate(ms)).toBe(calendar.siteDate(ms));
        expect(memo.siteDate(ms)).toBe(calendar.siteDate(ms));
      }
      for (const date of ['2026-03-28', '2027-01-04'])
        expect(memo.covered(date)).toBe(calendar.covered(date));
    }
  });
});
