import { useMemo, useState } from 'preact/hooks';
import { api, type ContractSavings, type RollupReply } from '../../api.ts';
import { ErrorNote } from '../../components/Badges.tsx';
import { Chart } from '../../components/Chart.tsx';
import { useLoad } from '../../components/hooks.ts';
import { formatNumber, locale, pick, t, tOr } from '../../i18n/i18n.ts';
import { buildingNames, useSession } from '../../session.ts';
import { addMonths, wallClockAt } from '../scores/months.ts';

const DAY_MS = 86_400_000;
const ITEMS = ['01000', '01A00', '01B00', '01C00', '01D00', '02000'] as const;

/**
 * The manager's energy page: per energy performance contract, the weather-normalised baseline
 * against the actual use day by day, cumulative savings against the target, the settlement, and
 * the baseline's fit quality beside ASHRAE Guideline 14's limits; then the site's consumption by
 * building and sub-item with intensities and 同比, and the monthly report to download.
 */
export function EnergyPage() {
  const { live, sites } = useSession();
  // Dates at the site, whatever the browser's zone: the API takes site dates, not instants.
  const timeZone = sites[0]?.timezone ?? 'Asia/Shanghai';
  const isoDate = (ms: number): string => wallClockAt(ms, timeZone).date;
  const contracts = useLoad(() => api.energyContracts(), []);
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const list = contracts.data?.contracts ?? [];
  const contract = list.find((candidate) => candidate.id === picked) ?? list[0];
  const yesterday = isoDate(live.now() - DAY_MS);
  const [days, setDays] = useState(90);
  const fromDate = contract ? maxDate(contract.start, isoDate(live.now() - days * DAY_MS)) : yesterday;
  const savings = useLoad(
    async () => (contract ? await api.contractSavings(contract.id, fromDate, yesterday) : undefined),
    [contract?.id, fromDate, yesterday],
  );
  const monthStart = `${yesterday.slice(0, 7)}-01`;
  const rollup = useLoad(() => api.energyRollup(monthStart, yesterday), [monthStart, yesterday]);
  const lastMonth = addMonths(monthStart.slice(0, 7), -1);

  return (
    <div class="energy">
      <section class="panel" aria-labelledby="contract-title">
        <h2 id="contract-title">{t('energy.contract')}</h2>
        {contracts.error ? <ErrorNote code={contracts.error.code} onRetry={contracts.reload} /> : null}
        <div class="controls">
          <label>
            {t('energy.contract')}
            <select value={contract?.id ?? ''} onChange={(event) => setPicked(event.currentTarget.value)}>
              {list.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.id}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('energy.range')}
            <select value={String(days)} onChange={(event) => setDays(Number(event.currentTarget.value))}>
              {[30, 90, 365].map((n) => (
                <option key={n} value={String(n)}>
                  {t('energy.lastDays', { days: n })}
                </option>
              ))}
            </select>
          </label>
        </div>
        {list.length === 0 && !contracts.loading ? <p class="muted">{t('energy.noContracts')}</p> : null}
        {savings.error ? <ErrorNote code={savings.error.code} onRetry={savings.reload} /> : null}
        {/* The server's detail (e.g. how many baseline days are missing) is in English: shown beside the
            English text only, never under the Chinese one. */}
        {savings.error && locale() === 'en' ? <p class="muted">{savings.error.message}</p> : null}
        {savings.data ? <Savings savings={savings.data} /> : null}
      </section>
      <Consumption rollup={rollup.data} error={rollup.error?.code} />
      <section class="panel">
        <h2>{t('energy.report')}</h2>
        <p>
          <a href={`/api/energy/reports/monthly.pdf?month=${lastMonth}`} data-testid="report-pdf">
            {t('energy.report.pdf', { month: lastMonth })}
          </a>{' '}
          ·{' '}
          <a href={`/api/energy/reports/monthly.csv?month=${lastMonth}`} data-testid="report-csv">
            CSV
          </a>
        </p>
      </section>
    </div>
  );
}

const maxDate = (a: string, b: string): string => (a > b ? a : b);

function Savings({ savings }: { savings: ContractSavings }) {
  const { savings: avoided, settlement, baseline } = savings;
  const model = baseline.model;
  const daily = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 32, bottom: 28 },
      xAxis: { type: 'category', data: avoided.days.map((day) => day.date) },
      yAxis: { type: 'value', name: 'kWh', scale: true },
      series: [
        {
          type: 'line',
          name: t('energy.baseline'),
          showSymbol: false,
          data: avoided.days.map((d) => d.adjustedBaseline),
        },
        {
          type: 'line',
          name: t('energy.actual'),
          showSymbol: false,
          data: avoided.days.map((d) => d.actual),
        },
      ],
    }),
    [avoided],
  );
  const cumulative = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 64, right: 16, top: 32, bottom: 28 },
      xAxis: { type: 'category', data: savings.cumulative.map((point) => point.date) },
      yAxis: { type: 'value', name: 'kWh' },
      series: [
        {
          type: 'line',
          name: t('energy.avoided'),
          showSymbol: false,
          data: savings.cumulative.map((p) => p.avoidedKwh),
        },
        {
          type: 'line',
          name: t('energy.target'),
          showSymbol: false,
          lineStyle: { type: 'dashed' },
          data: savings.cumulative.map((p) => p.targetKwh),
        },
      ],
    }),
    [savings.cumulative],
  );
  if (avoided.usedDays === 0) {
    return (
      <p class="muted" data-testid="no-reporting-days">
        {t('energy.noReportingDays', { total: avoided.reportingDays })}
      </p>
    );
  }
  return (
    <>
      <div class="kpis" data-testid="savings">
        <Kpi
          label={t('energy.savingsRate')}
          value={`${formatNumber(settlement.savingsFraction * 100, 1)} % ± ${formatNumber(settlement.uncertaintyFraction * 100, 1)}`}
          tone={settlement.targetMet ? 'ok' : 'alarm'}
        />
        <Kpi label={t('energy.target')} value={`${formatNumber(settlement.target.fraction * 100, 0)} %`} />
        <Kpi label={t('energy.avoided')} value={`${formatNumber(settlement.avoidedKwh)} kWh`} />
        <Kpi label={t('energy.savedCny')} value={`¥ ${formatNumber(settlement.savedCny)}`} />
        {settlement.shortfall.penaltyCny > 0 ? (
          <Kpi
            label={t('energy.penalty')}
            value={`¥ ${formatNumber(settlement.shortfall.penaltyCny)}`}
            tone="alarm"
          />
        ) : (
          <Kpi
            label={t('energy.vendorShare')}
            value={`¥ ${formatNumber(settlement.sharedSavings.vendorCny)}`}
          />
        )}
      </div>
      <p class="muted">
        {settlement.targetMetWithConfidence
          ? t('energy.targetMetConfident')
          : settlement.targetMet
            ? t('energy.targetMetUncertain')
            : t('energy.targetMissed')}{' '}
        {t('energy.days', { used: avoided.usedDays, total: avoided.reportingDays })}
      </p>
      {model ? (
        <p class="muted" data-testid="baseline-model">
          {t('energy.model', {
            type: tOr(`energy.modelType.${model.type}`, model.type),
            r2: formatNumber(model.adjustedR2, 3),
            cv: formatNumber(model.cvRmse * 100, 1),
            nmbe: formatNumber(model.nmbe * 100, 2),
          })}{' '}
          {t('energy.ashrae')}
        </p>
      ) : null}
      <h3>{t('energy.baselineVsActual')}</h3>
      <Chart option={daily} height={240} label={t('energy.baselineVsActual')} />
      <h3>{t('energy.cumulative')}</h3>
      <Chart option={cumulative} height={220} label={t('energy.cumulative')} />
    </>
  );
}

function Consumption({ rollup, error }: { rollup: RollupReply | undefined; error: string | undefined }) {
  const { sites } = useSession();
  const names = buildingNames(sites);
  const change = (building: string, item: string): number | null =>
    rollup?.changes.find((entry) => entry.buildingCode === building && entry.item === item)?.change
      .changeFraction ?? null;
  return (
    <section class="panel" aria-labelledby="consumption-title">
      <h2 id="consumption-title">{t('energy.consumption')}</h2>
      {error ? <ErrorNote code={error} /> : null}
      <div class="table-scroll">
        <table class="orders" data-testid="consumption">
          <thead>
            <tr>
              <th>{t('order.building')}</th>
              {ITEMS.map((item) => (
                <th key={item}>{t(`energy.item.${item}`)}</th>
              ))}
              <th>{t('energy.perM2')}</th>
              <th>{t('energy.perOccupant')}</th>
            </tr>
          </thead>
          <tbody>
            {(rollup?.current.buildings ?? []).map((building) => {
              const total = building.items.find((cell) => cell.item === '01000');
              return (
                <tr key={building.buildingCode}>
                  <td>{pick(names.get(building.buildingCode)?.name, building.buildingCode)}</td>
                  {ITEMS.map((item) => {
                    const cell = building.items.find((candidate) => candidate.item === item);
                    const yoy = change(building.buildingCode, item);
                    return (
                      <td key={item} data-status={cell?.status ?? 'missing'}>
                        {cell?.value === null || cell?.value === undefined
                          ? '—'
                          : `${cell.status === 'partial' ? '≥ ' : ''}${formatNumber(cell.value)}`}
                        {yoy === null ? null : (
                          <small class={yoy > 0 ? 'up' : 'down'}>
                            {' '}
                            {yoy > 0 ? '+' : ''}
                            {formatNumber(yoy * 100, 1)}%
                          </small>
                        )}
                      </td>
                    );
                  })}
                  <td>{total?.intensity.perM2 == null ? '—' : formatNumber(total.intensity.perM2, 2)}</td>
                  <td>
                    {total?.intensity.perOccupant == null
                      ? '—'
                      : formatNumber(total.intensity.perOccupant, 1)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p class="muted">{t('energy.partialNote')}</p>
    </section>
  );
}

function Kpi({ label, value, tone }: { label: string; value: string; tone?: string }) {
  return (
    <div class={`kpi ${tone ?? ''}`}>
      <span class="label">{label}</span>
      <span class="value">{value}</span>
    </div>
  );
}
