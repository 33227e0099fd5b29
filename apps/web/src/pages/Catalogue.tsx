import type { Page, Recommendation, RecommendationDetail } from '@accord/client';
import { type FormEvent, useEffect, useState } from 'react';
import { Layout, Notice } from '../components/Layout';
import { t } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import { errorMessage, field, useSession } from '../session';

const PAGE_SIZE = 20;

/** The recommendation catalogue: search, filter by theme and SDG target, coalitions on each. */
export function CataloguePage() {
  const { client } = useSession();
  const { query } = useLocation();
  const q = query.get('q') ?? '';
  const theme = query.get('theme') ?? '';
  const sdg = query.get('sdg') ?? '';
  const page = Number(query.get('page') ?? '1') || 1;
  const [result, setResult] = useState<Page<Recommendation> | null>(null);
  const [themes, setThemes] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    client.recommendations
      .list({ limit: 100 })
      .then((all) => setThemes([...new Set(all.items.map((r) => r.theme))].sort()))
      .catch(() => setThemes([]));
  }, [client]);

  useEffect(() => {
    setError(null);
    client.recommendations
      .list({
        q: q || undefined,
        theme: theme || undefined,
        sdg: sdg || undefined,
        page,
        limit: PAGE_SIZE,
      })
      .then(setResult)
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [client, q, theme, sdg, page]);

  function search(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const key of ['q', 'theme', 'sdg']) {
      const value = field(form, key).trim();
      if (value) next.set(key, value);
    }
    navigate(`/recommendations${next.size ? `?${next}` : ''}`);
  }

  const pages = result ? Math.max(1, Math.ceil(result.total / result.limit)) : 1;
  const pageLink = (n: number) => {
    const next = new URLSearchParams(query);
    next.set('page', String(n));
    return `/recommendations?${next}`;
  };

  return (
    <Layout title={t('catalogue.title')}>
      <form className="filters" role="search" onSubmit={search}>
        <p className="field">
          <label htmlFor="q">{t('catalogue.search')}</label>
          <input id="q" name="q" type="search" defaultValue={q} key={`q-${q}`} />
        </p>
        <p className="field">
          <label htmlFor="theme">{t('catalogue.theme')}</label>
          <select
            id="theme"
            name="theme"
            defaultValue={theme}
            key={`theme-${theme}-${themes.length}`}
          >
            <option value="">{t('catalogue.anyTheme')}</option>
            {themes.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </p>
        <p className="field">
          <label htmlFor="sdg">{t('catalogue.sdg')}</label>
          <input
            id="sdg"
            name="sdg"
            placeholder={t('catalogue.sdgPlaceholder')}
            defaultValue={sdg}
            key={`sdg-${sdg}`}
          />
        </p>
        <button type="submit" className="primary">
          {t('catalogue.apply')}
        </button>
      </form>
      {error && <Notice kind="error">{t('common.error', { message: error })}</Notice>}
      {!result && !error && <p role="status">{t('common.loading')}</p>}
      {result && (
        <>
          <p role="status">{t('catalogue.count', { count: result.total })}</p>
          {result.items.length === 0 && <p>{t('catalogue.none')}</p>}
          <ul className="recommendations">
            {result.items.map((r) => (
              <RecommendationItem key={r.id} recommendation={r} />
            ))}
          </ul>
          {pages > 1 && (
            <nav className="pager" aria-label={t('catalogue.page', { page, pages })}>
              {page > 1 && <Link to={pageLink(page - 1)}>{t('catalogue.previous')}</Link>}
              <span>{t('catalogue.page', { page, pages })}</span>
              {page < pages && <Link to={pageLink(page + 1)}>{t('catalogue.next')}</Link>}
            </nav>
          )}
        </>
      )}
    </Layout>
  );
}

function RecommendationItem({ recommendation: r }: { recommendation: Recommendation }) {
  const { client } = useSession();
  const [detail, setDetail] = useState<RecommendationDetail | null>(null);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const panel = `coalitions-${r.id}`;

  async function toggle() {
    setError(null);
    try {
      if (!open && !detail) setDetail(await client.recommendations.get(r.id));
      setOpen(!open);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <li className="card recommendation">
      <h2>
        <span className="code">{r.code}</span> <span className="theme">{r.theme}</span>
      </h2>
      <p>{r.text}</p>
      <p className="muted">
        {t('catalogue.source', { document: r.source.document, paragraph: r.source.paragraph })}
        {r.sdgTargets.length > 0 && (
          <> · {t('catalogue.sdgTargets', { targets: r.sdgTargets.join(', ') })}</>
        )}
      </p>
      <div className="actions">
        <button
          type="button"
          aria-expanded={open}
          aria-controls={panel}
          onClick={() => void toggle()}
        >
          {t('catalogue.showCoalitions', { code: r.code })}
        </button>
        <Link to={`/coalitions/new?recommendation=${encodeURIComponent(r.id)}`} className="button">
          {t('catalogue.startCoalition', { code: r.code })}
        </Link>
      </div>
      {error && <Notice kind="error">{error}</Notice>}
      <div id={panel} hidden={!open}>
        {detail && (
          <>
            <h3>{t('catalogue.coalitions')}</h3>
            {detail.coalitions.length === 0 ? (
              <p>{t('catalogue.noCoalitions')}</p>
            ) : (
              <ul>
                {detail.coalitions.map((c) => (
                  <li key={c.id}>
                    <Link to={`/coalitions/${c.id}`}>{c.name}</Link>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
    </li>
  );
}
