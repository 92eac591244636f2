import { ApiFailure, api, type BulletinReply, scoringReports } from '../../api.ts';
import { ErrorNote } from '../../components/Badges.tsx';
import { useLoad } from '../../components/hooks.ts';
import { locale, pick, t } from '../../i18n/i18n.ts';
import { useSession } from '../../session.ts';
import { monthsOfQuarter } from './months.ts';
import { GradeBadge } from './parts.tsx';
import { formatPoints } from './text.ts';

interface Loaded {
  readonly bulletin: BulletinReply | undefined;
  /** Every contract in force in each of the quarter's months has it closed. */
  readonly published: boolean;
}

/**
 * The quarter's bulletin, and whether it is published: every contract in force in each of its
 * months has that month closed (the API's rule for vendors, services/api/routes/scoring/shared.ts).
 * Staff see every contract in the month lists, so they tell a draft from a published bulletin. A
 * vendor sees its own: while one of them is open the quarter cannot be published and the page
 * does not ask; otherwise the API decides (the other vendors' months may still be open).
 */
async function loadBulletin(quarter: string, mine: boolean): Promise<Loaded> {
  const lists = await Promise.all(monthsOfQuarter(quarter).map(api.scorecards));
  const closed =
    lists.every((list) => list.notClosed.length === 0) && lists.some((list) => list.scorecards.length > 0);
  if (mine && !closed) return { bulletin: undefined, published: false };
  try {
    return { bulletin: await api.bulletin(quarter), published: mine || closed };
  } catch (error) {
    if (mine && error instanceof ApiFailure && error.code === 'bulletin_not_published')
      return { bulletin: undefined, published: false };
    throw error;
  }
}

/**
 * 季通报 (通报制): the quarter's ranking and its downloads (PDF, CSV, JSON). A vendor has them once
 * the quarter is published to it — all three months closed — and until then reads that it is
 * not; staff read the draft at any time, marked as such.
 */
export function BulletinPanel({ quarter, mine }: { quarter: string; mine: boolean }) {
  const loaded = useLoad(() => loadBulletin(quarter, mine), [quarter, mine]);
  const bulletin = loaded.data?.bulletin;

  return (
    <section class="panel" aria-labelledby="bulletin-title" data-testid="bulletin" data-quarter={quarter}>
      <h2 id="bulletin-title">{t('scores.bulletin.title', { quarter })}</h2>
      {loaded.error ? (
        <ErrorNote code={loaded.error.code} onRetry={loaded.reload} />
      ) : !loaded.data ? (
        <p class="loading">{t('app.loading')}</p>
      ) : !bulletin ? (
        <p class="muted" data-testid="bulletin-not-published">
          {t('scores.bulletin.notPublished', { quarter })}
        </p>
      ) : (
        <>
          {loaded.data.published ? null : (
            <p class="notice-inline" data-testid="bulletin-draft">
              {t('scores.bulletin.draft')}
            </p>
          )}
          <p class="downloads">
            <a href={scoringReports.bulletin('pdf', quarter, locale())} data-testid="bulletin-pdf">
              {t('scores.bulletin.pdf', { quarter })}
            </a>{' '}
            ·{' '}
            <a href={scoringReports.bulletin('csv', quarter, locale())} data-testid="bulletin-csv">
              CSV
            </a>{' '}
            ·{' '}
            <a href={scoringReports.bulletinJson(quarter)} data-testid="bulletin-json">
              JSON
            </a>
          </p>
          <Ranking bulletin={bulletin} />
        </>
      )}
    </section>
  );
}

function Ranking({ bulletin }: { bulletin: BulletinReply }) {
  const { vendors } = useSession();
  if (bulletin.rows.length === 0) return <p class="muted">{t('scores.bulletin.empty')}</p>;
  return (
    <div class="table-scroll">
      <table class="orders scorecards" data-testid="bulletin-ranking">
        <thead>
          <tr>
            <th>{t('scores.column.rank')}</th>
            <th>{t('scores.column.vendor')}</th>
            <th>{t('scores.column.lot')}</th>
            <th class="number">{t('scores.bulletin.average')}</th>
            <th>{t('scores.column.grade')}</th>
            <th>{t('scores.bulletin.verdict')}</th>
          </tr>
        </thead>
        <tbody>
          {bulletin.rows.map((row) => (
            <tr key={row.contract.id} data-contract={row.contract.id}>
              <td data-label={t('scores.column.rank')}>{row.rank}</td>
              <td data-label={t('scores.column.vendor')}>
                {pick(vendors.get(row.contract.vendorId), row.contract.vendorId)}
              </td>
              <td data-label={t('scores.column.lot')}>{pick(row.contract.lot)}</td>
              <td class="number" data-label={t('scores.bulletin.average')}>
                {formatPoints(row.average)}
              </td>
              <td data-label={t('scores.column.grade')}>
                <GradeBadge grade={row.grade} />
              </td>
              <td data-label={t('scores.bulletin.verdict')}>
                {row.praised
                  ? t('scores.bulletin.praised')
                  : row.criticised
                    ? t('scores.bulletin.criticised')
                    : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
