import { render } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiFailure, api, type MeReply, whenUnauthenticated } from './api.ts';
import { Header } from './components/Header.tsx';
import { locale, setLocale, t } from './i18n/i18n.ts';
import { LiveConnection } from './live.ts';
import { homeOf, type Session, SessionContext } from './session.ts';
import './styles.css';
import { ControlRoom } from './views/control/ControlRoom.tsx';
import { EnergyPage } from './views/energy/EnergyPage.tsx';
import { Login } from './views/Login.tsx';
import { ManagerView } from './views/manager/ManagerView.tsx';
import { OrderPage } from './views/OrderPage.tsx';
import { AnnualPage } from './views/scores/AnnualPage.tsx';
import { ScorecardPage } from './views/scores/ScorecardPage.tsx';
import { ScoresPage } from './views/scores/ScoresPage.tsx';
import { VendorPortal } from './views/vendor/VendorPortal.tsx';

/**
 * The app shell: restores the session from the cookie (`GET /api/me`), opens the live socket,
 * and routes by path — /control, /vendor, /manager, /energy, /scores, /my-scores,
 * /scores/:contractId/:month, /scores/annual/:year, /orders/:id — with the role's home at `/`.
 * A page a role may not use is not offered; the API refuses it anyway.
 */

function usePath(): [string, (path: string) => void] {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const onPop = () => setPath(location.pathname);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((next: string) => {
    if (next !== location.pathname) history.pushState(null, '', next);
    setPath(next);
  }, []);
  return [path, navigate];
}

type SignedIn = Omit<Session, 'navigate'>;

function App() {
  const [path, navigate] = usePath();
  const [, setLang] = useState(locale());
  const [state, setState] = useState<'loading' | 'anonymous' | SignedIn>('loading');

  const signIn = useCallback(async (me: MeReply) => {
    const { sites, vendors = [] } = await api.sites();
    setState({
      me,
      sites,
      vendors: new Map(vendors.map((vendor) => [vendor.id, vendor.name])),
      live: new LiveConnection(),
    });
  }, []);

  useEffect(() => {
    whenUnauthenticated(() => setState('anonymous'));
    api.me().then(signIn, (error: unknown) => {
      if (error instanceof ApiFailure && error.status === 401) setState('anonymous');
      else setState('anonymous');
    });
  }, [signIn]);

  useEffect(() => {
    if (typeof state === 'object') return () => state.live.close();
    return undefined;
  }, [state]);

  const switchLanguage = useCallback(() => {
    setLocale(locale() === 'zh-CN' ? 'en' : 'zh-CN');
    setLang(locale());
  }, []);

  const logout = useCallback(async () => {
    await api.logout().catch(() => undefined);
    setState('anonymous');
    navigate('/login');
  }, [navigate]);

  const session = useMemo<Session | undefined>(
    () => (typeof state === 'object' ? { ...state, navigate } : undefined),
    [state, navigate],
  );

  if (state === 'loading') return <p class="loading">{t('app.loading')}</p>;
  if (!session) {
    return (
      <Login
        onSwitchLanguage={switchLanguage}
        onSignedIn={async (me) => {
          await signIn(me);
          navigate(homeOf(me.role));
        }}
      />
    );
  }
  const page = pageFor(path, session);
  return (
    <SessionContext.Provider value={session}>
      <div class={`app role-${session.me.role}`} key={locale()}>
        <Header onSwitchLanguage={switchLanguage} onLogout={logout} />
        <main>{page}</main>
      </div>
    </SessionContext.Provider>
  );
}

function pageFor(target: string, session: Session) {
  // A page keeps its own state in the query (`/scores?month=…`); the route is the path. Keyed by
  // the whole target, a page opened again by a link starts from what the link says.
  const path = target.split('?')[0] ?? target;
  const order = /^\/orders\/([^/]+)$/.exec(path);
  if (order?.[1]) return <OrderPage orderId={decodeURIComponent(order[1])} />;
  const scorecard = /^\/scores\/([^/]+)\/(\d{4}-(?:0[1-9]|1[0-2]))$/.exec(path);
  if (scorecard?.[1] && scorecard[2])
    return <ScorecardPage key={target} contractId={decodeURIComponent(scorecard[1])} month={scorecard[2]} />;
  const role = session.me.role;
  const annual = /^\/scores\/annual\/(\d{4})$/.exec(path);
  if (annual?.[1] && role !== 'vendor_user') return <AnnualPage key={target} year={annual[1]} />;
  const home = path === '/' || path === '/login' ? homeOf(role) : path;
  if (home === '/control' && role !== 'vendor_user') return <ControlRoom />;
  if (home === '/vendor' && role === 'vendor_user') return <VendorPortal />;
  if (home === '/manager' && role !== 'vendor_user') return <ManagerView />;
  if (home === '/energy' && role !== 'vendor_user') return <EnergyPage />;
  if (home === '/scores' && role !== 'vendor_user') return <ScoresPage key={target} mine={false} />;
  if (home === '/my-scores' && role === 'vendor_user') return <ScoresPage key={target} mine={true} />;
  return <p class="notice">{t('app.notFound')}</p>;
}

document.documentElement.lang = locale();
const root = document.getElementById('app');
if (root) render(<App />, root);
