import { lazy, type ReactNode, Suspense, useEffect } from 'react';
import { Layout } from './components/Layout';
import { t } from './i18n';
import { AuthPage } from './pages/Auth';
import { CataloguePage } from './pages/Catalogue';
import { CoalitionPage, NewCoalitionPage } from './pages/Coalition';
import { InvitationPage } from './pages/Invitation';
import { MyCoalitionsPage } from './pages/MyCoalitions';
import { OrganisationPage } from './pages/Organisation';
import { RoomPage } from './pages/Room';
import { match, navigate, nextPath, useLocation, withNext } from './router';
import { useSession } from './session';

// The plan editor (CodeMirror, Yjs bindings) loads only when a plan is opened: a lighter first
// page on slow connections.
const PlanPage = lazy(() => import('./pages/Plan').then((m) => ({ default: m.PlanPage })));

/** Which page a path shows; signed-out people are sent to sign in, then back. */
export function App() {
  const { me, ready } = useSession();
  const { path } = useLocation();
  const search = window.location.search;
  const publicPage = path === '/sign-in' || path === '/register';

  useEffect(() => {
    if (!ready) return;
    if (!me && !publicPage) {
      const here = `${path}${search}`;
      navigate(withNext('/sign-in', path === '/' ? null : here), { replace: true });
    }
    if (me && (publicPage || path === '/')) {
      navigate(nextPath(new URLSearchParams(search)) ?? '/recommendations', { replace: true });
    }
  }, [me, ready, publicPage, path, search]);

  if (!ready) {
    return (
      <Layout title={t('common.loading')}>
        <p role="status">{t('common.loading')}</p>
      </Layout>
    );
  }
  if (path === '/register') return <AuthPage register />;
  if (path === '/sign-in' || !me) return <AuthPage register={false} />;
  return page(path);
}

function page(path: string): ReactNode {
  if (path === '/organisation') return <OrganisationPage />;
  if (path === '/recommendations') return <CataloguePage />;
  if (path === '/coalitions/new') return <NewCoalitionPage />;
  if (path === '/coalitions') return <MyCoalitionsPage />;
  const invitation = match('/invitations/:token', path);
  if (invitation) return <InvitationPage token={invitation.token} />;
  const plan = match('/plans/:id', path);
  if (plan) {
    return (
      <Suspense fallback={<Layout title={t('common.loading')}>{null}</Layout>}>
        <PlanPage id={plan.id} key={plan.id} />
      </Suspense>
    );
  }
  const room = match('/coalitions/:id/room', path);
  if (room) return <RoomPage id={room.id} key={room.id} />;
  const coalition = match('/coalitions/:id', path);
  if (coalition) return <CoalitionPage id={coalition.id} key={coalition.id} />;
  return <CataloguePage />;
}
