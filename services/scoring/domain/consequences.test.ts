import { describe, expect, it } from 'vitest';
import { exitWarnings, reTenderFlag, terminationRecommendation } from './consequences.ts';
import type { ContractTerms } from './contract-terms.ts';
import { satisfactionBy } from './satisfaction.ts';
import { CONTRACT, DAY, MARCH_END, MARCH_START, march, notice, SCHEME, survey } from './test-scheme.ts';

describe('written exit warning (整改不合格，再次整改无明显成效)', () => {
  const first = notice('1', MARCH_START - 30 * DAY, 'failed', MARCH_START - 20 * DAY);
  const second = notice('2', MARCH_START - 19 * DAY, 'failed', march(5), '1');
  const third = notice('3', march(6), 'failed', MARCH_END + 5 * DAY, '2');

  it('is triggered by the second failure in a row along a chain, in the period it was checked', () => {
    expect(exitWarnings([first, second, third], CONTRACT.id, 2, MARCH_START, MARCH_END)).toEqual([
      expect.objectContaining({ noticeIds: ['1', '2'], triggeredAtMs: march(5) }),
    ]);
    // Not in February (only one failure then), not again in April for the third failure.
    expect(exitWarnings([first, second, third], CONTRACT.id, 2, MARCH_START - 40 * DAY, MARCH_START)).toEqual(
      [],
    );
    expect(exitWarnings([first, second, third], CONTRACT.id, 2, MARCH_END, MARCH_END + 30 * DAY)).toEqual([]);
  });

  it('is not triggered by two failures of unrelated notices, nor after a pass in between', () => {
    const unrelated = notice('4', march(1), 'failed', march(7));
    const passed = notice('5', MARCH_START - 20 * DAY, 'passed', MARCH_START - 10 * DAY);
    const afterPass = notice('6', march(1), 'failed', march(8), '5');
    expect(
      exitWarnings([first, unrelated, passed, afterPass], CONTRACT.id, 2, MARCH_START, MARCH_END),
    ).toEqual([]);
  });

  it('follows the scheme’s count: three in a row when set to 3', () => {
    expect(exitWarnings([first, second, third], CONTRACT.id, 3, MARCH_START, MARCH_END + 30 * DAY)).toEqual([
      expect.objectContaining({ noticeIds: ['1', '2', '3'] }),
    ]);
  });
});

describe('termination recommended for satisfaction below the commitment (0.95)', () => {
  // One survey per quarter: 100 answers each, 优 + 较好 satisfied.
  const rates = (counts: Record<string, number>) =>
    satisfactionBy(
      Object.entries(counts).map(([date, satisfied], i) =>
        survey(String(i + 1), date, [satisfied, 0, 100 - satisfied, 0]),
      ),
      'quarter',
      SCHEME,
      0.95,
    );

  it('after three consecutive quarters below', () => {
    const points = rates({ '2025-11-10': 96, '2026-02-10': 94, '2026-05-10': 93, '2026-08-10': 90 });
    expect(terminationRecommendation(points, 'quarters', 3, ['2026-Q2'])).toBeUndefined();
    expect(terminationRecommendation(points, 'quarters', 3, ['2026-Q3'])).toEqual({
      kind: 'termination_recommended',
      labelKey: 'scoring.consequence.termination_recommended',
      basis: 'quarters',
      periods: [
        { key: '2026-Q1', satisfied: 94, answers: 100, rate: 0.94, committed: 0.95, below: true },
        { key: '2026-Q2', satisfied: 93, answers: 100, rate: 0.93, committed: 0.95, below: true },
        { key: '2026-Q3', satisfied: 90, answers: 100, rate: 0.9, committed: 0.95, below: true },
      ],
    });
  });

  it('not when a quarter in between met it, had no survey, or was exactly at the commitment', () => {
    expect(
      terminationRecommendation(
        rates({ '2026-02-10': 94, '2026-05-10': 95, '2026-08-10': 90 }),
        'quarters',
        3,
        ['2026-Q3'],
      ),
    ).toBeUndefined();
    expect(
      terminationRecommendation(
        rates({ '2025-11-10': 94, '2026-05-10': 93, '2026-08-10': 90 }),
        'quarters',
        3,
        ['2026-Q3'],
      ),
    ).toBeUndefined();
  });

  it('after two consecutive years below', () => {
    const years = satisfactionBy(
      [survey('1', '2025-06-01', [90, 3, 7, 0]), survey('2', '2026-06-01', [80, 14, 6, 0])],
      'year',
      SCHEME,
      0.95,
    );
    expect(terminationRecommendation(years, 'years', 2, ['2026'])).toMatchObject({
      basis: 'years',
      periods: [
        { key: '2025', rate: 0.93, below: true },
        { key: '2026', rate: 0.94, below: true },
      ],
    });
  });
});

describe('re-tender after three years of service in a lot (重新招标)', () => {
  const earlier: ContractTerms = {
    ...CONTRACT,
    id: 'acme-2024',
    term: { start: '2024-01-01', end: '2025-12-31' },
  };
  const current: ContractTerms = {
    ...CONTRACT,
    id: 'acme-2026',
    term: { start: '2026-01-01', end: '2026-12-31' },
  };

  it('counts the service from the first of the contracts that run on into this one', () => {
    // Service since 2024-01-01 reaches three years on 2027-01-01; flagged 180 days before: 2026-07-05.
    expect(
      reTenderFlag(current, [earlier, current], SCHEME.exit, '2026-04-01', '2026-06-30'),
    ).toBeUndefined();
    expect(reTenderFlag(current, [earlier, current], SCHEME.exit, '2026-07-01', '2026-09-30')).toEqual({
      kind: 're_tender',
      labelKey: 'scoring.consequence.re_tender',
      lot: CONTRACT.lot,
      serviceStart: '2024-01-01',
      reachesOn: '2027-01-01',
      termEnd: '2026-12-31',
      contractIds: ['acme-2024', 'acme-2026'],
    });
  });

  it('does not chain across a gap, another vendor or another lot', () => {
    const gap: ContractTerms = { ...earlier, term: { start: '2024-01-01', end: '2025-12-30' } };
    const otherVendor: ContractTerms = { ...earlier, vendor: 'other' };
    const otherLot: ContractTerms = { ...earlier, lot: { 'zh-CN': '另一标段', en: 'Another lot' } };
    for (const before of [gap, otherVendor, otherLot]) {
      expect(
        reTenderFlag(current, [before, current], SCHEME.exit, '2026-01-01', '2026-12-31'),
      ).toBeUndefined();
    }
  });
});
