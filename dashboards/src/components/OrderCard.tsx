import type { WorkOrder } from '../api.ts';
import { pick, t, tOr } from '../i18n/i18n.ts';
import { buildingNames, useSession } from '../session.ts';
import { OrderStateBadge, SeverityBadge } from './Badges.tsx';
import { Countdown } from './Countdown.tsx';
import { OrderActions } from './OrderActions.tsx';

/** One order as a card (phones) with its SLA countdown and the actions of the main path. */
export function OrderCard({
  order,
  nowMs,
  actions,
  onChanged,
}: {
  order: WorkOrder;
  nowMs: number;
  actions: readonly string[];
  onChanged: () => void;
}) {
  const { sites, navigate } = useSession();
  const building = buildingNames(sites).get(order.buildingCode);
  return (
    <article class={`order-card severity-${order.severity}`} data-order={order.id} data-state={order.state}>
      <header>
        <a
          class="order-link"
          href={`/orders/${order.id}`}
          onClick={(event) => {
            event.preventDefault();
            navigate(`/orders/${order.id}`);
          }}
        >
          {t('order.title', { id: order.id })}
        </a>
        <SeverityBadge severity={order.severity} />
        <OrderStateBadge state={order.state} />
      </header>
      <p>
        {pick(building?.name, order.buildingCode)} · {tOr(`category.${order.category}`, order.category)}
        {order.officeQueueReason ? ` · ${t('order.officeQueue')}` : ''}
      </p>
      <p class="deadline">
        {t('order.deadline')}: <Countdown deadlineMs={order.nextCheckAtMs} nowMs={nowMs} />
      </p>
      {actions.length > 0 ? <OrderActions orderId={order.id} actions={actions} onDone={onChanged} /> : null}
    </article>
  );
}
