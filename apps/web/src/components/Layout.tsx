import { type ReactNode, useEffect, useRef } from 'react';
import { t } from '../i18n';
import { Link, navigate } from '../router';
import { useSession } from '../session';

/** Page frame: skip link, header with navigation, the main landmark (focused on each page). */
export function Layout({ title, children }: { title: string; children: ReactNode }) {
  const { me, organisation, signOut } = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
    heading.current?.focus();
  }, [title]);
  return (
    <>
      <a className="skip-link" href="#main">
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
        <h1 ref={heading} tabIndex={-1}>
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
