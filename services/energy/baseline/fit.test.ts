import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitBaseline } from './fit.ts';
import { cdd, hdd, type ModelType } from './model.ts';
import { referenceFit } from './reference-fit.ts';
import { type SyntheticTruth, syntheticDays } from './synthetic.ts';

const BASE = 5_000;
const NOISE = 150; // 3 % of the base load, day to day
const TRUTHS: Record<ModelType, SyntheticTruth> = {
  intercept_only: { intercept: BASE, noise: NOISE },
  hdd: { intercept: BASE, heating: { balancePoint: 14, slope: 300 }, noise: NOISE },
  cdd: { intercept: BASE, cooling: { balancePoint: 22, slope: 400 }, noise: NOISE },
  hdd_cdd: {
    intercept: BASE,
    heating: { balancePoint: 14, slope: 300 },
    cooling: { balancePoint: 22, slope: 400 },
    noise: NOISE,
  },
};

/**
 * Share of seeds in which the selected type is exactly the truth's. Below 100 % because the
 * CalTRACK procedure tests dozens of balance points at p < 0.1: by chance one of them qualifies a
 * degree-day term the truth does not have (measured on seeds 1–100: 71, 84, 89 and 100 %).
 * The floors sit a few points below the measured rates; the other assertions bound what such a
 * spurious term can do.
 */
const EXACT_TYPE_FLOOR: Record<ModelType, number> = {
  intercept_only: 0.65,
  hdd: 0.75,
  cdd: 0.8,
  hdd_cdd: 0.95,
};
const SEEDS = Array.from({ length: 100 }, (_, i) => i + 1);

// Tolerances on the seeds whose type is right.
const BALANCE_POINT_TOLERANCE_C = 1;
const SLOPE_TOLERANCE = 0.1;
const INTERCEPT_TOLERANCE = 0.03;

describe('CalTRACK-style baseline fit on synthetic data with a known truth', () => {
  for (const [type, truth] of Object.entries(TRUTHS) as [ModelType, SyntheticTruth][]) {
    it(`recovers the ${type} truth: type, balance points and slopes`, () => {
      let exact = 0;
      for (const seed of SEEDS) {
        const days = syntheticDays({ seed, startDate: '2024-01-01', days: 365, truth });
        const fit = fitBaseline(days);
        expect(fit.sufficiency.sufficient).toBe(true);
        const model = fit.model;
        if (!model) throw new Error(`no model for seed ${seed}`);
        // A real dependence is never missed.
        if (truth.heating) expect(model.heating, `seed ${seed}`).toBeDefined();
        if (truth.cooling) expect(model.cooling, `seed ${seed}`).toBeDefined();
        if (model.type !== type) {
          // A spurious term adds little: under 1.5 % of the year's energy.
          let spurious = 0;
          for (const day of days) {
            const t = day.temperature as number;
            if (model.heating && !truth.heating)
              spurious += model.heating.slope.value * hdd(model.heating.balancePoint, t);
            if (model.cooling && !truth.cooling)
              spurious += model.cooling.slope.value * cdd(model.cooling.balancePoint, t);
          }
          const year = days.reduce((sum, day) => sum + day.expected, 0);
          expect(spurious / year, `seed ${seed}`).toBeLessThan(0.015);
          continue;
        }
        exact++;
        expect(Math.abs(model.intercept.value / truth.intercept - 1), `seed ${seed}`).toBeLessThan(
          INTERCEPT_TOLERANCE,
        );
        for (const [term, true_] of [
          [model.heating, truth.heating],
          [model.cooling, truth.cooling],
        ] as const) {
          if (!true_) continue;
          expect(
            Math.abs((term?.balancePoint ?? Number.NaN) - true_.balancePoint),
            `seed ${seed}`,
          ).toBeLessThanOrEqual(BALANCE_POINT_TOLERANCE_C);
          expect(Math.abs((term?.slope.value ?? Number.NaN) / true_.slope - 1), `seed ${seed}`).toBeLessThan(
            SLOPE_TOLERANCE,
          );
          expect(term?.slope.pValue).toBeLessThan(0.1);
        }
        // CV(RMSE) near the noise's share of the mean; NMBE ~0 in-sample.
        expect(model.cvRmse).toBeGreaterThan(0.5 * (NOISE / model.meanUsage));
        expect(model.cvRmse).toBeLessThan(1.5 * (NOISE / model.meanUsage));
        expect(Math.abs(model.nmbe)).toBeLessThan(1e-9);
        expect(fit.quality?.withinDailyLimits).toBe(true);
      }
      expect(exact / SEEDS.length).toBeGreaterThanOrEqual(EXACT_TYPE_FLOOR[type]);
    });
  }

  it('selects exactly what the exhaustive per-candidate regression selects', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom(...(Object.keys(TRUTHS) as ModelType[])),
        fc.boolean(),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        (seed, type, workingDayRegressor, missingShare) => {
          const truth = { ...TRUTHS[type], workingDay: workingDayRegressor ? 600 : 0, noise: 400 };
          const days = syntheticDays({ seed, startDate: '2024-03-01', days: 300, truth, missingShare });
          const options = {
            workingDayRegressor,
            // The reference does not check sufficiency: compare the selection alone.
            minCoverage: 0,
            heatingBalancePoints: [10, 12, 14, 16, 18],
            coolingBalancePoints: [18, 20, 22, 24, 26],
          };
          const fast = fitBaseline(days, options);
          const reference = referenceFit(days, options);
          expect(fast.model?.type).toBe(reference?.type);
          expect(fast.model?.workingDay).toBe(reference?.workingDay);
          expect(fast.model?.heating?.balancePoint).toBe(reference?.heatingBalancePoint);
          expect(fast.model?.cooling?.balancePoint).toBe(reference?.coolingBalancePoint);
          expect(fast.model?.adjustedR2).toBeCloseTo(reference?.adjustedR2 ?? Number.NaN, 9);
          const coefficients = [
            fast.model?.intercept.value,
            fast.model?.heating?.slope.value,
            fast.model?.cooling?.slope.value,
            fast.model?.workingDaySlope?.value,
          ].filter((value) => value !== undefined);
          coefficients.forEach((value, i) => {
            const expected = reference?.coefficients[i] ?? Number.NaN;
            expect(Math.abs((value as number) - expected)).toBeLessThan(
              1e-6 * Math.max(1, Math.abs(expected)),
            );
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('adds a working-day term when the calendar explains usage', () => {
    const truth = { ...TRUTHS.hdd_cdd, workingDay: 900 };
    const days = syntheticDays({ seed: 7, startDate: '2024-01-01', days: 365, truth });
    const fit = fitBaseline(days, { workingDayRegressor: true });
    expect(fit.model).toMatchObject({ type: 'hdd_cdd', workingDay: true });
    expect(Math.abs((fit.model?.workingDaySlope?.value ?? 0) / 900 - 1)).toBeLessThan(SLOPE_TOLERANCE);
    const without = fitBaseline(days);
    expect(without.model?.workingDay).toBe(false);
    expect((fit.model?.cvRmse ?? 1) < (without.model?.cvRmse ?? 0)).toBe(true);
    expect(fit.candidates.filter((c) => c.workingDay)).toHaveLength(4);
  });

  it('disqualifies a negative heating slope', () => {
    // Usage falls when it is cold (a building half-closed in winter): no HDD model may explain it.
    const days = syntheticDays({
      seed: 3,
      startDate: '2024-01-01',
      days: 365,
      truth: { intercept: BASE, heating: { balancePoint: 14, slope: -150 }, noise: NOISE },
    });
    const fit = fitBaseline(days);
    expect(fit.model?.heating).toBeUndefined();
    expect(fit.candidates.find((c) => c.type === 'hdd' && !c.workingDay)).toMatchObject({
      status: 'disqualified',
      reason: 'negative_or_insignificant',
      qualified: 0,
    });
  });
});

describe('data sufficiency', () => {
  const truth = TRUTHS.hdd_cdd;

  it('refuses a baseline longer than a year', () => {
    const fit = fitBaseline(syntheticDays({ seed: 1, startDate: '2025-01-01', days: 366, truth }));
    expect(fit.sufficiency.sufficient).toBe(false);
    expect(fit.model).toBeUndefined();
    expect(fit.sufficiency.checks.find((c) => c.check === 'period_length')).toMatchObject({
      passed: false,
      detail: '366 days; at most 365',
    });
    // A leap year's calendar year is one year.
    const leap = fitBaseline(syntheticDays({ seed: 1, startDate: '2024-01-01', days: 366, truth }));
    expect(leap.sufficiency.checks.find((c) => c.check === 'period_length')).toMatchObject({
      passed: true,
      detail: '366 days; at most 366 (the period holds 29 February)',
    });
    expect(
      fitBaseline(syntheticDays({ seed: 1, startDate: '2024-01-01', days: 367, truth })).model,
    ).toBeUndefined();
  });

  it('refuses a baseline with under 90 % of its days usable, and says how many', () => {
    const days = syntheticDays({ seed: 1, startDate: '2024-01-01', days: 365, truth }).map((day, i) =>
      i % 8 === 0 ? { ...day, usage: null } : day,
    );
    const fit = fitBaseline(days);
    expect(fit.sufficiency).toMatchObject({ sufficient: false, usableDays: 319, days: 365 });
    expect(fit.sufficiency.checks.find((c) => c.check === 'daily_coverage')).toMatchObject({
      passed: false,
      detail: '319 of 365 days (87.4 %) have usage and temperature; at least 90.0 % needed',
    });
  });

  it('fits no heating candidate without enough heating days, and says so', () => {
    // A warm climate: 24–30 °C all year.
    const days = syntheticDays({
      seed: 5,
      startDate: '2024-01-01',
      days: 365,
      meanTemperature: 27,
      amplitude: 2,
      weatherNoise: 0.5,
      truth: TRUTHS.cdd,
    });
    const fit = fitBaseline(days, { heatingBalancePoints: [10, 12, 14, 16] });
    expect(fit.sufficiency.sufficient).toBe(true);
    expect(fit.sufficiency.checks.find((c) => c.check === 'heating_degree_days')?.passed).toBe(false);
    expect(fit.candidates.find((c) => c.type === 'hdd')).toMatchObject({
      status: 'not_fitted',
      reason: 'too_few_heating_days',
    });
    expect(fit.model?.type).toBe('cdd');
  });
});
