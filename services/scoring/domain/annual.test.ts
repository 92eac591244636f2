import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { type AnnualInputs, annualEvaluation } from './annual.ts';
import { AnnualEvaluation } from './evaluation-schemas.ts';
import { scoreMonth } from './monthly.ts';
import { monthsOf, periodOf } from './periods.ts';
import type { LeadershipReviewRecord } from './records.ts';
import {
  CONTRACT,
  DAY,
  inspection,
  MANAGER,
  monthInputs,
  notice,
  SCHEME,
  survey,
  ZONE,
} from './test-scheme.ts';

const YEAR = periodOf('2026', ZONE);

/** Twelve months, each with `general` findings (1 point each). */
const months = (general: (month: number) => number) =>
  monthsOf('2026').map((key, i) => {
    const period = periodOf(key, ZONE);
    return scoreMonth(
      SCHEME,
      CONTRACT,
      monthInputs({
        period,
        inspections: [inspection(`m${i}`, period.startMs + DAY, Array(general(i + 1)).fill('general'))],
      }),
    );
  });

const review = (half: string, score: number): LeadershipReviewRecord => ({
  id: half,
  contractId: CONTRACT.id,
  half,
  score,
  reviewedAtMs: YEAR.startMs,
  recordedBy: MANAGER,
  recordedAtMs: YEAR.startMs,
});

/** Ten daily patrols in the year, `clean` of them without findings. */
const patrols = (clean: number) =>
  Array.from({ length: 10 }, (_, i) =>
    inspection(`p${i}`, YEAR.startMs + (i + 40) * DAY, i < clean ? [] : ['general']),
  );

function inputs(overrides: Partial<AnnualInputs> = {}): AnnualInputs {
  return {
    period: YEAR,
    // Every month 90 (10 general findings).
    scorecards: months(() => 10),
    inspections: patrols(8),
    reviews: [review('2026-H1', 88), review('2026-H2', 92)],
    // 93 of 100 answers satisfied (优 60 + 较好 33).
    surveys: [survey('s1', '2026-06-15', [60, 33, 5, 2])],
    rectifications: [],
    contracts: [CONTRACT],
    ...overrides,
  };
}

describe('the annual evaluation (年考评)', () => {
  it('weights the four levels: 0.2 × 80 + 0.4 × 90 + 0.2 × 90 + 0.2 × 93 = 88.6, 良好', () => {
    const evaluation = annualEvaluation(SCHEME, CONTRACT, inputs());
    expect(evaluation.levels.map((l) => [l.level, l.score, l.weight, l.effectiveWeight, l.basis])).toEqual([
      ['dailyPatrols', 80, 0.2, 0.2, { patrols: 10, clean: 8 }],
      ['monthlyAssessments', 90, 0.4, 0.4, { months: 12 }],
      ['leadershipReview', 90, 0.2, 0.2, { reviews: 2 }],
      ['satisfaction', 93, 0.2, 0.2, { satisfied: 93, answers: 100, surveys: 1 }],
    ]);
    expect(evaluation.score).toBe(88.6);
    expect(evaluation.grade).toBe('good');
    // 93 % is below the 95 % reward band; 良好 is on neither list.
    expect(evaluation.consequences).toEqual([]);
    expect(evaluation.months).toHaveLength(12);
    expect(Value.Check(AnnualEvaluation, evaluation)).toBe(true);
  });

  it('leaves out a level without data and scales the others: (16 + 36 + 18.6) ÷ 0.8 = 88.25', () => {
    const evaluation = annualEvaluation(SCHEME, CONTRACT, inputs({ reviews: [] }));
    expect(evaluation.levels.map((l) => [l.level, l.score, l.effectiveWeight])).toEqual([
      ['dailyPatrols', 80, 0.25],
      ['monthlyAssessments', 90, 0.5],
      ['leadershipReview', null, 0],
      ['satisfaction', 93, 0.25],
    ]);
    expect(evaluation.score).toBe(88.25);
  });

  it('takes the mean of the months there are, to the hundredth', () => {
    // Jan–Jun 90, Jul–Dec 95 → 92.5; a contract starting in March would have ten.
    const evaluation = annualEvaluation(
      SCHEME,
      CONTRACT,
      inputs({ scorecards: months((m) => (m <= 6 ? 10 : 5)).slice(2) }),
    );
    // Mar–Jun 90 (4 months), Jul–Dec 95 (6 months): 930 / 10 = 93.
    expect(evaluation.levels[1]).toMatchObject({ score: 93, basis: { months: 10 } });
    expect(evaluation.months[0]).toEqual({ key: '2026-01', total: null, grade: null });
  });

  it('rewards satisfaction by band, lists an 优秀 vendor for incentive, and adds up the deposit', () => {
    const evaluation = annualEvaluation(
      SCHEME,
      CONTRACT,
      inputs({
        // Every month 96: the deposit band rewards 20% of 1,000,000 fen each month.
        scorecards: months(() => 4),
        inspections: patrols(10),
        reviews: [review('2026-H1', 95), review('2026-H2', 97)],
        // 96 %: the 95 % band, 5 % of the year's deposit (12,000,000 fen) = 600,000 fen.
        surveys: [
          survey('s1', '2026-06-15', [70, 26, 4, 0], 96, 100),
          {
            ...survey('s2', '2026-12-01', [80, 16, 4, 0], 90, 100),
            attachments: [{ name: '问卷汇总.pdf', uri: 'https://files.example/s2.pdf' }],
          },
        ],
      }),
    );
    // 0.2 × 100 + 0.4 × 96 + 0.2 × 96 + 0.2 × 96 = 96.8.
    expect(evaluation.score).toBe(96.8);
    expect(evaluation.grade).toBe('excellent');
    expect(evaluation.deposit).toEqual({ deductedFen: 0, rewardedFen: 12 * 200_000 });
    expect(evaluation.consequences).toEqual([
      {
        kind: 'satisfaction_reward',
        labelKey: 'scoring.consequence.satisfaction_reward',
        period: '2026',
        rate: 0.96,
        minRate: 0.95,
        share: 0.05,
        baseFen: 12_000_000,
        amountFen: 600_000,
      },
      {
        kind: 'incentive_list',
        labelKey: 'scoring.consequence.incentive_list',
        period: '2026',
        grade: 'excellent',
        staffBonusShare: 0.1,
      },
    ]);
    // The second survey was answered by 90 of 100: flagged, still counted.
    expect(
      evaluation.satisfaction.surveys.map((s) => [s.id, s.rate, s.responseRate, s.underAnswered]),
    ).toEqual([
      ['s1', 0.96, 0.96, false],
      ['s2', 0.96, 0.9, true],
    ]);
    // A survey's evidence goes with it; one recorded without any has no attachments at all.
    expect(evaluation.satisfaction.surveys.map((s) => s.attachments)).toEqual([
      undefined,
      [{ name: '问卷汇总.pdf', uri: 'https://files.example/s2.pdf' }],
    ]);
    expect('attachments' in (evaluation.satisfaction.surveys[0] ?? {})).toBe(false);
  });

  it('puts a failing vendor with an exit warning and two years below its commitment on the risk list', () => {
    const evaluation = annualEvaluation(
      SCHEME,
      CONTRACT,
      inputs({
        // Every month 60: 20 general findings (cap 20) and 4 major ones (5 each) → 60.
        scorecards: monthsOf('2026').map((key, i) => {
          const period = periodOf(key, ZONE);
          const findings = [...Array(20).fill('general'), ...Array(4).fill('major')];
          return scoreMonth(
            SCHEME,
            CONTRACT,
            monthInputs({ period, inspections: [inspection(`m${i}`, period.startMs + DAY, findings)] }),
          );
        }),
        inspections: patrols(2),
        reviews: [review('2026-H1', 60)],
        surveys: [survey('a', '2025-06-01', [50, 40, 10, 0]), survey('b', '2026-06-01', [50, 38, 12, 0])],
        rectifications: [
          notice('1', YEAR.startMs + 10 * DAY, 'failed', YEAR.startMs + 20 * DAY),
          notice('2', YEAR.startMs + 21 * DAY, 'failed', YEAR.startMs + 30 * DAY, '1'),
        ],
      }),
    );
    // 0.2 × 20 + 0.4 × 60 + 0.2 × 60 + 0.2 × 88 = 57.6: 不合格.
    expect(evaluation.score).toBe(57.6);
    expect(evaluation.grade).toBe('fail');
    // Every month deducts the whole month's share: 12 × 1,000,000 fen.
    expect(evaluation.deposit.deductedFen).toBe(12_000_000);
    expect(evaluation.consequences.map((c) => c.kind)).toEqual([
      'risk_list',
      'exit_warning',
      'termination_recommended',
    ]);
    expect(evaluation.consequences[0]).toMatchObject({
      reasons: [
        'scoring.grade.fail',
        'scoring.consequence.exit_warning',
        'scoring.consequence.termination_recommended',
      ],
    });
    expect(evaluation.consequences[2]).toMatchObject({
      basis: 'years',
      periods: [
        { key: '2025', rate: 0.9 },
        { key: '2026', rate: 0.88 },
      ],
    });
  });

  it('keeps an 优秀 vendor with an exit warning in the year off the incentive list and puts it on the risk list', () => {
    const evaluation = annualEvaluation(
      SCHEME,
      CONTRACT,
      inputs({
        scorecards: months(() => 4),
        inspections: patrols(10),
        reviews: [review('2026-H1', 95), review('2026-H2', 97)],
        surveys: [survey('s1', '2026-06-15', [70, 26, 4, 0])],
        rectifications: [
          notice('1', YEAR.startMs + 10 * DAY, 'failed', YEAR.startMs + 20 * DAY),
          notice('2', YEAR.startMs + 21 * DAY, 'failed', YEAR.startMs + 30 * DAY, '1'),
        ],
      }),
    );
    expect(evaluation.grade).toBe('excellent');
    expect(evaluation.consequences.map((c) => c.kind)).toEqual([
      'satisfaction_reward',
      'risk_list',
      'exit_warning',
    ]);
    expect(evaluation.consequences[1]).toMatchObject({ reasons: ['scoring.consequence.exit_warning'] });
  });
});
