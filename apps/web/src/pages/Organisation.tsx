import { STAKEHOLDER_TYPES } from '@accord/client';
import { type FormEvent, useState } from 'react';
import { Layout, Notice } from '../components/Layout';
import { type MessageKey, t } from '../i18n';
import { navigate, nextPath, useLocation } from '../router';
import { errorMessage, field, useSession } from '../session';

/** Choose the organisation one acts for, or create it; then on to `?next=` if given. */
export function OrganisationPage() {
  const { client, me, organisation, chooseOrganisation, reload } = useSession();
  const next = nextPath(useLocation().query);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function choose(id: string) {
    chooseOrganisation(id);
    navigate(next ?? '/recommendations');
  }

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const created = await client.organisations.create({
        name: field(form, 'name'),
        stakeholderType: field(form, 'stakeholderType') as (typeof STAKEHOLDER_TYPES)[number],
        country: field(form, 'country').trim().toUpperCase(),
      });
      await reload();
      choose(created.id);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Layout title={t('org.title')}>
      <p>{t('org.intro')}</p>
      {me && me.organisations.length === 0 && <p>{t('org.none')}</p>}
      <ul className="choices">
        {me?.organisations.map((o) => (
          <li key={o.id}>
            <button
              type="button"
              aria-pressed={organisation?.id === o.id}
              onClick={() => choose(o.id)}
            >
              {t('org.choose', { organisation: o.name })}
            </button>{' '}
            <span className="muted">
              {t(`stakeholder.${o.stakeholderType}` as MessageKey)} · {o.country}
            </span>
          </li>
        ))}
      </ul>
      <form className="card narrow" onSubmit={(e) => void create(e)} noValidate>
        <h2>{t('org.create')}</h2>
        {error && <Notice kind="error">{error}</Notice>}
        <p className="field">
          <label htmlFor="org-name">{t('org.name')}</label>
          <input id="org-name" name="name" required maxLength={200} />
        </p>
        <p className="field">
          <label htmlFor="org-type">{t('org.type')}</label>
          <select id="org-type" name="stakeholderType" defaultValue="ngo">
            {STAKEHOLDER_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`stakeholder.${type}` as MessageKey)}
              </option>
            ))}
          </select>
        </p>
        <p className="field">
          <label htmlFor="org-country">{t('org.country')}</label>
          <input id="org-country" name="country" required maxLength={2} autoComplete="country" />
        </p>
        <button type="submit" className="primary" disabled={busy}>
          {t('org.submit')}
        </button>
      </form>
    </Layout>
  );
}
