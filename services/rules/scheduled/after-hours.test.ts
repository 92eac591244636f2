import { describe, expect, it } from 'vitest';
import { ChineseWorkingCalendar } from '../../calendar/working-calendar.ts';
import { evaluateAfterHours } from './after-hours.ts';
import { SitePeriods } from './periods.ts';
import { cst, meterSamples } from './test-meter.ts';

const calendar = new ChineseWorkingCalendar();
const periods = new SitePeriods(calendar);
const LIMIT_KWH = 20;
const MAX_SAMPLE_GAP_MS = 5 * 60_000;

/** Lights: 1 kWh a minute in working time, `offKwhPerMinute` outside it (lunch included). */
const office =
  (offKwhPerMinute: number) =>
  (ms: number): number =>
    calendar.isWorkingTime(ms) ? 1 : offKwhPerMinute;

/** Evaluates the newest span completed at `windowEnd` on a meter with the given profile. */
function evaluateAt(windowEnd: string, profile: (ms: number) => number) {
  const span = periods.lastOffHoursSpanBefore(cst(windowEnd));
  const samples = meterSamples(span.fromMs - 15 * 60_000, span.toMs + 15 * 60_000, profile);
  return evaluateAfterHours({ samples, span, limitKwh: LIMIT_KWH, maxSampleGapMs: MAX_SAMPLE_GAP_MS });
}

describe('after_hours_consumption', () => {
  it('fires on a National Day holiday with the lights left on, at the end of the day', () => {
    // 2025-10-01 is a Wednesday and a public holiday: the whole day is off-hours.
    const result = evaluateAt('2025-10-02T01:00:00', (ms) => (ms >= cst('2025-10-01T00:00:00') ? 0.02 : 0));
    expect(result.verdict).toBe('fire');
    expect(result.value).toBeCloseTo(0.02 * 24 * 60, 6); // 28.8 kWh
    expect(result.at).toBe(cst('2025-10-02T00:00:00'));
    expect(result.facts).toMatchObject({
      span: { date: '2025-10-01', dayKind: 'holiday', kind: 'rest_day' },
      energyKwh: 28.8,
      limitKwh: LIMIT_KWH,
      complete: true,
      resets: 0,
      gapCount: 0,
    });
  });

  it('would fire on the same consumption on a normal Wednesday only at night, not in working hours', () => {
    // 2025-10-15 is a working Wednesday: 540 kWh in working hours do not count, 0.02/min at night does.
    const result = evaluateAt('2025-10-16T09:00:00', office(0.02));
    expect(result.facts).toMatchObject({ span: { date: '2025-10-15', kind: 'night' } });
    expect(result.value).toBeCloseTo(0.02 * 15 * 60, 6); // 17:30 → 08:30 = 18 kWh
    expect(result.verdict).toBe('clear');
  });

  it('counts an adjusted working Sunday (2025-09-28) as a working day', () => {
    // Heavy use during Sunday's working hours is normal; the Saturday before ends at 08:30 Sunday.
    const saturday = evaluateAt('2025-09-28T20:00:00', office(0.01));
    expect(saturday.facts).toMatchObject({
      span: { date: '2025-09-27', dayKind: 'weekend', kind: 'rest_day' },
    });
    expect(saturday.value).toBeCloseTo(0.01 * 32.5 * 60, 6); // Saturday 00:00 → Sunday 08:30: 19.5
    expect(saturday.verdict).toBe('clear');

    const sunday = evaluateAt('2025-09-29T09:00:00', office(0.01));
    expect(sunday.facts).toMatchObject({
      span: { date: '2025-09-28', dayKind: 'adjusted_workday', kind: 'night' },
    });
    expect(sunday.value).toBeCloseTo(0.01 * 15 * 60, 6); // 9 kWh: Sunday's 540 kWh of work are not in it
    expect(sunday.verdict).toBe('clear');
    expect(sunday.at).toBe(cst('2025-09-29T08:30:00'));
  });

  it('fires for a normal Saturday with the lights on, and clears for the Sunday after', () => {
    const profile = (ms: number): number => (ms < cst('2025-09-21T00:00:00') ? 0.02 : 0.005);
    const saturday = evaluateAt('2025-09-21T01:00:00', profile);
    expect(saturday).toMatchObject({ verdict: 'fire', at: cst('2025-09-21T00:00:00') });
    expect(saturday.value).toBeCloseTo(28.8, 6);
    const sunday = evaluateAt('2025-09-22T09:00:00', profile);
    expect(sunday).toMatchObject({ verdict: 'clear', at: cst('2025-09-22T08:30:00') });
    expect(sunday.value).toBeCloseTo(0.005 * 32.5 * 60, 6);
  });

  it('survives a counter reset in the span without a negative or huge figure', () => {
    const span = periods.offHoursSpan('2025-10-01');
    const before = meterSamples(span.fromMs - 15 * 60_000, cst('2025-10-01T12:00:00'), () => 0.01, {
      start: 88_000,
    });
    // The meter is replaced at noon: the new one starts at 5 kWh.
    const after = meterSamples(cst('2025-10-01T12:01:00'), span.toMs + 15 * 60_000, () => 0.01, { start: 5 });
    const result = evaluateAfterHours({
      samples: [...before, ...after],
      span,
      limitKwh: LIMIT_KWH,
      maxSampleGapMs: MAX_SAMPLE_GAP_MS,
    });
    // 24 h at 0.01/min is 14.4 kWh, less the one minute across the replacement.
    expect(result.value).toBeCloseTo(14.4 - 0.01, 6);
    expect(result.facts).toMatchObject({ resets: 1 });
    expect(result.verdict).toBe('clear');
  });

  it('does not clear on a span it cannot see whole, but fires when the part it sees is already too much', () => {
    const span = periods.offHoursSpan('2025-10-01');
    const lateStart = meterSamples(cst('2025-10-01T06:00:00'), span.toMs, () => 0.01);
    const quiet = evaluateAfterHours({
      samples: lateStart,
      span,
      limitKwh: LIMIT_KWH,
      maxSampleGapMs: MAX_SAMPLE_GAP_MS,
    });
    expect(quiet.verdict).toBe('incomplete');
    expect(quiet.facts).toMatchObject({ complete: false, gapCount: 1 });

    const loud = meterSamples(cst('2025-10-01T06:00:00'), span.toMs, () => 0.05);
    expect(
      evaluateAfterHours({ samples: loud, span, limitKwh: LIMIT_KWH, maxSampleGapMs: MAX_SAMPLE_GAP_MS })
        .verdict,
    ).toBe('fire');
    expect(
      evaluateAfterHours({ samples: [], span, limitKwh: LIMIT_KWH, maxSampleGapMs: MAX_SAMPLE_GAP_MS })
        .verdict,
    ).toBe('no_data');
  });
});
