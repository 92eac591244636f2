import { api, type EvaluationReply } from '../../api.ts';
import { ErrorNote } from '../../components/Badges.tsx';
import { useLoad } from '../../components/hooks.ts';
import { pick, t } from '../../i18n/i18n.ts';
import { useSession } from '../../session.ts';
import { ConsequenceList, DepositTotals, LevelsTable, SurveysTable } from './Evaluation.tsx';
import { monthAt, monthsOfYearTo } from './months.ts';
import { AppLink, GradeBadge, monthName, useSiteZone } from './parts.tsx';
import { formatPoints } from './text.ts';

/**
 * The contracts of a year: every one in force in a month of it up to now (closed or not), as the
 * month lists name them, each with its 年考评.
 */
async function loadYear(year: string, current: string): Promise<EvaluationReply[]> {
  const upTo = year === current.slice(0, 4) ? current : `${year}-12`;
  const lists = year > current.slice(0, 4) ? [] : await Promise.all(monthsOfYearTo(upTo).map(api.scorecards));
  const ids = [
    ...new Set(
      lists.flatMap((list) => [...list.scorecards.map((card) => card.contractId), ...list.notClosed]),
    ),
  ].sort();
  return Promise.all(ids.map((id) => api.evaluation(id, year)));
}

/**
 * 年考评 (`/scores/annual/:year`, staff): per contract the four levels — daily patrols, monthly
 * assessments, the half-yearly leadership review, satisfaction — with their weights, the
 * resulting score and grade, the year's satisfaction and surveys, the deposit moved by the
 * months, and the consequences: listed for the office to decide on, never applied by the platform.
 */
export function AnnualPage({ year }: { year: string }) {
  const { live, vendors } = useSession();
  const zone = useSiteZone();
  const current = monthAt(live.now(), zone);
  const years = [0, 1, 2].map((back) => String(Number(current.slice(0, 4)) - back));
  const evaluations = useLoad(() => loadYear(year, current), [year, current]);

  return (
    <div class="annual" data-testid="annual" data-year={year}>
      <section class="panel" aria-labelledby="annual-title">
        <AppLink to={`/scores?month=${year === current.slice(0, 4) ? current : `${year}-12`}`}>
          {t('app.back')}
        </AppLink>
        <h2 id="annual-title">{t('scores.annual.title', { year })}</h2>
        <p class="controls">
          {years.map((y) =>
            y === year ? (
              <strong key={y}>{y}</strong>
            ) : (
              <AppLink key={y} to={`/scores/annual/${y}`}>
                {y}
              </AppLink>
            ),
          )}
        </p>
        <p class="notice-inline" data-testid="listed-not-applied">
          {t('scores.annual.listedNotApplied')}
        </p>
        {evaluations.error ? <ErrorNote code={evaluations.error.code} onRetry={evaluations.reload} /> : null}
        {evaluations.data === undefined ? (
          evaluations.error ? null : (
            <p class="loading">{t('app.loading')}</p>
          )
        ) : evaluations.data.length === 0 ? (
          <p class="muted" data-testid="annual-none">
            {t('scores.annual.none', { year })}
          </p>
        ) : (
          <div class="table-scroll">
            <table class="orders scorecards" data-testid="annual-summary">
              <thead>
                <tr>
                  <th>{t('scores.column.contract')}</th>
                  <th>{t('scores.column.lot')}</th>
                  <th>{t('scores.column.vendor')}</th>
                  <th class="number">{t('scores.annual.score')}</th>
                  <th>{t('scores.column.grade')}</th>
                  <th class="number">{t('scores.annual.consequenceCount')}</th>
                </tr>
              </thead>
              <tbody>
                {evaluations.data.map((evaluation) => (
                  <tr key={evaluation.contract.id} data-contract={evaluation.contract.id}>
                    <td>
                      <a href={`#annual-${evaluation.contract.id}`}>{evaluation.contract.id}</a>
                    </td>
                    <td>{pick(evaluation.contract.lot)}</td>
                    <td>{pick(vendors.get(evaluation.contract.vendorId), evaluation.contract.vendorId)}</td>
                    <td class="number">{evaluation.score === null ? '—' : formatPoints(evaluation.score)}</td>
                    <td>{evaluation.grade ? <GradeBadge grade={evaluation.grade} /> : '—'}</td>
                    <td class="number">{evaluation.consequences.length}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {(evaluations.data ?? []).map((evaluation) => (
        <ContractYear key={evaluation.contract.id} evaluation={evaluation} />
      ))}
    </div>
  );
}

function ContractYear({ evaluation }: { evaluation: EvaluationReply }) {
  const { vendors } = useSession();
  const id = evaluation.contract.id;
  return (
    <section
      class="panel contract-year"
      id={`annual-${id}`}
      data-contract={id}
      data-grade={evaluation.grade ?? ''}
      aria-labelledby={`annual-${id}-title`}
    >
      <h2 id={`annual-${id}-title`}>
        {id} · {pick(evaluation.contract.lot)}{' '}
        {evaluation.grade ? <GradeBadge grade={evaluation.grade} /> : null}
      </h2>
      <p class="muted">
        {pick(vendors.get(evaluation.contract.vendorId), evaluation.contract.vendorId)} ·{' '}
        {pick(evaluation.scheme.name)}
      </p>
      <h3>{t('scores.annual.levels')}</h3>
      <LevelsTable evaluation={evaluation} />
      <h3>{t('scores.annual.months')}</h3>
      <p class="months">
        {evaluation.months.map((month) => (
          <span key={month.key} class="month" data-month={month.key}>
            {monthName(month.key, 'short')}{' '}
            {month.total === null ? (
              '—'
            ) : (
              <AppLink to={`/scores/${id}/${month.key}`}>{formatPoints(month.total)}</AppLink>
            )}
          </span>
        ))}
      </p>
      <h3>{t('scores.annual.satisfaction')}</h3>
      <SurveysTable evaluation={evaluation} />
      <h3>{t('scores.annual.consequences')}</h3>
      <DepositTotals evaluation={evaluation} />
      <ConsequenceList consequences={evaluation.consequences} />
    </section>
  );
}
