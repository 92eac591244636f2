import type { SatisfactionRating, ScoringScheme } from '../../../config/schema/scoring.ts';
import { halfOf, quarterOf } from './periods.ts';
import { toBasisPoints } from './points.ts';
import type { SurveyRecord } from './records.ts';
import type { RatePoint } from './scorecard.ts';

/**
 * 满意率 and 反馈率 of 满意度测评. A survey's satisfaction rate is the share of its answers (every
 * rating of every service item) that are among the scheme's satisfied ratings (优 and 较好 in the
 * sample). Rates of a quarter or a year pool the answers of the surveys conducted in it, so a
 * survey with more answers weighs more. Comparisons with the committed rate are exact (integers).
 */
export interface AnswerCounts {
  readonly satisfied: number;
  readonly answers: number;
}

export function answerCounts(
  survey: Pick<SurveyRecord, 'items'>,
  satisfiedRatings: readonly SatisfactionRating[],
): AnswerCounts {
  let satisfied = 0;
  let answers = 0;
  for (const item of survey.items) {
    for (const [rating, count] of Object.entries(item.counts) as [SatisfactionRating, number][]) {
      answers += count;
      if (satisfiedRatings.includes(rating)) satisfied += count;
    }
  }
  return { satisfied, answers };
}

/** Questionnaires returned ÷ distributed, below the scheme's minimum: flagged as under-answered. */
export const underAnswered = (
  survey: Pick<SurveyRecord, 'returned' | 'distributed'>,
  minimum: number,
): boolean => survey.returned * 10_000 < toBasisPoints(minimum) * survey.distributed;

/** satisfied ÷ answers rounded to 4 places, for display; comparisons use the counts. */
export const displayRate = ({ satisfied, answers }: AnswerCounts): number =>
  answers === 0 ? 0 : Math.round((satisfied * 10_000) / answers) / 10_000;

/** True when the rate is strictly below the committed one. */
export const belowCommitment = ({ satisfied, answers }: AnswerCounts, committed: number): boolean =>
  satisfied * 10_000 < toBasisPoints(committed) * answers;

export function ratePoint(key: string, counts: AnswerCounts, committed: number): RatePoint {
  return {
    key,
    satisfied: counts.satisfied,
    answers: counts.answers,
    rate: displayRate(counts),
    committed,
    below: belowCommitment(counts, committed),
  };
}

export type SatisfactionGrouping = 'quarter' | 'half' | 'year';

const groupKey = (conductedOn: string, by: SatisfactionGrouping): string =>
  by === 'quarter' ? quarterOf(conductedOn) : by === 'half' ? halfOf(conductedOn) : conductedOn.slice(0, 4);

/**
 * Pooled rates by quarter, half or year of the surveys' dates, oldest first. Periods without a
 * survey (or whose surveys have no answer) are absent: no rate is invented for them.
 */
export function satisfactionBy(
  surveys: readonly Pick<SurveyRecord, 'conductedOn' | 'items'>[],
  by: SatisfactionGrouping,
  scheme: Pick<ScoringScheme, 'satisfaction'>,
  committed: number,
): RatePoint[] {
  const totals = new Map<string, { satisfied: number; answers: number }>();
  for (const survey of surveys) {
    const key = groupKey(survey.conductedOn, by);
    const counts = answerCounts(survey, scheme.satisfaction.satisfiedRatings);
    const sum = totals.get(key) ?? { satisfied: 0, answers: 0 };
    sum.satisfied += counts.satisfied;
    sum.answers += counts.answers;
    totals.set(key, sum);
  }
  return [...totals.entries()]
    .filter(([, counts]) => counts.answers > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, counts]) => ratePoint(key, counts, committed));
}
