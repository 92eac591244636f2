import type { IngestHealthReply } from '../../api.ts';
import { ErrorNote } from '../../components/Badges.tsx';
import type { Loaded } from '../../components/hooks.ts';
import { formatNumber, formatTime, t } from '../../i18n/i18n.ts';

/** The gateway's ingest figures, rejections by reason code and the newest dead letters. */
export function IngestPanel({ health }: { health: Loaded<IngestHealthReply> }) {
  const data = health.data;
  const gateway = data?.gateway ?? null;
  const rejections = Object.entries(gateway?.rejections ?? {}).sort((a, b) => b[1] - a[1]);
  return (
    <section class="panel ingest" aria-labelledby="ingest-title" data-testid="ingest-panel">
      <h2 id="ingest-title">{t('control.ingest')}</h2>
      {health.error ? <ErrorNote code={health.error.code} onRetry={health.reload} /> : null}
      {data && !gateway ? <p class="error">{t('control.ingest.gatewayDown')}</p> : null}
      {gateway ? (
        <ul class="facts">
          <li>{t('control.ingest.rate', { rate: formatNumber(gateway.readingsPerS, 1) })}</li>
          {data?.handoffLagMs === null || data?.handoffLagMs === undefined ? null : (
            <li>{t('control.ingest.handoffLag', { ms: formatNumber(data.handoffLagMs) })}</li>
          )}
          {Object.entries(gateway.lag).map(([consumer, lag]) => (
            <li key={consumer}>
              {t('control.ingest.lag', { consumer })}: {formatNumber(lag)}
            </li>
          ))}
        </ul>
      ) : null}
      <h3>{t('control.ingest.rejections')}</h3>
      {rejections.length === 0 ? (
        <p class="muted">{t('control.ingest.noRejections')}</p>
      ) : (
        <ul class="facts">
          {rejections.map(([code, count]) => (
            <li key={code}>
              <code>{code}</code> {formatNumber(count)}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('control.ingest.deadLetters')}</h3>
      <ul class="dead-letters">
        {(data?.deadLetters ?? []).slice(0, 8).map((letter, index) => (
          <li key={`${letter.at}-${index}`}>
            <time>{formatTime(letter.at)}</time> <code>{letter.code}</code> {letter.source ?? ''}{' '}
            {letter.detail ?? ''}
          </li>
        ))}
      </ul>
    </section>
  );
}
