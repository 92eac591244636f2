import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { quarterlyBulletin } from './bulletin.ts';
import type { ContractTerms } from './contract-terms.ts';
import { QuarterlyBulletin } from './evaluation-schemas.ts';
import { scoreMonth } from './monthly.ts';
import { officeFigures } from './office.ts';
import { periodOf } from './periods.ts';
import type { InspectionRecord } from './records.ts';
import {
  CONTRACT,
  complaint,
  DAY,
  HOUR,
  inspection,
  monthInputs,
  notice,
  SCHEME,
  survey,
  ZONE,
} from './test-scheme.ts';

const Q1 = periodOf('2026-Q1', ZONE);
const contract = (id: string): ContractTerms => ({ ...CONTRACT, id, vendor: `vendor-${id}` });

/** A closed month of `id` with `general` findings (1 each, cap 20) and `major` ones (5 each). */
function card(id: string, month: string, general: number, major = 0) {
  const period = periodOf(month, ZONE);
  const findings = [...Array(general).fill('general'), ...Array(major).fill('major')];
  const record = { ...inspection(`${id}${month}`, period.startMs + DAY, findings), contractId: id };
  return scoreMonth(SCHEME, contract(id), monthInputs({ period, inspections: [record] }));
}

const entry = (id: string, totals: readonly (readonly [number, number, number?])[], extra = {}) => ({
  contract: contract(id),
  scheme: SCHEME,
  scorecards: totals.map(([month, general, major]) => card(id, `2026-0${month}`, general, major ?? 0)),
  rectifications: [],
  surveys: [],
  ...extra,
});

describe('the quarterly bulletin (季通报)', () => {
  const office = officeFigures(Q1, { inspections: [], verifications: [], complaints: [] });

  it('ranks contracts by their mean month score, equal means sharing a rank, with praise and criticism', () => {
    const bulletin = quarterlyBulletin(
      Q1,
      [
        // C: 60 (20 general + 4 major), 85, 85 → 230 / 3 = 76.67, a failed month.
        entry('c', [
          [1, 20, 4],
          [2, 15],
          [3, 15],
        ]),
        // A: 95, 96, 97 → 96.
        entry('a', [
          [1, 5],
          [2, 4],
          [3, 3],
        ]),
        // D: 85 three times → 85.
        entry('d', [
          [1, 15],
          [2, 15],
          [3, 15],
        ]),
        // B: 90, 80, 85 → 85.
        entry('b', [
          [1, 10],
          [2, 20],
          [3, 15],
        ]),
        // E: no month closed in the quarter: not in the bulletin.
        entry('e', []),
      ],
      office,
    );
    expect(
      bulletin.rows.map((row) => [
        row.rank,
        row.contract.id,
        row.average,
        row.grade,
        row.praised,
        row.criticised,
      ]),
    ).toEqual([
      [1, 'a', 96, 'excellent', true, false],
      [2, 'b', 85, 'good', false, false],
      [2, 'd', 85, 'good', false, false],
      [4, 'c', 76.67, 'pass', false, true],
    ]);
    const c = bulletin.rows[3];
    expect(c?.months).toEqual([
      { key: '2026-01', total: 60, grade: 'fail' },
      { key: '2026-02', total: 85, grade: 'good' },
      { key: '2026-03', total: 85, grade: 'good' },
    ]);
    expect(c?.highlights).toEqual([
      {
        item: 'inspectionGeneral',
        labelKey: 'scoring.item.inspectionGeneral',
        occurrences: 50,
        appliedPoints: 50,
      },
      {
        item: 'inspectionMajor',
        labelKey: 'scoring.item.inspectionMajor',
        occurrences: 4,
        appliedPoints: 20,
      },
    ]);
    expect(c).toMatchObject({ deductions: 70, bonuses: 0 });
    expect(Value.Check(QuarterlyBulletin, bulletin)).toBe(true);
  });

  it('lists a contract’s exit warning and termination recommendation standing in the quarter', () => {
    const feb = periodOf('2026-02', ZONE);
    const warned = entry('w', [[1, 0]], {
      rectifications: [
        { ...notice('1', feb.startMs, 'failed', feb.startMs + 5 * DAY), contractId: 'w' },
        { ...notice('2', feb.startMs + 6 * DAY, 'failed', feb.startMs + 12 * DAY, '1'), contractId: 'w' },
      ],
      // 94 %, 93 %, 90 % in three consecutive quarters against a committed 95 %.
      surveys: [
        { ...survey('1', '2025-08-01', [94, 0, 6, 0]), contractId: 'w' },
        { ...survey('2', '2025-11-01', [93, 0, 7, 0]), contractId: 'w' },
        { ...survey('3', '2026-02-01', [90, 0, 10, 0]), contractId: 'w' },
      ],
    });
    const [row] = quarterlyBulletin(Q1, [warned], office).rows;
    // 优秀 on scores, but an exit warning (or a termination) in the quarter is criticised, never praised.
    expect(row?.grade).toBe('excellent');
    expect(row?.praised).toBe(false);
    expect(row?.criticised).toBe(true);
    expect(row?.consequences.map((c) => c.kind)).toEqual(['exit_warning', 'termination_recommended']);
    expect(row?.consequences[1]).toMatchObject({
      periods: [{ key: '2025-Q3' }, { key: '2025-Q4' }, { key: '2026-Q1' }],
    });
  });
});

describe('the office’s own figures (双向考评)', () => {
  it('counts inspections by kind, times to verify, waiting orders and days to conclude complaints', () => {
    const inQ1 = (day: number, hour = 10) => Q1.startMs + day * DAY + hour * HOUR;
    const inspections: InspectionRecord[] = [
      inspection('1', inQ1(1), []),
      inspection('2', inQ1(2), ['general']),
      inspection('3', inQ1(3), []),
      inspection('4', inQ1(4), [], 'spot_check'),
      inspection('5', Q1.endMs + HOUR, []),
    ];
    const figures = officeFigures(Q1, {
      inspections,
      verifications: [
        {
          orderId: '1',
          contractId: 'a',
          resolvedAtMs: inQ1(5),
          checkedAtMs: inQ1(5) + 2 * HOUR,
          outcome: 'verified',
        },
        {
          orderId: '2',
          contractId: 'a',
          resolvedAtMs: inQ1(6),
          checkedAtMs: inQ1(6) + 6 * HOUR,
          outcome: 'failed',
        },
        {
          orderId: '3',
          contractId: 'a',
          resolvedAtMs: Q1.endMs - 10 * HOUR,
          checkedAtMs: null,
          outcome: 'waiting',
        },
      ],
      complaints: [
        complaint('1', inQ1(7), 'verified', inQ1(9)),
        complaint('2', inQ1(8), 'unfounded', inQ1(12)),
      ],
    });
    expect(figures).toEqual({
      period: '2026-Q1',
      inspections: { daily_patrol: 3, weekly_joint: 0, monthly_assessment: 0, spot_check: 1, total: 4 },
      verification: { checked: 2, meanHours: 4, maxHours: 6, waitingAtEnd: 1, longestWaitingHours: 10 },
      complaints: { received: 2, concluded: 2, meanDaysToConclude: 3 },
    });
  });
});
