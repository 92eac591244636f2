import { describe, expect, it } from 'vitest';
import { checkCoverage } from './coverage-check.ts';

describe('checkCoverage', () => {
  // Fails when the installed chinese-days is older than the 2026 schedule (State Council notice of
  // November 2025). When it fails, update the package; when a new year is published, move these
  // dates forward a year so the test keeps guarding the newest schedule.
  it('the installed dataset holds the year after 2025-12-01', () => {
    expect(checkCoverage('2025-12-01')).toBeUndefined();
    expect(checkCoverage('2026-06-30')).toBeUndefined();
  });

  const coverage = { firstYear: 2004, lastYear: 2026 };

  it('warns from 1 December when next year is missing', () => {
    expect(checkCoverage('2026-11-30', { coverage })).toBeUndefined();
    const warning = checkCoverage('2026-12-01', { coverage });
    expect(warning).toContain('2004–2026');
    expect(warning).toContain('not yet 2027');
    expect(warning).toContain('chinese-days');
  });

  it('warns all year when the current year is missing', () => {
    const warning = checkCoverage('2027-01-15', { coverage });
    expect(warning).toContain('not 2027');
    expect(warning).toContain('Monday–Friday');
    expect(checkCoverage('2003-06-01', { coverage })).toContain('not 2003');
  });

  it('takes another due date', () => {
    expect(checkCoverage('2026-11-01', { coverage, nextYearDueFrom: '11-01' })).toContain('not yet 2027');
    expect(checkCoverage('2026-01-01', { coverage, nextYearDueFrom: '01-01' })).toContain('not yet 2027');
    expect(
      checkCoverage('2026-01-01', {
        coverage: { firstYear: 2004, lastYear: 2027 },
        nextYearDueFrom: '01-01',
      }),
    ).toBeUndefined();
  });

  it('refuses malformed dates', () => {
    expect(() => checkCoverage('2026-13-01')).toThrow(expect.objectContaining({ code: 'invalid_date' }));
    expect(() => checkCoverage('2026-12-01', { nextYearDueFrom: '12-32' })).toThrow(
      expect.objectContaining({ code: 'invalid_date' }),
    );
    expect(() => checkCoverage('2026-12-01', { nextYearDueFrom: '2026-12-01' })).toThrow(
      expect.objectContaining({ code: 'invalid_date' }),
    );
  });
});
