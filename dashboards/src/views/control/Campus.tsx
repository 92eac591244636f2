import { useMemo } from 'preact/hooks';
import type { EnergyTodayReply, Equipment, RollupCell } from '../../api.ts';
import { Chart } from '../../components/Chart.tsx';
import { formatNumber, pick, t } from '../../i18n/i18n.ts';
import type { LatestValue } from '../../live.ts';
import { buildingNames, useSession } from '../../session.ts';

/** 分项 codes in display order (GB/T 51161 sub-items used by the sample); names in the catalogue. */
const SUB_ITEMS = ['01A00', '01B00', '01C00', '01D00'] as const;

/** Live kW of each building: the incomer meters' (分项 01000) power. */
export function liveKwByBuilding(
  equipment: readonly Equipment[],
  values: ReadonlyMap<string, LatestValue>,
): Map<string, number> {
  const result = new Map<string, number>();
  for (const item of equipment) {
    if (item.subMetering !== '01000') continue;
    const power = item.points.find((point) => point.key === 'power');
    const value = power ? values.get(power.id)?.v : undefined;
    if (value !== undefined) result.set(item.buildingCode, (result.get(item.buildingCode) ?? 0) + value);
  }
  return result;
}

export function Campus(props: {
  equipment: readonly Equipment[];
  values: ReadonlyMap<string, LatestValue>;
  energy: EnergyTodayReply | undefined;
  activeAlarms: number;
  openOrders: number;
  ingestRate: number | undefined;
}) {
  const { sites } = useSession();
  const names = buildingNames(sites);
  const liveKw = liveKwByBuilding(props.equipment, props.values);
  const totalKw = [...liveKw.values()].reduce((sum, kw) => sum + kw, 0);
  const buildings = props.energy?.rollup.buildings ?? [];
  const siteTotal = props.energy?.rollup.items.find((cell) => cell.item === '01000');

  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 12, top: 32, bottom: 24 },
      xAxis: {
        type: 'category',
        data: buildings.map((building) =>
          pick(names.get(building.buildingCode)?.name, building.buildingCode),
        ),
      },
      yAxis: { type: 'value', name: 'kWh' },
      series: SUB_ITEMS.map((code) => ({
        type: 'bar',
        stack: 'kwh',
        name: t(`subItem.${code}`),
        data: buildings.map((building) => {
          const value = building.items.find((cell) => cell.item === code)?.value;
          return value === null || value === undefined ? null : Math.round(value);
        }),
      })),
    }),
    [buildings, names],
  );

  return (
    <section class="panel campus" aria-labelledby="campus-title">
      <h2 id="campus-title">{t('control.campus')}</h2>
      <div class="kpis">
        <Kpi label={t('control.kpi.liveKw')} value={formatNumber(totalKw)} unit="kW" testId="kpi-live-kw" />
        <Kpi
          label={t('control.kpi.todayKwh')}
          value={measured(siteTotal)}
          unit="kWh"
          testId="kpi-today-kwh"
        />
        <Kpi
          label={t('control.kpi.activeAlarms')}
          value={String(props.activeAlarms)}
          tone={props.activeAlarms > 0 ? 'alarm' : 'ok'}
          testId="kpi-alarms"
        />
        <Kpi label={t('control.kpi.openOrders')} value={String(props.openOrders)} testId="kpi-orders" />
        <Kpi
          label={t('control.kpi.ingestRate')}
          value={props.ingestRate === undefined ? '—' : formatNumber(props.ingestRate, 1)}
          unit="/s"
          testId="kpi-ingest"
        />
      </div>
      <div class="buildings">
        {sites[0]?.buildings.map((building) => {
          const today = buildings
            .find((candidate) => candidate.buildingCode === building.code)
            ?.items.find((cell) => cell.item === '01000');
          return (
            <article class="building" key={building.code} data-building={building.code}>
              <h3>{pick(building.name)}</h3>
              <p>
                {t('control.building.liveKw')}{' '}
                <strong>
                  {liveKw.has(building.code) ? formatNumber(liveKw.get(building.code) ?? 0) : '—'}
                </strong>{' '}
                kW
              </p>
              <p>
                {t('control.building.todayKwh')}{' '}
                <strong data-status={today?.status ?? 'missing'}>{measured(today)}</strong> kWh
              </p>
              {building.floorAreaM2 ? (
                <p class="muted">
                  {t('control.building.area', { area: formatNumber(building.floorAreaM2) })}
                </p>
              ) : null}
            </article>
          );
        })}
      </div>
      <h3>{t('control.subItems')}</h3>
      <Chart option={option} height={220} label={t('control.subItems')} />
    </section>
  );
}

/** A consumption figure as measured: `≥ n` when partial (a lower bound), a dash when missing. */
export function measured(cell: RollupCell | undefined): string {
  if (!cell || cell.value === null) return '—';
  const text = formatNumber(cell.value);
  return cell.status === 'partial' ? `≥ ${text}` : text;
}

function Kpi(props: { label: string; value: string; unit?: string; tone?: string; testId: string }) {
  return (
    <div class={`kpi ${props.tone ?? ''}`} data-testid={props.testId}>
      <span class="label">{props.label}</span>
      <span class="value">
        {props.value}
        {props.unit ? <small> {props.unit}</small> : null}
      </span>
    </div>
  );
}
