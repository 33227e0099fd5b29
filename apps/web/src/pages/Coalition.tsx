import type { CoalitionDetail, PlanSummary, Recommendation } from '@accord/client';
import { STAKEHOLDER_TYPES } from '@accord/client';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { CoalitionMembers } from '../components/CoalitionMembers';
import { Layout, Notice } from '../components/Layout';
import { OrganiserTools } from '../components/OrganiserTools';
import { type MessageKey, t } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import { errorMessage, field, useSession } from '../session';

/** Start a coalition around a recommendation (`?recommendation=<id>`). */
export function NewCoalitionPage() {
  const { client, organisation } = useSession();
  const { query } = useLocation();
  const recommendationId = query.get('recommendation') ?? '';
  const [recommendation, setRecommendation] = useState<Recommendation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (recommendationId) {
      client.recommendations
        .get(recommendationId)
        .then(setRecommendation)
        .catch((e: unknown) => setError(errorMessage(e)));
    }
  }, [client, recommendationId]);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!organisation) {
      navigate('/organisation');
      return;
    }
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const created = await client.coalitions.create({
        name: field(form, 'name'),
        purpose: field(form, 'purpose'),
        visibility: form.get('visibility') === 'public' ? 'public' : 'private',
        recommendationIds: [recommendationId],
        organisationId: organisation.id,
      });
      navigate(`/coalitions/${created.id}`);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Layout title={t('coalition.new')}>
      {recommendation && (
        <blockquote className="card">
          <strong>{recommendation.code}</strong> {recommendation.text}
        </blockquote>
      )}
      <form className="card narrow" onSubmit={(e) => void create(e)} noValidate>
        {error && <Notice kind="error">{error}</Notice>}
        <p className="field">
          <label htmlFor="name">{t('coalition.name')}</label>
          <input id="name" name="name" required maxLength={200} />
        </p>
        <p className="field">
          <label htmlFor="purpose">{t('coalition.purpose')}</label>
          <textarea id="purpose" name="purpose" rows={4} required maxLength={2000} />
        </p>
        <fieldset>
          <legend>{t('coalition.visibility')}</legend>
          <p>
            <input type="radio" id="vis-private" name="visibility" value="private" defaultChecked />{' '}
            <label htmlFor="vis-private">{t('coalition.private')}</label>
          </p>
          <p>
            <input type="radio" id="vis-public" name="visibility" value="public" />{' '}
            <label htmlFor="vis-public">{t('coalition.public')}</label>
          </p>
        </fieldset>
        <button type="submit" className="primary" disabled={busy}>
          {t('coalition.create')}
        </button>
      </form>
    </Layout>
  );
}

/**
 * A coalition: purpose, the caller's role, plans, the live room, recommendations, the
 * stakeholder mix, member organisations and people (roles managed by moderators and organisers),
 * and the organisers' invitations and join requests.
 */
export function CoalitionPage({ id }: { id: string }) {
  const { client, organisation } = useSession();
  const [asked, setAsked] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [coalition, setCoalition] = useState<CoalitionDetail | null>(null);
  const [plans, setPlans] = useState<PlanSummary[]>([]);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const found = await client.coalitions.get(id);
    setCoalition(found);
    if (found.myRole) setPlans((await client.plans.list(id)).items);
  }, [client, id]);

  useEffect(() => {
    load().catch((e: unknown) => setError(errorMessage(e)));
  }, [load]);

  async function askToJoin() {
    if (!organisation) return;
    try {
      await client.coalitions.requestToJoin(id, organisation.id);
      setAsked(true);
    } catch (e) {
      setActionError(errorMessage(e));
    }
  }

  async function createPlan(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const title = field(new FormData(event.currentTarget), 'planTitle').trim();
    if (!title) return;
    try {
      const created = await client.plans.create(id, title);
      navigate(`/plans/${created.id}`);
    } catch (e) {
      setActionError(errorMessage(e));
    }
  }

  if (error) {
    return (
      <Layout title={t('coalition.notFound')}>
        <Notice kind="error">{error}</Notice>
      </Layout>
    );
  }
  if (!coalition) {
    return (
      <Layout title={t('common.loading')}>
        <p role="status">{t('common.loading')}</p>
      </Layout>
    );
  }
  const mix = coalition.stakeholderMix;
  const largest = Math.max(1, ...Object.values(mix.counts));
  return (
    <Layout title={coalition.name}>
      <p className="lead">{coalition.purpose}</p>
      {actionError && <Notice kind="error">{actionError}</Notice>}
      {coalition.myRole && (
        <>
          <p className="muted">
            {t('coalition.role', { role: t(`role.${coalition.myRole}` as MessageKey) })}
          </p>
          <p>
            <Link to={`/coalitions/${coalition.id}/room`} className="button primary">
              {t('coalition.openRoom')}
            </Link>
          </p>
        </>
      )}
      {!coalition.myRole && coalition.visibility === 'public' && organisation && (
        <p>
          {asked ? (
            <Notice kind="info">{t('coalition.asked')}</Notice>
          ) : (
            <button type="button" className="primary" onClick={() => void askToJoin()}>
              {t('coalition.askToJoin', { organisation: organisation.name })}
            </button>
          )}
        </p>
      )}
      <OrganiserTools coalition={coalition} />
      {coalition.myRole && (
        <section aria-labelledby="plans">
          <h2 id="plans">{t('coalition.plans')}</h2>
          {plans.length === 0 && <p>{t('coalition.noPlans')}</p>}
          <ul>
            {plans.map((p) => (
              <li key={p.id}>
                <Link to={`/plans/${p.id}`}>{p.title}</Link>
              </li>
            ))}
          </ul>
          {coalition.myRole !== 'observer' && (
            <form className="inline-form" onSubmit={(e) => void createPlan(e)}>
              <p className="field">
                <label htmlFor="planTitle">{t('coalition.newPlan')}</label>
                <input id="planTitle" name="planTitle" maxLength={300} required />
              </p>
              <button type="submit">{t('coalition.createPlan')}</button>
            </form>
          )}
        </section>
      )}
      <section aria-labelledby="recs">
        <h2 id="recs">{t('coalition.recommendations')}</h2>
        <ul>
          {coalition.recommendations.map((r) => (
            <li key={r.id}>
              <strong>{r.code}</strong> {r.theme}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="mix">
        <h2 id="mix">{t('coalition.mix')}</h2>
        {mix.multiStakeholder && <p>{t('coalition.multi', { types: mix.types })}</p>}
        <table className="mix">
          <caption className="visually-hidden">{t('coalition.mix')}</caption>
          <tbody>
            {STAKEHOLDER_TYPES.map((type) => (
              <tr key={type}>
                <th scope="row">{t(`stakeholder.${type}` as MessageKey)}</th>
                <td>
                  <span
                    className="bar"
                    style={{ inlineSize: `calc(${mix.counts[type] / largest} * (100% - 3rem))` }}
                  />
                  <span className="count">{mix.counts[type]}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <CoalitionMembers coalition={coalition} onChange={load} />
      <section aria-labelledby="orgs">
        <h2 id="orgs">{t('coalition.members')}</h2>
        <ul>
          {coalition.organisations.map((o) => (
            <li key={o.id}>
              {o.name}{' '}
              <span className="muted">
                ({t(`stakeholder.${o.stakeholderType}` as MessageKey)}, {o.country})
              </span>
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}
