import { useState } from 'preact/hooks';
import {
  api,
  type MonthlyScorecard,
  type ScorecardDetailReply,
  type ScorecardPreviewReply,
  scoringReports,
} from '../../api.ts';
import { ErrorNote } from '../../components/Badges.tsx';
import { useLoad, useNow } from '../../components/hooks.ts';
import { locale, pick, t, tOr } from '../../i18n/i18n.ts';
import { useSession } from '../../session.ts';
import { Appeals } from './Appeals.tsx';
import { ManagerInputs } from './ManagerInputs.tsx';
import { AppLink, GradeBadge, monthName, useSiteTime } from './parts.tsx';
import { ScoreLines } from './ScoreLines.tsx';
import { formatPoints } from './text.ts';

type Card =
  | { readonly kind: 'closed'; readonly detail: ScorecardDetailReply }
  | { readonly kind: 'preview'; readonly preview: ScorecardPreviewReply }
  | { readonly kind: 'missing' };

/**
 * The month's list says whether the contract's month is closed (the stored scorecard), still
 * open (the preview: scored as it stands now) or not the caller's to see — so the page never asks
 * for a scorecard that is not there.
 */
async function loadCard(contractId: string, month: string, revision: number | undefined): Promise<Card> {
  const list = await api.scorecards(month);
  if (list.scorecards.some((card) => card.contractId === contractId))
    return { kind: 'closed', detail: await api.scorecard(contractId, month, revision) };
  if (list.notClosed.includes(contractId))
    return { kind: 'preview', preview: await api.scorecardPreview(contractId, month) };
  return { kind: 'missing' };
}

/**
 * One contract's month: the result, every line with its evidence, the appeals (a manager decides
 * the pending ones, a vendor disputes a deduction within the window), the revisions, and the
 * scorecard's PDF and CSV. A month not closed yet shows its preview, where a manager records the
 * office's inputs of the month (inspections, notices and their checks, complaints and their
 * conclusions, bonuses); surveys and leadership reviews, which count toward the year, any month.
 * Another vendor's contract shows only that there is nothing to see.
 */
export function ScorecardPage({ contractId, month }: { contractId: string; month: string }) {
  const { me, live } = useSession();
  const [revision, setRevision] = useState<number | undefined>(undefined);
  const card = useLoad(() => loadCard(contractId, month, revision), [contractId, month, revision]);
  const now = useNow(30_000, () => live.now());
  const vendor = me.role === 'vendor_user';
  const siteTime = useSiteTime();
  const back = <AppLink to={`${vendor ? '/my-scores' : '/scores'}?month=${month}`}>{t('app.back')}</AppLink>;

  if (card.error)
    return (
      <section class="panel">
        {back}
        <ErrorNote code={card.error.code} onRetry={card.reload} />
      </section>
    );
  if (!card.data) return <p class="loading">{t('app.loading')}</p>;
  if (card.data.kind === 'missing')
    return (
      <section class="panel" data-testid="scorecard-not-found">
        <p class="error" role="alert">
          {t('scores.card.notFound')}
        </p>
        {back}
      </section>
    );

  const detail = card.data.kind === 'closed' ? card.data.detail : undefined;
  const scorecard =
    detail?.scorecard ?? (card.data.kind === 'preview' ? card.data.preview.scorecard : undefined);
  if (!scorecard) return null;
  const latest = detail ? detail.revisions.at(-1)?.revision === detail.summary.revision : false;
  const appeals = detail?.appeals ?? [];

  return (
    <div
      class="scorecard-page"
      data-contract={contractId}
      data-month={month}
      data-closed={detail ? 'true' : 'false'}
      data-revision={detail?.summary.revision ?? ''}
    >
      <section class="panel">
        {back}
        <h2>
          {t('scores.card.title', { contract: contractId, month: monthName(month) })}{' '}
          <GradeBadge grade={scorecard.grade} />
        </h2>
        <p class="muted">{pick(scorecard.contract.lot)}</p>
        {detail ? null : (
          <p class="notice-inline" data-testid="preview-note">
            {t('scores.card.preview')}
          </p>
        )}
        <Result scorecard={scorecard} detail={detail} />
        {detail ? (
          <p>
            <a
              href={scoringReports.scorecard('pdf', contractId, month, locale())}
              data-testid="scorecard-pdf"
            >
              {t('scores.card.pdf')}
            </a>{' '}
            · <a href={scoringReports.scorecard('csv', contractId, month, locale())}>CSV</a>
          </p>
        ) : null}
      </section>
      <section class="panel" aria-labelledby="lines-title">
        <h2 id="lines-title">{t('scores.lines')}</h2>
        {detail && vendor && latest ? (
          <p class="muted">
            {now < detail.summary.appealDeadlineMs
              ? t('scores.dispute.window', { deadline: siteTime(detail.summary.appealDeadlineMs) })
              : t('scores.dispute.closed', { deadline: siteTime(detail.summary.appealDeadlineMs) })}
          </p>
        ) : null}
        <ScoreLines
          contractId={contractId}
          month={month}
          lines={scorecard.lines}
          records={detail?.evidence}
          appeals={appeals}
          disputeUntilMs={detail && vendor && latest ? detail.summary.appealDeadlineMs : undefined}
          nowMs={now}
          onChanged={card.reload}
        />
      </section>
      {detail ? (
        <section class="panel" aria-labelledby="appeals-title">
          <h2 id="appeals-title">{t('scores.appeals')}</h2>
          <Appeals
            appeals={appeals}
            lines={scorecard.lines}
            mayDecide={me.role === 'facilities_manager' && latest}
            onDecided={() => {
              setRevision(undefined);
              card.reload();
            }}
          />
        </section>
      ) : null}
      {detail ? <Revisions detail={detail} onView={setRevision} /> : null}
      {me.role === 'facilities_manager' ? (
        <section class="panel" aria-labelledby="inputs-title">
          <h2 id="inputs-title">{t(detail ? 'scores.inputs.yearTitle' : 'scores.inputs.title')}</h2>
          <ManagerInputs
            contractId={contractId}
            month={month}
            closed={detail !== undefined}
            onRecorded={card.reload}
          />
        </section>
      ) : null}
    </div>
  );
}

function Result({
  scorecard,
  detail,
}: {
  scorecard: MonthlyScorecard;
  detail: ScorecardDetailReply | undefined;
}) {
  const siteTime = useSiteTime();
  return (
    <dl class="facts" data-testid="result">
      <dt>{t('scores.fact.total')}</dt>
      <dd class="total" data-total={scorecard.total}>
        {formatPoints(scorecard.total)}
        {scorecard.floorApplied ? (
          <small class="muted">
            {' '}
            · {t('scores.floorApplied', { floor: formatPoints(scorecard.floorPoints) })}
          </small>
        ) : null}
      </dd>
      <dt>{t('scores.fact.grade')}</dt>
      <dd>
        <GradeBadge grade={scorecard.grade} />
      </dd>
      <dt>{t('scores.fact.base')}</dt>
      <dd>{formatPoints(scorecard.basePoints)}</dd>
      <dt>{t('scores.fact.deductions')}</dt>
      <dd>{formatPoints(scorecard.deductions)}</dd>
      <dt>{t('scores.fact.bonuses')}</dt>
      <dd>{formatPoints(scorecard.bonuses)}</dd>
      <dt>{t('scores.fact.scheme')}</dt>
      <dd>{pick(scorecard.scheme.name)}</dd>
      {detail ? (
        <>
          <dt>{t('scores.fact.revision')}</dt>
          <dd>
            {t('scores.revisionOf', {
              revision: detail.summary.revision,
              reason: tOr(`scores.revision.${detail.summary.reason}`, detail.summary.reason),
            })}
          </dd>
          <dt>{t('scores.fact.published')}</dt>
          <dd>{siteTime(detail.summary.asOfMs)}</dd>
          <dt>{t('scores.fact.appealDeadline')}</dt>
          <dd>{siteTime(detail.summary.appealDeadlineMs)}</dd>
        </>
      ) : null}
    </dl>
  );
}

function Revisions({
  detail,
  onView,
}: {
  detail: ScorecardDetailReply;
  onView: (revision: number | undefined) => void;
}) {
  const latest = detail.revisions.at(-1)?.revision;
  const siteTime = useSiteTime();
  return (
    <section class="panel" aria-labelledby="revisions-title">
      <h2 id="revisions-title">{t('scores.revisions')}</h2>
      <div class="table-scroll">
        <table class="orders" data-testid="revisions">
          <thead>
            <tr>
              <th>{t('scores.column.revision')}</th>
              <th>{t('scores.column.reason')}</th>
              <th>{t('scores.fact.published')}</th>
              <th class="number">{t('scores.column.total')}</th>
              <th>{t('scores.column.grade')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {detail.revisions.map((revision) => (
              <tr
                key={revision.revision}
                data-revision={revision.revision}
                class={revision.revision === detail.summary.revision ? 'current' : ''}
              >
                <td>{revision.revision}</td>
                <td>{tOr(`scores.revision.${revision.reason}`, revision.reason)}</td>
                <td>{siteTime(revision.asOfMs)}</td>
                <td class="number">{formatPoints(revision.total)}</td>
                <td>
                  <GradeBadge grade={revision.grade} />
                </td>
                <td>
                  {revision.revision === detail.summary.revision ? null : (
                    <button
                      type="button"
                      class="link"
                      onClick={() => onView(revision.revision === latest ? undefined : revision.revision)}
                    >
                      {t('scores.revisions.view')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
