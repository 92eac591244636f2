import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { useLoad, usePoll } from '../../components/hooks.ts';
import { formatTime, t } from '../../i18n/i18n.ts';
import type { GatewayLink, LatestValue } from '../../live.ts';
import { useSession } from '../../session.ts';
import { AlarmList } from './AlarmList.tsx';
import { Boards } from './Boards.tsx';
import { Campus } from './Campus.tsx';
import { IngestPanel } from './IngestPanel.tsx';
import { Trend } from './Trend.tsx';

/**
 * The control room's wall: campus overview with live power and today's energy, the alarm list,
 * equipment boards, a trend of any point and the ingest health. Lists re-read on live events;
 * figures without an event (today's kWh, ingest health) are polled.
 */
export function ControlRoom() {
  const { live, sites } = useSession();
  const site = sites[0]?.id ?? '';
  const equipment = useLoad(() => api.equipment(site), [site]);
  const energy = useLoad(() => api.energyToday(site), [site]);
  const incidents = useLoad(() => api.incidents(), []);
  const orders = useLoad(
    () => api.orders({ states: ['created', 'dispatched', 'accepted', 'on_site', 'paused'], limit: 500 }),
    [],
  );
  const health = useLoad(() => api.ingestHealth(site), [site]);
  const [values, setValues] = useState<ReadonlyMap<string, LatestValue>>(new Map(live.values));
  const [links, setLinks] = useState<ReadonlyMap<string, GatewayLink>>(new Map(live.links));

  useEffect(() => live.onValues((latest) => setValues(new Map(latest))), [live]);
  useEffect(() => live.onLinks((latest) => setLinks(new Map(latest))), [live]);
  useEffect(() => live.onIncident(() => incidents.reload()), [live, incidents.reload]);
  useEffect(() => live.onOrder(() => orders.reload()), [live, orders.reload]);
  useEffect(
    () =>
      live.onResync(() => {
        incidents.reload();
        orders.reload();
      }),
    [live, incidents.reload, orders.reload],
  );
  usePoll(energy.reload, 60_000);
  usePoll(health.reload, 5_000);

  const list = useMemo(() => equipment.data?.equipment ?? [], [equipment.data]);
  return (
    <div class="control-room">
      <GatewayOffline link={links.get(site)} />
      <Campus
        equipment={list}
        values={values}
        energy={energy.data}
        activeAlarms={
          (incidents.data?.incidents ?? []).filter((incident) => incident.state === 'active').length
        }
        openOrders={orders.data?.orders.length ?? 0}
        ingestRate={health.data?.gateway?.readingsPerS}
      />
      <AlarmList incidents={incidents} equipment={list} />
      <Boards equipment={list} values={values} />
      <Trend equipment={list} />
      <IngestPanel health={health} />
    </div>
  );
}

/**
 * A site whose gateway stopped reaching the platform: its figures on this wall are frozen, and no
 * meter's 数据中断 alarm can fire meanwhile, so the room is told in words across the wall.
 */
function GatewayOffline({ link }: { link: GatewayLink | undefined }) {
  if (link?.state !== 'offline') return null;
  return (
    <p class="error gateway-offline" role="alert" data-testid="gateway-offline">
      {t('control.gatewayOffline', { time: formatTime(link.lastSeenMs ?? 0, true) })}
    </p>
  );
}
