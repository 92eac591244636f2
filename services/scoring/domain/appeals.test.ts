import { describe, expect, it } from 'vitest';
import { appealDeadlineMs, checkAppealDecision, checkAppealFiling } from './appeals.ts';
import { scoreMonth } from './monthly.ts';
import {
  appeal,
  award,
  CONTRACT,
  DAY,
  inspection,
  MARCH_END,
  march,
  monthInputs,
  SCHEME,
} from './test-scheme.ts';

describe('appeal filing', () => {
  const scorecard = scoreMonth(
    SCHEME,
    CONTRACT,
    monthInputs({
      inspections: [inspection('1', march(3), ['general'])],
      commendations: [award('2', 'innovation', march(4))],
    }),
  );
  const published = MARCH_END + 2 * DAY;
  const file =
    (lineId: string, filedAtMs: number, existing = [] as ReturnType<typeof appeal>[]) =>
    () =>
      checkAppealFiling({ scorecard, lineId, filedAtMs, publishedAtMs: published, windowDays: 7, existing });

  it('is open for the scheme’s days after publication, to the millisecond', () => {
    expect(appealDeadlineMs(published, 7)).toBe(published + 7 * DAY);
    expect(file('inspectionGeneral:inspection:1:finding:0', published + 7 * DAY)).not.toThrow();
    expect(file('inspectionGeneral:inspection:1:finding:0', published + 7 * DAY + 1)).toThrow(
      expect.objectContaining({ code: 'appeal_window_closed' }),
    );
  });

  it('takes deductions that exist, once each', () => {
    expect(file('inspectionGeneral:inspection:9:finding:0', published)).toThrow(
      expect.objectContaining({ code: 'line_not_found' }),
    );
    expect(file('innovation:commendation:2', published)).toThrow(
      expect.objectContaining({ code: 'not_a_deduction' }),
    );
    const earlier = appeal('5', 'inspectionGeneral:inspection:1:finding:0', 'upheld');
    expect(file('inspectionGeneral:inspection:1:finding:0', published, [earlier])).toThrow(
      expect.objectContaining({ code: 'appeal_exists' }),
    );
  });

  it('is decided once', () => {
    expect(() => checkAppealDecision(appeal('6', 'x', null))).not.toThrow();
    expect(() => checkAppealDecision(appeal('7', 'x', 'overturned'))).toThrow(
      expect.objectContaining({ code: 'appeal_decided' }),
    );
  });
});
