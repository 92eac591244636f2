import { useEffect, useState } from 'preact/hooks';
import { api, type OrderFilter } from '../../api.ts';
import { ErrorNote, OrderStateBadge, SeverityBadge } from '../../components/Badges.tsx';
import { useLoad, useNow } from '../../components/hooks.ts';
import { OrderCard } from '../../components/OrderCard.tsx';
import { formatNumber, formatTime, pick, t, tOr } from '../../i18n/i18n.ts';
import { buildingNames, useSession } from '../../session.ts';

const STATES = [
  'created',
  'dispatched',
  'accepted',
  'on_site',
  'paused',
  'resolved',
  'verified',
  'closed',
  'rejected',
  'cancelled',
];
const CATEGORIES = [
  'facility_maintenance',
  'lift_maintenance',
  'security',
  'energy_management',
  'cleaning',
  'greening',
];
const THIRTY_DAYS = 30 * 86_400_000;

/**
 * The manager's page: the verification queue first (what waits on the office), every order with
 * filters, and the SLA breaches of the last 30 days. The auditor sees the same without buttons.
 */
export function ManagerView() {
  const { live, me, sites, vendors, navigate } = useSession();
  const names = buildingNames(sites);
  const [filter, setFilter] = useState<OrderFilter>({});
  const orders = useLoad(() => api.orders({ ...filter, limit: 200 }), [JSON.stringify(filter)]);
  const queue = useLoad(() => api.orders({ states: ['resolved'], limit: 200 }), []);
  const breaches = useLoad(() => {
    const to = live.now();
    return api.breaches(to - THIRTY_DAYS, to);
  }, []);
  const now = useNow(1_000, () => live.now());
  const mayVerify = me.role === 'facilities_manager';

  useEffect(
    () =>
      live.onOrder(() => {
        orders.reload();
        queue.reload();
        breaches.reload();
      }),
    [live, orders.reload, queue.reload, breaches.reload],
  );

  const set = (key: keyof OrderFilter, value: string) =>
    setFilter((current) => {
      const next: OrderFilter = { ...current };
      if (value === '') delete next[key];
      else if (key === 'states') next.states = [value];
      else next[key as 'buildingCode' | 'category' | 'vendorId'] = value;
      return next;
    });

  return (
    <div class="manager">
      <section class="panel" aria-labelledby="verify-title" data-testid="verification-queue">
        <h2 id="verify-title">
          {t('manager.verify')} <span class="count">{queue.data?.orders.length ?? 0}</span>
        </h2>
        {queue.error ? <ErrorNote code={queue.error.code} onRetry={queue.reload} /> : null}
        {queue.data?.orders.length === 0 ? <p class="muted">{t('manager.verify.none')}</p> : null}
        <div class="cards">
          {(queue.data?.orders ?? []).map((order) => (
            <OrderCard
              key={order.id}
              order={order}
              nowMs={now}
              actions={mayVerify ? ['verify', 'fail_verification'] : []}
              onChanged={() => {
                queue.reload();
                orders.reload();
              }}
            />
          ))}
        </div>
      </section>
      <section class="panel" aria-labelledby="orders-title">
        <h2 id="orders-title">{t('manager.orders')}</h2>
        <div class="controls">
          <Select
            label={t('manager.filter.state')}
            onChange={(v) => set('states', v)}
            options={STATES.map((s) => [s, tOr(`order.state.${s}`, s)])}
          />
          <Select
            label={t('manager.filter.building')}
            onChange={(v) => set('buildingCode', v)}
            options={[...names.values()].map((b) => [b.code, pick(b.name, b.code)])}
          />
          <Select
            label={t('manager.filter.category')}
            onChange={(v) => set('category', v)}
            options={CATEGORIES.map((c) => [c, tOr(`category.${c}`, c)])}
          />
        </div>
        {orders.error ? <ErrorNote code={orders.error.code} onRetry={orders.reload} /> : null}
        <div class="table-scroll">
          <table class="orders">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('order.building')}</th>
                <th>{t('order.category')}</th>
                <th>{t('order.severity')}</th>
                <th>{t('order.vendor')}</th>
                <th>{t('order.state')}</th>
                <th>{t('order.created')}</th>
              </tr>
            </thead>
            <tbody>
              {(orders.data?.orders ?? []).map((order) => (
                <tr key={order.id} data-order={order.id}>
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
                  <td>{pick(names.get(order.buildingCode)?.name, order.buildingCode)}</td>
                  <td>{tOr(`category.${order.category}`, order.category)}</td>
                  <td>
                    <SeverityBadge severity={order.severity} />
                  </td>
                  <td>
                    {order.vendorId
                      ? pick(vendors.get(order.vendorId), order.vendorId)
                      : t('order.officeQueue')}
                  </td>
                  <td>
                    <OrderStateBadge state={order.state} />
                  </td>
                  <td>{formatTime(order.createdAtMs, true)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section class="panel" aria-labelledby="breaches-title" data-testid="breaches">
        <h2 id="breaches-title">{t('manager.breaches')}</h2>
        {breaches.data?.breaches.length === 0 ? <p class="muted">{t('manager.breaches.none')}</p> : null}
        <table class="orders">
          <tbody>
            {(breaches.data?.breaches ?? []).map((breach) => (
              <tr key={`${breach.orderId}-${breach.leg}-${breach.target}`}>
                <td>{breach.orderId}</td>
                <td>{pick(vendors.get(breach.vendorId), breach.vendorId)}</td>
                <td>{tOr(`order.sla.target.${breach.target}`, breach.target)}</td>
                <td>{formatTime(breach.deadlineMs, true)}</td>
                <td>{t('manager.breach.minutesOver', { minutes: formatNumber(breach.minutesOver, 1) })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

function Select({
  label,
  options,
  onChange,
}: {
  label: string;
  options: readonly (readonly [string, string])[];
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {label}
      <select onChange={(event) => onChange(event.currentTarget.value)}>
        <option value="">{t('manager.filter.all')}</option>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}
