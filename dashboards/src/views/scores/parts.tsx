import type { ComponentChildren } from 'preact';
import { locale } from '../../i18n/i18n.ts';
import { useSession } from '../../session.ts';
import { wallClockAt } from './months.ts';
import { gradeText, openableUri } from './text.ts';

/**
 * The time zone months are closed in: the site's. The pages know one site's; a deployment whose
 * sites lie in different zones would need the contract's (the scorecard does not carry it).
 */
export function useSiteZone(): string {
  const { sites } = useSession();
  return sites[0]?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * Times on a scorecard as the site's wall clock, `2026-10-31 10:00`: a month and its lines are
 * the site's, and a reader in another zone must see the same day the PDF names.
 */
export function useSiteTime(): (ms: number) => string {
  const zone = useSiteZone();
  return (ms) => {
    const { date, time } = wallClockAt(ms, zone);
    return `${date} ${time}`;
  };
}

/** `2026-10` as the reader says it: 2026年10月, October 2026 (`short`: 10月, Oct). */
export function monthName(month: string, width: 'long' | 'short' = 'long'): string {
  const [year = 1970, m = 1] = month.split('-').map(Number);
  return new Date(Date.UTC(year, m - 1, 1)).toLocaleDateString(locale(), {
    timeZone: 'UTC',
    month: width,
    ...(width === 'long' ? { year: 'numeric' } : {}),
  });
}

export function GradeBadge({ grade }: { grade: string }) {
  return (
    <span class={`badge grade-${grade}`} data-grade={grade}>
      {gradeText(grade)}
    </span>
  );
}

/** An in-app link: a real href (open in a new tab works) that navigates without a reload. */
export function AppLink({ to, children }: { to: string; children: ComponentChildren }) {
  const { navigate } = useSession();
  return (
    <a
      href={to}
      onClick={(event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

/**
 * An attachment as evidence: a link that opens in a new tab when it is a web address, else the
 * label with the reference as written (a file number, a path on the office's share).
 */
export function AttachmentLink({ label, uri }: { label: string; uri: string }) {
  const href = openableUri(uri);
  if (!href) return `${label} (${uri})`;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {label}
    </a>
  );
}
