import { useEffect, useState } from 'preact/hooks';
import { formatTime, pick, t, tOr } from '../i18n/i18n.ts';
import { useSession } from '../session.ts';
import { useNow } from './hooks.ts';

const LINKS = [
  {
    path: '/control',
    label: 'nav.control',
    roles: ['operator', 'facilities_manager', 'administrator', 'auditor'],
  },
  {
    path: '/manager',
    label: 'nav.manager',
    roles: ['facilities_manager', 'administrator', 'auditor', 'operator'],
  },
  {
    path: '/energy',
    label: 'nav.energy',
    roles: ['facilities_manager', 'administrator', 'auditor', 'operator'],
  },
  {
    path: '/scores',
    label: 'nav.scores',
    roles: ['facilities_manager', 'administrator', 'auditor', 'operator'],
  },
  { path: '/vendor', label: 'nav.vendor', roles: ['vendor_user'] },
  // A vendor's drill-down is the staff's page too (/scores/:contractId/:month).
  { path: '/my-scores', label: 'nav.myScores', roles: ['vendor_user'], also: '/scores/' },
] as const;

export function Header({
  onSwitchLanguage,
  onLogout,
}: {
  onSwitchLanguage: () => void;
  onLogout: () => void;
}) {
  const { me, live, sites, navigate } = useSession();
  const [up, setUp] = useState(live.connected);
  useEffect(() => live.onStatus(setUp), [live]);
  const now = useNow(1_000, () => live.now());
  return (
    <header class="top">
      <div class="brand">
        <strong>{t('app.title')}</strong>
        <span class="site">{pick(sites[0]?.name)}</span>
      </div>
      <nav>
        {LINKS.filter((link) => (link.roles as readonly string[]).includes(me.role)).map((link) => (
          <a
            key={link.path}
            href={link.path}
            class={
              location.pathname.startsWith(link.path) ||
              ('also' in link && location.pathname.startsWith(link.also))
                ? 'active'
                : ''
            }
            onClick={(event) => {
              event.preventDefault();
              navigate(link.path);
            }}
          >
            {t(link.label)}
          </a>
        ))}
      </nav>
      <div class="tools">
        <span
          class={`live-dot ${up ? 'up' : 'down'}`}
          title={up ? t('app.live.connected') : t('app.live.disconnected')}
        />
        <time class="clock">{formatTime(now)}</time>
        <span class="who" data-testid="who">
          {me.displayName} · {tOr(`role.${me.role}`, me.role)}
        </span>
        <button type="button" class="link" onClick={onSwitchLanguage} data-testid="language">
          {t('app.language')}
        </button>
        <button type="button" class="link" onClick={onLogout}>
          {t('app.logout')}
        </button>
      </div>
    </header>
  );
}
