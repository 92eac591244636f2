import { useMemo, useState } from 'preact/hooks';
import { ApiFailure, api, type ScorecardListReply } from '../../api.ts';
import { ErrorNote } from '../../components/Badges.tsx';
import { Chart } from '../../components/Chart.tsx';
import { useLoad } from '../../components/hooks.ts';
import { pick, t } from '../../i18n/i18n.ts';
import { useSession } from '../../session.ts';
import { BulletinPanel } from './BulletinPanel.tsx';
import { addMonths, monthAt, monthsBack, monthsOfYearTo, quarterOf, ranked } from './months.ts';
import { AppLink, GradeBadge, monthName, useSiteZone } from './parts.tsx';
import { formatPoints } from './text.ts';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
/** Roles the API lets close a month (the scoring store's closers, less `system`). */
const CLOSERS = new Set(['facilities_manager', 'administrator']);

/** The month in the address (`?month=`), if it is one the picker offers; else the last ended month. */
function initialMonth(current: string): string {
  const asked = new URLSearchParams(location.search).get('month');
  return asked && MONTH.test(asked) && asked <= current ? asked : addMonths(current, -1);
}

/**
 * The month's scorecards. Staff (`/scores`): every contract ranked by score, the contracts not
 * closed yet with the manager's close, the quarter's bulletin (a draft until its months are
 * closed), the year's trend and the way to the annual evaluation. A vendor (`/my-scores`): its own
 * contracts' scorecards and trend (the API gives it no other), and the quarter's bulletin once it
 * is published. A contract opens its drill-down, `/scores/:contractId/:month`.
 */
export function ScoresPage({ mine }: { mine: boolean }) {
  const { me, live } = useSession();
  const zone = useSiteZone();
  const current = monthAt(live.now(), zone);
  const [month, setMonthState] = useState(() => initialMonth(current));
  const setMonth = (next: string) => {
    history.replaceState(null, '', `${location.pathname}?month=${next}`);
    setMonthState(next);
  };
  const year = month.slice(0, 4);
  const list = useLoad(() => api.scorecards(month), [month]);
  const pending = useLoad(() => api.appeals({ state: 'pending', month }), [month]);
  const yearTo = year === current.slice(0, 4) ? current : `${year}-12`;
  const trend = useLoad(() => Promise.all(monthsOfYearTo(yearTo).map((m) => api.scorecards(m))), [yearTo]);
  // Kept here, not in the close button: once closed, the month has nothing left to close.
  const [closed, setClosed] = useState<{ month: string; count: number } | undefined>(undefined);
  const onClosed = (count: number) => {
    setClosed({ month, count });
    list.reload();
    pending.reload();
    trend.reload();
  };
  const pendingOf = (contractId: string) =>
    (pending.data?.appeals ?? []).filter((appeal) => appeal.contractId === contractId).length;

  return (
    <div class="scores" data-testid={mine ? 'my-scores' : 'scores'} data-month={month}>
      <section class="panel" aria-labelledby="scores-title">
        <h2 id="scores-title">{t(mine ? 'scores.mine.title' : 'scores.title')}</h2>
        <div class="controls">
          <label>
            {t('scores.month')}
            <select
              data-testid="month"
              value={month}
              onChange={(event) => setMonth(event.currentTarget.value)}
            >
              {monthsBack(current, 24).map((m) => (
                <option key={m} value={m}>
                  {monthName(m)}
                </option>
              ))}
            </select>
          </label>
        </div>
        {list.error ? <ErrorNote code={list.error.code} onRetry={list.reload} /> : null}
        {list.data ? (
          <MonthTable list={list.data} mine={mine} pendingOf={pendingOf} />
        ) : (
          <p class="loading">{t('app.loading')}</p>
        )}
        {list.data && !mine && CLOSERS.has(me.role) && list.data.notClosed.length > 0 ? (
          <CloseMonth key={month} month={month} ended={month < current} onClosed={onClosed} />
        ) : null}
        {closed?.month === month ? (
          <p class="toast" role="status" data-testid="closed-note">
            {t('scores.closed', { count: closed.count })}
          </p>
        ) : null}
      </section>
      <section class="panel" aria-labelledby="trend-title">
        <h2 id="trend-title">{t('scores.trend', { year })}</h2>
        {trend.error ? <ErrorNote code={trend.error.code} onRetry={trend.reload} /> : null}
        {trend.data ? <Trend months={trend.data} year={year} /> : null}
      </section>
      {/* Loaded again once the manager closes a month: the draft may have become the published one. */}
      <BulletinPanel
        key={`${quarterOf(month)}:${closed?.month ?? ''}`}
        quarter={quarterOf(month)}
        mine={mine}
      />
      {mine ? null : (
        <section class="panel" aria-labelledby="annual-link-title">
          <h2 id="annual-link-title">{t('scores.annual')}</h2>
          <p>
            <AppLink to={`/scores/annual/${year}`}>{t('scores.annual.open', { year })}</AppLink>
          </p>
        </section>
      )}
    </div>
  );
}

function MonthTable({
  list,
  mine,
  pendingOf,
}: {
  list: ScorecardListReply;
  mine: boolean;
  pendingOf: (contractId: string) => number;
}) {
  const { vendors } = useSession();
  const link = (contractId: string, label: string) => (
    <AppLink to={`/scores/${encodeURIComponent(contractId)}/${list.month}`}>{label}</AppLink>
  );
  if (list.scorecards.length === 0 && list.notClosed.length === 0)
    return (
      <p class="muted" data-testid="scores-empty">
        {t('scores.none')}
      </p>
    );
  return (
    <>
      <h3>{t(mine ? 'scores.mine.list' : 'scores.ranking', { month: monthName(list.month) })}</h3>
      {list.scorecards.length === 0 ? (
        <p class="muted" data-testid="scores-empty">
          {t('scores.noneClosed')}
        </p>
      ) : (
        <div class="table-scroll">
          <table class="orders scorecards" data-testid="scorecards">
            <thead>
              <tr>
                {mine ? null : <th>{t('scores.column.rank')}</th>}
                <th>{t('scores.column.contract')}</th>
                <th>{t('scores.column.lot')}</th>
                {mine ? null : <th>{t('scores.column.vendor')}</th>}
                <th class="number">{t('scores.column.total')}</th>
                <th>{t('scores.column.grade')}</th>
                <th class="number">{t('scores.column.deductions')}</th>
                <th class="number">{t('scores.column.bonuses')}</th>
                <th class="number">{t('scores.column.appeals')}</th>
                <th class="number">{t('scores.column.revision')}</th>
              </tr>
            </thead>
            <tbody>
              {ranked(list.scorecards).map(({ rank, card }) => (
                <tr key={card.contractId} data-contract={card.contractId} data-grade={card.grade}>
                  {mine ? null : <td data-label={t('scores.column.rank')}>{rank}</td>}
                  <td data-label={t('scores.column.contract')}>{link(card.contractId, card.contractId)}</td>
                  <td data-label={t('scores.column.lot')}>{pick(card.lot)}</td>
                  {mine ? null : (
                    <td data-label={t('scores.column.vendor')}>
                      {pick(vendors.get(card.vendorId), card.vendorId)}
                    </td>
                  )}
                  <td class="number" data-label={t('scores.column.total')}>
                    {formatPoints(card.total)}
                  </td>
                  <td data-label={t('scores.column.grade')}>
                    <GradeBadge grade={card.grade} />
                  </td>
                  <td class="number" data-column="deductions" data-label={t('scores.column.deductions')}>
                    {card.deductions > 0 ? `−${formatPoints(card.deductions)}` : '0'}
                  </td>
                  <td class="number" data-label={t('scores.column.bonuses')}>
                    {card.bonuses > 0 ? `+${formatPoints(card.bonuses)}` : '0'}
                  </td>
                  <td class="number" data-label={t('scores.column.appeals')}>
                    {pendingOf(card.contractId)}
                  </td>
                  <td class="number" data-label={t('scores.column.revision')}>
                    {card.revision}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.notClosed.length > 0 ? (
        <>
          <h3>{t('scores.notClosed.title')}</h3>
          <ul class="not-closed" data-testid="not-closed">
            {list.notClosed.map((contractId) => (
              <li key={contractId} data-contract={contractId}>
                {contractId} · <span class="badge">{t('scores.notClosed')}</span>{' '}
                {link(contractId, t('scores.notClosed.preview'))}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

/** The manager's close, in two steps: closing publishes revision 1 and shuts the month to inputs. */
function CloseMonth({
  month,
  ended,
  onClosed,
}: {
  month: string;
  ended: boolean;
  onClosed: (count: number) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  if (!ended) return <p class="muted">{t('scores.close.notEnded', { month: monthName(month) })}</p>;
  const close = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      const reply = await api.closeMonth(month);
      setConfirming(false);
      onClosed(reply.scorecards.length);
    } catch (error) {
      setFailure(error instanceof ApiFailure ? error.code : 'network');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="close-month">
      {confirming ? (
        <div class="confirm" role="alertdialog" aria-labelledby="close-confirm">
          <p id="close-confirm">{t('scores.close.confirm', { month: monthName(month) })}</p>
          <div class="buttons">
            <button type="button" data-testid="close-month-confirm" disabled={busy} onClick={close}>
              {t('scores.close.do')}
            </button>
            <button type="button" class="link" onClick={() => setConfirming(false)}>
              {t('app.cancel')}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" data-testid="close-month" onClick={() => setConfirming(true)}>
          {t('scores.close')}
        </button>
      )}
      {failure ? <ErrorNote code={failure} /> : null}
    </div>
  );
}

/** Each contract's closed month scores over the year; a month not closed is a gap, never a zero. */
function Trend({ months, year }: { months: readonly ScorecardListReply[]; year: string }) {
  const option = useMemo(() => {
    const contracts = [...new Set(months.flatMap((m) => m.scorecards.map((card) => card.contractId)))].sort();
    return {
      // A few points a year: drawn at once, so a screenshot or a glance never catches them half-way.
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: months.map((m) => monthName(m.month, 'short')) },
      // At least 60–100 (under the sample schemes' 合格 of 70, up to full marks): a single month's
      // score does not fill the axis on its own.
      yAxis: {
        type: 'value',
        min: (range: { min: number }) => Math.floor(Math.min(range.min, 60) / 10) * 10,
        max: (range: { max: number }) => Math.max(100, Math.ceil(range.max / 10) * 10),
      },
      series: contracts.map((contractId) => ({
        type: 'line',
        name: contractId,
        connectNulls: false,
        showSymbol: true,
        symbolSize: 8,
        data: months.map((m) => m.scorecards.find((card) => card.contractId === contractId)?.total ?? null),
      })),
    };
  }, [months]);
  if (!months.some((m) => m.scorecards.length > 0))
    return (
      <p class="muted" data-testid="trend-none">
        {t('scores.trend.none', { year })}
      </p>
    );
  return <Chart option={option} height={260} label={t('scores.trend', { year })} />;
}
