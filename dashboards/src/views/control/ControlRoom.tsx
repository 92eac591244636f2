import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { useLoad, usePoll } from '../../components/hooks.ts';
import type { LatestValue } from '../../live.ts';
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

  useEffect(() => live.onValues((latest) => setValues(new Map(latest))), [live]);
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
