import { type ReactNode, useEffect, useRef } from 'react';
import { t } from '../i18n';
import { Link, navigate, navigations, useLocation } from '../router';
import { useSession } from '../session';

/** The move (see navigations()) whose page heading last took the focus. */
let focusedForMove = 0;

/**
 * Page frame: skip link, header with navigation, the main landmark. After a move within the app
 * the page's heading takes the focus (so a screen reader announces the new page and Tab goes on
 * from there); a page the browser loaded keeps the focus at its start, on the skip link's side.
 */
export function Layout({ title, children }: { title: string; children: ReactNode }) {
  const { me, organisation, signOut } = useSession();
  const { path } = useLocation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title]);
  useEffect(() => {
    const move = navigations();
    if (move === 0) return;
    // Once per move; again only if the focus was lost (a loading page replaced by the page).
    const active = document.activeElement;
    const lost = !active || active === document.body || active.tagName === 'H1';
    if (move !== focusedForMove || lost) heading.current?.focus();
    focusedForMove = move;
  }, [path]);
  return (
    <>
      <a className="skip-link" href="#page-title">
        {t('nav.skip')}
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          {t('app.name')}
        </Link>
        {me && (
          <nav aria-label={t('nav.main')}>
            <ul>
              <li>
                <Link to="/recommendations">{t('nav.catalogue')}</Link>
              </li>
              <li>
                <Link to="/coalitions">{t('nav.coalitions')}</Link>
              </li>
            </ul>
          </nav>
        )}
        {me && (
          <div className="account">
            {organisation && (
              <Link to="/organisation" className="acting-for">
                {t('nav.actingFor', { organisation: organisation.name })}
              </Link>
            )}
            <span className="who">{me.displayName}</span>
            <button
              type="button"
              onClick={() => {
                void signOut().then(() => navigate('/sign-in'));
              }}
            >
              {t('nav.signOut')}
            </button>
          </div>
        )}
      </header>
      <main id="main">
        <h1 ref={heading} id="page-title" tabIndex={-1}>
          {title}
        </h1>
        {children}
      </main>
    </>
  );
}

/** An error or status message, read out by screen readers when it appears. */
export function Notice({ kind, children }: { kind: 'error' | 'info'; children: ReactNode }) {
  return (
    <p className={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}
