import type { Consequence, EvaluationReply } from '../../api.ts';
import { t, tOr } from '../../i18n/i18n.ts';
import { AttachmentLink, GradeBadge } from './parts.tsx';
import { consequenceDetail, consequenceLabel, formatPercent, formatPoints, formatYuan } from './text.ts';

/**
 * The parts of a 年考评 as the annual page and the manager's survey and review forms show them,
 * every figure as the scoring domain computed it (services/scoring/domain/annual.ts).
 */

type Level = EvaluationReply['levels'][number];

/** The counts a level's score comes from, in words. */
function basisText(level: Level): string {
  const b = level.basis;
  const n = (name: string): number => b[name] ?? 0;
  switch (level.level) {
    case 'dailyPatrols':
      return t('scores.basis.dailyPatrols', { patrols: n('patrols'), clean: n('clean') });
    case 'monthlyAssessments':
      return t('scores.basis.monthlyAssessments', { months: n('months') });
    case 'leadershipReview':
      return t('scores.basis.leadershipReview', { reviews: n('reviews') });
    case 'satisfaction':
      return t('scores.basis.satisfaction', {
        surveys: n('surveys'),
        satisfied: n('satisfied'),
        answers: n('answers'),
      });
  }
}

/** The four levels with their weights (as configured, and as carried once levels without data are left out). */
export function LevelsTable({ evaluation }: { evaluation: EvaluationReply }) {
  return (
    <div class="table-scroll">
      <table class="orders levels" data-testid="levels">
        <thead>
          <tr>
            <th>{t('scores.annual.level')}</th>
            <th class="number">{t('scores.annual.weight')}</th>
            <th class="number">{t('scores.annual.effectiveWeight')}</th>
            <th class="number">{t('scores.annual.levelScore')}</th>
            <th>{t('scores.annual.basis')}</th>
          </tr>
        </thead>
        <tbody>
          {evaluation.levels.map((level) => (
            <tr key={level.level} data-level={level.level}>
              <td>{tOr(`scores.level.${level.level}`, level.level)}</td>
              <td class="number">{formatPercent(level.weight)}</td>
              <td class="number">{formatPercent(level.effectiveWeight)}</td>
              <td class="number" data-score={level.score ?? ''}>
                {level.score === null ? t('scores.annual.noData') : formatPoints(level.score)}
              </td>
              <td class="wrap">{basisText(level)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr data-testid="annual-result">
            <th>{t('scores.annual.result')}</th>
            <td />
            <td class="number">{formatPercent(1)}</td>
            <td class="number" data-score={evaluation.score ?? ''}>
              {evaluation.score === null ? t('scores.annual.noData') : formatPoints(evaluation.score)}
            </td>
            <td>{evaluation.grade ? <GradeBadge grade={evaluation.grade} /> : t('scores.annual.noGrade')}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/**
 * The year's satisfaction rate and each survey's rate, response rate (flagged when under the
 * minimum) and evidence.
 */
export function SurveysTable({ evaluation }: { evaluation: EvaluationReply }) {
  const { year, surveys } = evaluation.satisfaction;
  return (
    <div data-testid="satisfaction">
      <p>
        {year
          ? t('scores.annual.satisfactionYear', {
              rate: formatPercent(year.rate),
              committed: formatPercent(year.committed),
            })
          : t('scores.annual.noSurvey')}
        {year?.below ? <span class="badge grade-fail"> {t('scores.annual.belowCommitment')}</span> : null}
      </p>
      {surveys.length === 0 ? null : (
        <div class="table-scroll">
          <table class="orders surveys">
            <thead>
              <tr>
                <th>{t('scores.survey.conductedOn')}</th>
                <th class="number">{t('scores.annual.satisfactionRate')}</th>
                <th class="number">{t('scores.annual.responseRate')}</th>
                <th>{t('scores.annual.surveyEvidence')}</th>
              </tr>
            </thead>
            <tbody>
              {surveys.map((survey) => (
                <tr key={survey.id} data-survey={survey.id}>
                  <td>{survey.conductedOn}</td>
                  <td class="number" data-rate={survey.rate}>
                    {formatPercent(survey.rate)} ({survey.satisfied}/{survey.answers})
                  </td>
                  <td class="number" data-response-rate={survey.responseRate}>
                    {formatPercent(survey.responseRate)} ({survey.returned}/{survey.distributed})
                    {survey.underAnswered ? (
                      <small class="notice-inline"> · {t('scores.annual.underAnswered')}</small>
                    ) : null}
                  </td>
                  <td data-survey-evidence>
                    {(survey.attachments ?? []).map((attachment, i) => (
                      <span key={`${attachment.uri}-${i}`}>
                        {i > 0 ? ' · ' : null}
                        <AttachmentLink label={attachment.name} uri={attachment.uri} />
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** Consequences, listed for a decision: the platform applies none of them. */
export function ConsequenceList({ consequences }: { consequences: readonly Consequence[] }) {
  if (consequences.length === 0)
    return (
      <p class="muted" data-testid="consequences-none">
        {t('scores.consequences.none')}
      </p>
    );
  return (
    <ul class="facts consequences" data-testid="consequences">
      {consequences.map((consequence, index) => (
        <li key={index} data-kind={consequence.kind}>
          <strong>{consequenceLabel(consequence)}</strong> · {consequenceDetail(consequence)}
        </li>
      ))}
    </ul>
  );
}

/** The months' deposit consequences added up. */
export function DepositTotals({ evaluation }: { evaluation: EvaluationReply }) {
  return (
    <p data-testid="deposit">
      {t('scores.annual.deposit', {
        deducted: formatYuan(evaluation.deposit.deductedFen),
        rewarded: formatYuan(evaluation.deposit.rewardedFen),
      })}
    </p>
  );
}
