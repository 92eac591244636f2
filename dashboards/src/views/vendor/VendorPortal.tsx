import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Performance } from '../../api.ts';
import { ErrorNote, OrderStateBadge } from '../../components/Badges.tsx';
import { useLoad, useNow, usePoll } from '../../components/hooks.ts';
import { OrderCard } from '../../components/OrderCard.tsx';
import { formatNumber, formatTime, t, tOr } from '../../i18n/i18n.ts';
import { useSession } from '../../session.ts';

const OPEN = ['dispatched', 'accepted', 'on_site', 'paused', 'resolved'];
const DONE = ['verified', 'closed', 'rejected', 'cancelled'];
const THIRTY_DAYS = 30 * 86_400_000;

/** The next step of a vendor's main path from each state (the detail page offers every action). */
export const VENDOR_NEXT: Readonly<Record<string, readonly string[]>> = {
  dispatched: ['accept'],
  accepted: ['arrive'],
  on_site: ['resolve'],
};

/** Legs-weighted mean over categories; null when no leg reached that step. */
export function meanMinutes(rows: readonly Performance[], pick: 'accept' | 'resolve'): number | null {
  let weighted = 0;
  let count = 0;
  for (const row of rows) {
    const mean = pick === 'accept' ? row.meanMinutesToAccept : row.meanMinutesToResolve;
    const n = pick === 'accept' ? row.accepted : row.resolved;
    if (mean === null || n === 0) continue;
    weighted += mean * n;
    count += n;
  }
  return count === 0 ? null : weighted / count;
}

/**
 * A vendor's portal, made for a phone on site: open orders as cards with live SLA countdowns and
 * the next action, new orders arriving without a reload, history, and the vendor's MTTA/MTTR.
 */
export function VendorPortal() {
  const { live, navigate } = useSession();
  const open = useLoad(() => api.orders({ states: OPEN, limit: 200 }), []);
  const history = useLoad(() => api.orders({ states: DONE, limit: 20 }), []);
  const performance = useLoad(() => {
    const to = live.now();
    return api.performance(to - THIRTY_DAYS, to);
  }, []);
  const now = useNow(1_000, () => live.now());
  const known = useRef<Set<string> | undefined>(undefined);
  const [arrived, setArrived] = useState<string | undefined>(undefined);

  useEffect(
    () =>
      live.onOrder(() => {
        open.reload();
        history.reload();
      }),
    [live, open.reload, history.reload],
  );
  useEffect(() => live.onResync(open.reload), [live, open.reload]);
  usePoll(performance.reload, 60_000);

  // An order that was not there before and is now: say so (the list itself updates anyway).
  useEffect(() => {
    const ids = new Set((open.data?.orders ?? []).map((order) => order.id));
    if (known.current) {
      const fresh = [...ids].find((id) => !known.current?.has(id));
      if (fresh) setArrived(fresh);
    }
    if (open.data) known.current = ids;
  }, [open.data]);

  const rows = performance.data?.performance ?? [];
  const mtta = meanMinutes(rows, 'accept');
  const mttr = meanMinutes(rows, 'resolve');
  const orders = open.data?.orders ?? [];

  return (
    <div class="vendor-portal">
      <section class="panel kpis" aria-label={t('vendor.period')}>
        <div class="kpi" data-testid="mtta">
          <span class="label">
            {t('vendor.mtta')} ({t('vendor.period')})
          </span>
          <span class="value">
            {mtta === null ? '—' : t('vendor.minutes', { value: formatNumber(mtta, 1) })}
          </span>
        </div>
        <div class="kpi" data-testid="mttr">
          <span class="label">
            {t('vendor.mttr')} ({t('vendor.period')})
          </span>
          <span class="value">
            {mttr === null ? '—' : t('vendor.minutes', { value: formatNumber(mttr, 1) })}
          </span>
        </div>
      </section>
      {arrived ? (
        <p class="toast" role="status" data-testid="new-order">
          {t('vendor.newOrder', { id: arrived })}
          <button type="button" class="link" onClick={() => setArrived(undefined)}>
            {t('app.close')}
          </button>
        </p>
      ) : null}
      <section class="panel" aria-labelledby="open-title">
        <h2 id="open-title">
          {t('vendor.open')} <span class="count">{orders.length}</span>
        </h2>
        {open.error ? <ErrorNote code={open.error.code} onRetry={open.reload} /> : null}
        {orders.length === 0 && !open.loading ? <p class="muted">{t('vendor.none')}</p> : null}
        <div class="cards">
          {orders.map((order) => (
            <OrderCard
              key={order.id}
              order={order}
              nowMs={now}
              actions={VENDOR_NEXT[order.state] ?? []}
              onChanged={open.reload}
            />
          ))}
        </div>
      </section>
      <section class="panel" aria-labelledby="history-title">
        <h2 id="history-title">{t('vendor.history')}</h2>
        <table class="orders">
          <tbody>
            {(history.data?.orders ?? []).map((order) => (
              <tr key={order.id}>
                <td>
                  <a
                    href={`/orders/${order.id}`}
                    onClick={(event) => {
                      event.preventDefault();
                      navigate(`/orders/${order.id}`);
                    }}
                  >
                    {order.id}
                  </a>
                </td>
                <td>{tOr(`category.${order.category}`, order.category)}</td>
                <td>
                  <OrderStateBadge state={order.state} />
                </td>
                <td>{formatTime(order.updatedAtMs, true)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
