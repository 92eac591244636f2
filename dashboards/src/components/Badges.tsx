import { t, tOr } from '../i18n/i18n.ts';

export function SeverityBadge({ severity }: { severity: string }) {
  return <span class={`badge severity-${severity}`}>{tOr(`severity.${severity}`, severity)}</span>;
}

export function OrderStateBadge({ state }: { state: string }) {
  return (
    <span class={`badge order-${state}`} data-state={state}>
      {tOr(`order.state.${state}`, state)}
    </span>
  );
}

export function ErrorNote({ code, onRetry }: { code: string; onRetry?: () => void }) {
  return (
    <p class="error" role="alert">
      {tOr(`error.${code}`, t('error.unknown', { code }))}
      {onRetry ? (
        <button type="button" class="link" onClick={onRetry}>
          {t('app.retry')}
        </button>
      ) : null}
    </p>
  );
}
