import { useMemo, useState } from 'preact/hooks';
import { api, type Equipment } from '../../api.ts';
import { ErrorNote } from '../../components/Badges.tsx';
import { Chart } from '../../components/Chart.tsx';
import { useLoad } from '../../components/hooks.ts';
import { formatTime, pick, t } from '../../i18n/i18n.ts';
import { useSession } from '../../session.ts';

const RANGES = [
  { key: 'range.1h', ms: 3_600_000 },
  { key: 'range.24h', ms: 86_400_000 },
  { key: 'range.7d', ms: 7 * 86_400_000 },
  { key: 'range.30d', ms: 30 * 86_400_000 },
] as const;

/** A trend of any analog or counter point over a chosen range, read from the time-series store. */
export function Trend({ equipment }: { equipment: readonly Equipment[] }) {
  const { live } = useSession();
  const choices = useMemo(
    () =>
      equipment.flatMap((item) =>
        item.points
          .filter((point) => point.kind === 'analog' || point.kind === 'counter')
          .map((point) => ({
            id: point.id,
            label: `${pick(item.name, item.id)} · ${pick(point.name, point.key)}`,
            unit: point.unit,
          })),
      ),
    [equipment],
  );
  const fallback = choices.find((choice) => choice.id.endsWith('.power'))?.id ?? choices[0]?.id ?? '';
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const pointId = picked ?? fallback;
  const [rangeMs, setRangeMs] = useState<number>(RANGES[0].ms);
  const series = useLoad(async () => {
    if (!pointId) return undefined;
    const to = live.now();
    return api.series(pointId, to - rangeMs, to);
  }, [pointId, rangeMs]);

  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 56, right: 16, top: 24, bottom: 28 },
      xAxis: { type: 'time', axisLabel: { formatter: (ms: number) => formatTime(ms, rangeMs > 86_400_000) } },
      yAxis: { type: 'value', name: series.data?.unit ?? '', scale: true },
      series: [{ type: 'line', showSymbol: false, connectNulls: false, data: series.data?.values ?? [] }],
    }),
    [series.data, rangeMs],
  );

  return (
    <section class="panel trend" aria-labelledby="trend-title">
      <h2 id="trend-title">{t('control.trend')}</h2>
      <div class="controls">
        <label>
          {t('control.trend.point')}
          <select
            value={pointId}
            onChange={(event) => setPicked(event.currentTarget.value)}
            data-testid="trend-point"
          >
            {choices.map((choice) => (
              <option key={choice.id} value={choice.id}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <fieldset class="segmented" aria-label={t('control.trend.range')}>
          {RANGES.map((range) => (
            <button
              key={range.key}
              type="button"
              class={range.ms === rangeMs ? 'active' : ''}
              onClick={() => setRangeMs(range.ms)}
            >
              {t(range.key)}
            </button>
          ))}
        </fieldset>
      </div>
      {series.error ? <ErrorNote code={series.error.code} onRetry={series.reload} /> : null}
      {series.data && series.data.values.length === 0 ? (
        <p class="muted">{t('control.trend.noData')}</p>
      ) : null}
      <Chart option={option} height={240} label={t('control.trend')} />
    </section>
  );
}
