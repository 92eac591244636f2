import { formatDuration, t } from '../i18n/i18n.ts';

/** The time left to an SLA deadline, red once it has passed. */
export function Countdown({ deadlineMs, nowMs }: { deadlineMs: number | null; nowMs: number }) {
  if (deadlineMs === null) return <span class="countdown none">{t('order.noDeadline')}</span>;
  const left = deadlineMs - nowMs;
  const tone = left < 0 ? 'overdue' : left < 15 * 60_000 ? 'soon' : 'ok';
  const text =
    left < 0
      ? t('order.overdue', { time: formatDuration(left) })
      : t('order.remaining', { time: formatDuration(left) });
  return (
    <span class={`countdown ${tone}`} data-deadline={deadlineMs}>
      {text}
    </span>
  );
}
