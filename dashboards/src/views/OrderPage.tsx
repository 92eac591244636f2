import { useEffect } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorNote, OrderStateBadge, SeverityBadge } from '../components/Badges.tsx';
import { Countdown } from '../components/Countdown.tsx';
import { useLoad, useNow } from '../components/hooks.ts';
import { OrderActions } from '../components/OrderActions.tsx';
import { formatNumber, formatTime, pick, t, tOr } from '../i18n/i18n.ts';
import { buildingNames, homeOf, useSession } from '../session.ts';

/**
 * One order: its facts, SLA deadlines with countdowns, the caller's actions, history, linked
 * alarms and breaches. Another vendor's order answers 404 from the API, and the page says only
 * that the order does not exist or is not the caller's.
 */
export function OrderPage({ orderId }: { orderId: string }) {
  const { live, me, sites, vendors, navigate } = useSession();
  const detail = useLoad(() => api.order(orderId), [orderId]);
  const now = useNow(1_000, () => live.now());
  useEffect(
    () =>
      live.onOrder((update) => {
        if (update.orderId === orderId) detail.reload();
      }),
    [live, orderId, detail.reload],
  );

  const back = (
    <button type="button" class="link" onClick={() => navigate(homeOf(me.role))}>
      {t('app.back')}
    </button>
  );
  if (detail.error?.status === 404) {
    return (
      <section class="panel" data-testid="order-not-found">
        <p class="error" role="alert">
          {t('order.notFound')}
        </p>
        {back}
      </section>
    );
  }
  if (detail.error) return <ErrorNote code={detail.error.code} onRetry={detail.reload} />;
  if (!detail.data) return <p class="loading">{t('app.loading')}</p>;
  const { order, sla, transitions, incidents, breaches, allowedActions } = detail.data;
  const building = buildingNames(sites).get(order.buildingCode);

  return (
    <div class="order-page" data-order={order.id} data-state={order.state}>
      <section class="panel">
        {back}
        <h2>
          {t('order.title', { id: order.id })} <SeverityBadge severity={order.severity} />{' '}
          <OrderStateBadge state={order.state} />
        </h2>
        <dl class="facts">
          <dt>{t('order.building')}</dt>
          <dd>{pick(building?.name, order.buildingCode)}</dd>
          <dt>{t('order.category')}</dt>
          <dd>{tOr(`category.${order.category}`, order.category)}</dd>
          <dt>{t('order.vendor')}</dt>
          <dd>
            {order.vendorId ? pick(vendors.get(order.vendorId), order.vendorId) : t('order.officeQueue')}
          </dd>
          <dt>{t('order.created')}</dt>
          <dd>{formatTime(order.createdAtMs, true)}</dd>
        </dl>
        <OrderActions orderId={order.id} actions={allowedActions} onDone={detail.reload} />
      </section>
      <section class="panel">
        <h3>{t('order.sla')}</h3>
        <table class="sla">
          <tbody>
            {sla.targets.map((target) => (
              <tr
                key={`${target.leg}-${target.target}`}
                data-target={target.target}
                data-sla-state={target.state}
              >
                <td>{tOr(`order.sla.target.${target.target}`, target.target)}</td>
                <td>{tOr(`order.sla.state.${target.state}`, target.state)}</td>
                <td>
                  {target.state === 'running' ? (
                    <Countdown deadlineMs={target.deadlineMs} nowMs={now} />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="panel">
        <h3>{t('order.history')}</h3>
        <ol class="timeline">
          {transitions.map((entry) => (
            <li key={entry.seq} data-action={entry.record.action}>
              <time>{formatTime(entry.record.atMs, true)}</time>{' '}
              {tOr(`order.action.${entry.record.action}`, entry.record.action)} →{' '}
              {tOr(`order.state.${entry.record.to}`, entry.record.to)}
              {entry.record.actor.userId ? ` · ${entry.record.actor.userId}` : ''}
              {entry.record.reason ? ` · ${entry.record.reason}` : ''}
            </li>
          ))}
        </ol>
        {incidents.length > 0 ? (
          <>
            <h3>{t('order.incidents')}</h3>
            <ul>
              {incidents.map((incident) => (
                <li key={incident.activationEventId}>
                  #{incident.incidentId} · {tOr(`incident.${incident.incidentState}`, incident.incidentState)}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {breaches.length > 0 ? (
          <>
            <h3>{t('order.breaches')}</h3>
            <ul>
              {breaches.map((breach) => (
                <li key={`${breach.leg}-${breach.target}`}>
                  {tOr(`order.sla.target.${breach.target}`, breach.target)} ·{' '}
                  {t('manager.breach.minutesOver', { minutes: formatNumber(breach.minutesOver, 1) })}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
    </div>
  );
}
