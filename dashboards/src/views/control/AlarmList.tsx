import { useState } from 'preact/hooks';
import { ApiFailure, api, type Equipment, type Incident } from '../../api.ts';
import { ErrorNote, SeverityBadge } from '../../components/Badges.tsx';
import type { Loaded } from '../../components/hooks.ts';
import { formatTime, pick, t, tOr } from '../../i18n/i18n.ts';
import { buildingNames, useSession } from '../../session.ts';

const SEVERITY_ORDER = ['critical', 'major', 'minor', 'warning'];

/** Unacknowledged first, then by severity, then newest. */
export function alarmOrder(a: Incident, b: Incident): number {
  if ((a.state === 'active') !== (b.state === 'active')) return a.state === 'active' ? -1 : 1;
  const severity = SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity);
  if (severity !== 0) return severity;
  return Date.parse(b.activatedAt) - Date.parse(a.activatedAt);
}

export function AlarmList({
  incidents,
  equipment,
}: {
  incidents: Loaded<{ incidents: readonly Incident[] }>;
  equipment: readonly Equipment[];
}) {
  const { me, sites } = useSession();
  const names = buildingNames(sites);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const mayAcknowledge = me.role === 'operator' || me.role === 'facilities_manager';
  const list = [...(incidents.data?.incidents ?? [])].sort(alarmOrder);

  const acknowledge = async (incident: Incident) => {
    setBusy(incident.id);
    setFailure(undefined);
    try {
      await api.acknowledge(incident.id);
      incidents.reload();
    } catch (error) {
      setFailure(error instanceof ApiFailure ? error.code : 'network');
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section class="panel alarms" aria-labelledby="alarms-title">
      <h2 id="alarms-title">
        {t('control.alarms')} <span class="count">{list.length}</span>
      </h2>
      {incidents.error ? <ErrorNote code={incidents.error.code} onRetry={incidents.reload} /> : null}
      {failure ? <ErrorNote code={failure} /> : null}
      {list.length === 0 && !incidents.loading ? <p class="muted">{t('control.alarms.none')}</p> : null}
      <ul class="alarm-list">
        {list.map((incident) => {
          const item = equipment.find((candidate) => candidate.id === incident.equipmentId);
          return (
            <li
              key={incident.id}
              class={`alarm ${incident.state} severity-${incident.severity}`}
              data-incident={incident.id}
              data-rule={incident.ruleId}
              data-equipment={incident.equipmentId}
            >
              <div class="alarm-head">
                <SeverityBadge severity={incident.severity} />
                <strong>{pick(incident.title, incident.ruleId)}</strong>
              </div>
              <div class="alarm-meta">
                <span>{pick(names.get(incident.buildingCode)?.name, incident.buildingCode)}</span>
                <span>{pick(item?.name, incident.equipmentId)}</span>
                <span>
                  {t('control.alarm.since', { time: formatTime(Date.parse(incident.activatedAt), true) })}
                </span>
                {incident.occurrences > 1 ? (
                  <span>{t('control.alarm.occurrences', { count: incident.occurrences })}</span>
                ) : null}
              </div>
              <div class="alarm-actions">
                {incident.state === 'active' && mayAcknowledge ? (
                  <button
                    type="button"
                    disabled={busy === incident.id}
                    onClick={() => void acknowledge(incident)}
                  >
                    {t('control.alarm.acknowledge')}
                  </button>
                ) : (
                  <span class="badge incident-state" data-state={incident.state}>
                    {incident.state === 'acknowledged'
                      ? t('control.alarm.acknowledged', { who: incident.acknowledgedBy ?? '' })
                      : tOr(`incident.${incident.state}`, incident.state)}
                  </span>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
