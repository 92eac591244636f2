import type { ScoringScheme } from '../../../config/schema/scoring.ts';
import { digestOf } from './canonical.ts';
import { exitWarnings, reTenderFlag, terminationRecommendation } from './consequences.ts';
import { annualDepositFen, type ContractTerms } from './contract-terms.ts';
import {
  ANNUAL_LEVELS,
  type AnnualEvaluation,
  type AnnualLevel,
  type LevelScore,
} from './evaluation-schemas.ts';
import { gradeLabelKey, gradeOf } from './grades.ts';
import { daysOf, monthsOf, type Period } from './periods.ts';
import { fromCenti, ratioToCenti, shareOfFen, toBasisPoints, toCenti } from './points.ts';
import type {
  InspectionRecord,
  LeadershipReviewRecord,
  RectificationNoticeRecord,
  SurveyRecord,
} from './records.ts';
import { answerCounts, displayRate, satisfactionBy, underAnswered } from './satisfaction.ts';
import type { Consequence, MonthlyScorecard } from './scorecard.ts';

export interface AnnualInputs {
  readonly period: Period;
  /** The year's closed monthly scorecards (latest revision each). */
  readonly scorecards: readonly MonthlyScorecard[];
  /** The contract's inspections (the year's daily patrols make their level). */
  readonly inspections: readonly InspectionRecord[];
  readonly reviews: readonly LeadershipReviewRecord[];
  /** The contract's surveys up to the year's end: earlier years and quarters make the runs. */
  readonly surveys: readonly SurveyRecord[];
  readonly rectifications: readonly RectificationNoticeRecord[];
  /** Every contract of the configuration (for the years of service in a lot). */
  readonly contracts: readonly ContractTerms[];
}

const within = (ms: number, period: Period): boolean => ms >= period.startMs && ms < period.endMs;

function levelScores(
  scheme: ScoringScheme,
  contract: ContractTerms,
  inputs: AnnualInputs,
  year: string,
): Record<AnnualLevel, { centi: number | null; basis: Record<string, number> }> {
  const patrols = inputs.inspections.filter(
    (i) =>
      i.contractId === contract.id && i.kind === 'daily_patrol' && within(i.conductedAtMs, inputs.period),
  );
  const clean = patrols.filter((i) => i.findings.length === 0).length;
  const cards = inputs.scorecards.filter(
    (card) => card.contract.id === contract.id && monthsOf(year).includes(card.period.key),
  );
  const monthSum = cards.reduce((sum, card) => sum + toCenti(card.total), 0);
  const reviews = inputs.reviews.filter((r) => r.contractId === contract.id && r.half.startsWith(`${year}-`));
  const reviewSum = reviews.reduce((sum, review) => sum + toCenti(review.score), 0);
  const yearSurveys = inputs.surveys.filter(
    (s) => s.contractId === contract.id && s.conductedOn.startsWith(`${year}-`),
  );
  const counts = yearSurveys.reduce(
    (sum, survey) => {
      const c = answerCounts(survey, scheme.satisfaction.satisfiedRatings);
      return { satisfied: sum.satisfied + c.satisfied, answers: sum.answers + c.answers };
    },
    { satisfied: 0, answers: 0 },
  );
  return {
    dailyPatrols: {
      centi: patrols.length === 0 ? null : ratioToCenti(clean, patrols.length),
      basis: { patrols: patrols.length, clean },
    },
    monthlyAssessments: {
      centi: cards.length === 0 ? null : Math.round(monthSum / cards.length),
      basis: { months: cards.length },
    },
    leadershipReview: {
      centi: reviews.length === 0 ? null : Math.round(reviewSum / reviews.length),
      basis: { reviews: reviews.length },
    },
    satisfaction: {
      centi: counts.answers === 0 ? null : ratioToCenti(counts.satisfied, counts.answers),
      basis: { satisfied: counts.satisfied, answers: counts.answers, surveys: yearSurveys.length },
    },
  };
}

/**
 * 年考评 of one contract: the three levels of supervision and satisfaction, each scored out of
 * 100 (daily patrols: share of patrols that found nothing; monthly assessments: mean month score;
 * leadership review: mean half-year score; satisfaction: the year's rate × 100), combined with the
 * scheme's weights. A level without data in the year is left out and the others' weights are
 * scaled to add up to 1 (shown as `effectiveWeight`). Then the consequences: satisfaction reward,
 * incentive and risk lists, exit warnings, termination, re-tender.
 */
export function annualEvaluation(
  scheme: ScoringScheme,
  contract: ContractTerms,
  inputs: AnnualInputs,
): AnnualEvaluation {
  const year = inputs.period.key;
  const scores = levelScores(scheme, contract, inputs, year);
  const present = ANNUAL_LEVELS.filter((level) => scores[level].centi !== null);
  const weightSum = present.reduce((sum, level) => sum + scheme.annualWeights[level], 0);
  const levels: LevelScore[] = ANNUAL_LEVELS.map((level) => {
    const centi = scores[level].centi;
    return {
      level,
      labelKey: `scoring.level.${level}`,
      weight: scheme.annualWeights[level],
      effectiveWeight:
        centi === null || weightSum === 0
          ? 0
          : Math.round((scheme.annualWeights[level] / weightSum) * 10_000) / 10_000,
      score: centi === null ? null : fromCenti(centi),
      basis: scores[level].basis,
    };
  });
  const scoreCenti =
    weightSum === 0
      ? null
      : Math.round(
          present.reduce((sum, level) => sum + scheme.annualWeights[level] * (scores[level].centi ?? 0), 0) /
            weightSum,
        );
  const grade = scoreCenti === null ? null : gradeOf(scoreCenti, scheme.grades);

  const surveys = inputs.surveys.filter((s) => s.contractId === contract.id);
  const yearSurveys = surveys.filter((s) => s.conductedOn.startsWith(`${year}-`));
  const quarters = satisfactionBy(surveys, 'quarter', scheme, contract.committedSatisfaction);
  const years = satisfactionBy(surveys, 'year', scheme, contract.committedSatisfaction);
  const yearRate = years.find((point) => point.key === year) ?? null;

  const consequences: Consequence[] = [];
  if (yearRate) {
    const band = [...scheme.satisfaction.rewardBands]
      .sort((a, b) => b.minRate - a.minRate)
      .find(
        (candidate) => yearRate.satisfied * 10_000 >= toBasisPoints(candidate.minRate) * yearRate.answers,
      );
    if (band) {
      const baseFen = annualDepositFen(contract);
      consequences.push({
        kind: 'satisfaction_reward',
        labelKey: 'scoring.consequence.satisfaction_reward',
        period: year,
        rate: yearRate.rate,
        minRate: band.minRate,
        share: band.share,
        baseFen,
        amountFen: shareOfFen(baseFen, band.share),
      });
    }
  }
  const warnings = exitWarnings(
    inputs.rectifications,
    contract.id,
    scheme.exit.failedRectificationsInChain,
    inputs.period.startMs,
    inputs.period.endMs,
  );
  const yearQuarters = [1, 2, 3, 4].map((q) => `${year}-Q${q}`);
  const terminations = [
    terminationRecommendation(quarters, 'quarters', scheme.exit.satisfactionQuarters, yearQuarters),
    terminationRecommendation(years, 'years', scheme.exit.satisfactionYears, [year]),
  ].flatMap((t) => (t ? [t] : []));
  // A vendor warned or recommended for termination in the year is not held up as a model.
  if (
    grade !== null &&
    scheme.lists.incentiveGrades.includes(grade) &&
    warnings.length + terminations.length === 0
  ) {
    consequences.push({
      kind: 'incentive_list',
      labelKey: 'scoring.consequence.incentive_list',
      period: year,
      grade,
      staffBonusShare: scheme.lists.staffBonusShare,
    });
  }
  const riskReasons = [
    ...(grade !== null && scheme.lists.riskGrades.includes(grade) ? [gradeLabelKey(grade)] : []),
    ...(warnings.length > 0 ? ['scoring.consequence.exit_warning'] : []),
    ...(terminations.length > 0 ? ['scoring.consequence.termination_recommended'] : []),
  ];
  if (riskReasons.length > 0) {
    consequences.push({
      kind: 'risk_list',
      labelKey: 'scoring.consequence.risk_list',
      period: year,
      reasons: riskReasons,
    });
  }
  consequences.push(...warnings, ...terminations);
  const { first, last } = daysOf(year);
  const reTender = reTenderFlag(contract, inputs.contracts, scheme.exit, first, last);
  if (reTender) consequences.push(reTender);

  const cards = inputs.scorecards.filter((card) => card.contract.id === contract.id);
  let deductedFen = 0;
  let rewardedFen = 0;
  for (const card of cards) {
    if (!monthsOf(year).includes(card.period.key)) continue;
    for (const c of card.consequences) {
      if (c.kind !== 'deposit') continue;
      if (c.action === 'deduct') deductedFen += c.amountFen;
      if (c.action === 'reward') rewardedFen += c.amountFen;
    }
  }

  return {
    format: 'steward.evaluation.year.v1',
    contract: { id: contract.id, vendorId: contract.vendor, lot: contract.lot },
    scheme: { id: scheme.id, name: scheme.name, digest: digestOf(scheme) },
    period: { key: year, startMs: inputs.period.startMs, endMs: inputs.period.endMs },
    levels,
    score: scoreCenti === null ? null : fromCenti(scoreCenti),
    grade,
    gradeLabelKey: grade === null ? null : gradeLabelKey(grade),
    months: monthsOf(year).map((key) => {
      const card = cards.find((c) => c.period.key === key);
      return { key, total: card?.total ?? null, grade: card?.grade ?? null };
    }),
    satisfaction: {
      year: yearRate,
      quarters: quarters.filter((point) => point.key.startsWith(`${year}-`)),
      surveys: yearSurveys
        .slice()
        .sort((a, b) =>
          a.conductedOn < b.conductedOn
            ? -1
            : a.conductedOn > b.conductedOn
              ? 1
              : Number(a.id) - Number(b.id),
        )
        .map((survey) => {
          const counts = answerCounts(survey, scheme.satisfaction.satisfiedRatings);
          return {
            id: survey.id,
            conductedOn: survey.conductedOn,
            satisfied: counts.satisfied,
            answers: counts.answers,
            rate: displayRate(counts),
            returned: survey.returned,
            distributed: survey.distributed,
            responseRate: Math.round((survey.returned * 10_000) / survey.distributed) / 10_000,
            underAnswered: underAnswered(survey, scheme.satisfaction.minResponseRate),
            ...(survey.attachments === undefined ? {} : { attachments: survey.attachments }),
          };
        }),
    },
    deposit: { deductedFen, rewardedFen },
    consequences,
  };
}
