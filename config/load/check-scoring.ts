import type { ScoringScheme } from '../schema/scoring.ts';
import type { IssueCollector } from './issues.ts';

type At = readonly (string | number)[];

/** Scores are computed in whole hundredths of a point: a finer value would be rounded silently. */
const inHundredths = (value: number): boolean => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6;

/**
 * What the schema cannot say about a 百分制 scheme: points in hundredths, caps that allow at least
 * one occurrence, grades in order within base and floor, annual weights adding up to 1, deposit
 * bands that cover every score, lists that do not put one grade on both.
 */
export function checkScoringScheme(
  scheme: ScoringScheme,
  file: string,
  at: At,
  issues: IssueCollector,
): void {
  const points = (value: number, path: At): void => {
    if (!inHundredths(value)) issues.at(file, [...path], 'points are given to the hundredth (0.01) at most');
  };
  const item = (values: readonly number[], cap: number | undefined, path: At): void => {
    values.forEach((value) => {
      points(value, [...path, 'points']);
    });
    if (cap === undefined) return;
    points(cap, [...path, 'cap']);
    if (cap < Math.max(...values)) issues.at(file, [...path, 'cap'], "cap is below one occurrence's points");
  };

  const { deductions, bonuses } = scheme;
  for (const key of ['slaAccept', 'slaArrive', 'slaResolve'] as const) {
    item(Object.values(deductions[key].points), deductions[key].cap, [...at, 'deductions', key]);
  }
  for (const key of [
    'repeatFailure',
    'unresolvedAtPeriodEnd',
    'inspectionGeneral',
    'inspectionMajor',
    'verifiedComplaint',
    'rectificationFailed',
  ] as const) {
    item([deductions[key].points], deductions[key].cap, [...at, 'deductions', key]);
  }
  if (deductions.availability) {
    item([deductions.availability.points], deductions.availability.cap, [
      ...at,
      'deductions',
      'availability',
    ]);
  }
  for (const key of ['commendation', 'innovation', 'promotedPractice'] as const) {
    item([bonuses[key].points], bonuses[key].cap, [...at, 'bonuses', key]);
  }
  points(bonuses.cap, [...at, 'bonuses', 'cap']);
  points(scheme.basePoints, [...at, 'basePoints']);
  points(scheme.floorPoints, [...at, 'floorPoints']);

  const { excellent, good, pass } = scheme.grades;
  for (const [grade, value] of Object.entries(scheme.grades)) points(value, [...at, 'grades', grade]);
  if (!(excellent <= scheme.basePoints && excellent > good && good > pass && pass > scheme.floorPoints)) {
    issues.at(file, [...at, 'grades'], 'grades must satisfy floor < pass < good < excellent ≤ base');
  }

  const weights = Object.values(scheme.annualWeights).reduce((sum, weight) => sum + weight, 0);
  if (Math.abs(weights - 1) > 1e-9) {
    issues.at(file, [...at, 'annualWeights'], `weights add up to ${weights}, not 1`);
  }

  const seenBands = new Set<number>();
  scheme.depositBands.forEach((band, b) => {
    points(band.minScore, [...at, 'depositBands', b, 'minScore']);
    if (seenBands.has(band.minScore)) {
      issues.at(file, [...at, 'depositBands', b, 'minScore'], `two bands start at ${band.minScore}`);
    }
    seenBands.add(band.minScore);
    if (band.action === 'release' && band.share !== 0) {
      issues.at(file, [...at, 'depositBands', b, 'share'], 'a release band moves no money: share must be 0');
    }
  });
  if (!scheme.depositBands.some((band) => band.minScore <= scheme.floorPoints)) {
    issues.at(
      file,
      [...at, 'depositBands'],
      'no band covers the lowest scores (one must start at or below the floor)',
    );
  }

  const rates = scheme.satisfaction.rewardBands.map((band) => band.minRate);
  if (new Set(rates).size !== rates.length) {
    issues.at(file, [...at, 'satisfaction', 'rewardBands'], 'two reward bands start at the same rate');
  }

  const both = scheme.lists.incentiveGrades.filter((grade) => scheme.lists.riskGrades.includes(grade));
  if (both.length > 0) {
    issues.at(file, [...at, 'lists'], `grade ${both.join(', ')} is on both the incentive and the risk list`);
  }
}
