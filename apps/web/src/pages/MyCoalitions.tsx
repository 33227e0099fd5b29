import type { Coalition, MyInvitation, Page } from '@accord/client';
import { useEffect, useState } from 'react';
import { Layout, Notice } from '../components/Layout';
import { formatDate, type MessageKey, t } from '../i18n';
import { Link, useLocation } from '../router';
import { errorMessage, useSession } from '../session';

const PAGE_SIZE = 20;

/**
 * The coalitions the person belongs to (20 a page, with their role in each), and invitations
 * waiting for them (accepted through the link they were sent).
 */
export function MyCoalitionsPage() {
  const { client } = useSession();
  const { query } = useLocation();
  const page = Math.max(1, Number(query.get('page') ?? '1') || 1);
  const [result, setResult] = useState<Page<Coalition> | null>(null);
  const [invitations, setInvitations] = useState<MyInvitation[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setError(null);
    client.coalitions
      .list({ mine: true, page, limit: PAGE_SIZE })
      .then(setResult)
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [client, page]);

  useEffect(() => {
    client.invitations
      .mine()
      .then(setInvitations)
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [client]);

  const pages = result ? Math.max(1, Math.ceil(result.total / result.limit)) : 1;
  return (
    <Layout title={t('mine.title')}>
      {error && <Notice kind="error">{error}</Notice>}
      {!result && !error && <p role="status">{t('common.loading')}</p>}
      {result && result.total === 0 && (
        <p>
          {t('mine.none')} <Link to="/recommendations">{t('mine.find')}</Link>
        </p>
      )}
      {result && result.items.length > 0 && (
        <ul className="coalition-list">
          {result.items.map((c) => (
            <li key={c.id} className="card">
              <h2>
                <Link to={`/coalitions/${c.id}`}>{c.name}</Link>
              </h2>
              <p>{c.purpose}</p>
              <p className="muted">
                {t('mine.summary', {
                  role: c.myRole ? t(`role.${c.myRole}` as MessageKey) : '—',
                  members: c.memberCount,
                  organisations: c.stakeholderMix.organisations,
                  visibility: t(c.visibility === 'public' ? 'mine.public' : 'mine.private'),
                })}
              </p>
              <p>
                <Link to={`/coalitions/${c.id}/room`}>{t('mine.openRoom', { name: c.name })}</Link>
              </p>
            </li>
          ))}
        </ul>
      )}
      {pages > 1 && (
        <nav className="pager" aria-label={t('catalogue.page', { page, pages })}>
          {page > 1 && <Link to={`/coalitions?page=${page - 1}`}>{t('catalogue.previous')}</Link>}
          <span>{t('catalogue.page', { page, pages })}</span>
          {page < pages && <Link to={`/coalitions?page=${page + 1}`}>{t('catalogue.next')}</Link>}
        </nav>
      )}
      {invitations.length > 0 && (
        <section aria-labelledby="invited">
          <h2 id="invited">{t('mine.invitations', { count: invitations.length })}</h2>
          <p className="muted">{t('mine.invitationsHint')}</p>
          <ul>
            {invitations.map((i) => (
              <li key={i.id}>
                {t('mine.invitation', {
                  name: i.coalitionName,
                  role: t(`role.${i.role}` as MessageKey),
                  date: formatDate(i.expiresAt),
                })}
              </li>
            ))}
          </ul>
        </section>
      )}
    </Layout>
  );
}
