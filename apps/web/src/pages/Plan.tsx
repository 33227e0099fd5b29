import type {
  ActionPlan,
  CoalitionDetail,
  PlanSession,
  PlanStatus,
  PlanVersion,
} from '@accord/client';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { CollabText } from '../components/CollabText';
import { Layout, Notice } from '../components/Layout';
import { PlanActions } from '../components/PlanActions';
import { PlanEndorsements } from '../components/PlanEndorsements';
import { type PlanEditor, PlanEditorProvider, yText } from '../components/PlanFields';
import { PlanLinks } from '../components/PlanLinks';
import { PlanManage } from '../components/PlanManage';
import { type MessageKey, t } from '../i18n';
import '../plan.css';
import { Link } from '../router';
import { errorMessage, useSession } from '../session';

/** The plan's own texts: Yjs key, label, whether it takes several lines. */
const PLAN_TEXTS: [string, MessageKey, boolean][] = [
  ['title', 'plan.title', false],
  ['problem', 'plan.problem', true],
  ['baseline', 'plan.baseline', true],
  ['objective', 'plan.objective', true],
];
const COLORS = ['#1f4f8f', '#a4161a', '#1d6b34', '#7a3e9d', '#b35c00', '#00677f'];

/**
 * The action plan editor: every field of the plan, live through the plan's Yjs document (texts
 * co-edited with the others' cursors, scalars saved as they change) or through REST where the
 * server checks the coalition (organisations, recommendations, new and moved records); the
 * recommendations and SDG targets it answers, its actions with their milestones and indicators,
 * endorsements, versions, the workflow and exports. Read-only for observers and frozen plans.
 */
export function PlanPage({ id }: { id: string }) {
  const { client, live: connect, me } = useSession();
  const [session, setSession] = useState<PlanSession | null>(null);
  const [summary, setSummary] = useState<ActionPlan | null>(null);
  const [versions, setVersions] = useState<PlanVersion[]>([]);
  const [coalition, setCoalition] = useState<CoalitionDetail | null>(null);
  const [accessChanges, setAccessChanges] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [, setRevision] = useState(0);

  const refresh = useCallback(async () => {
    const [plan, list] = await Promise.all([client.plans.get(id), client.plans.versions(id)]);
    setSummary(plan);
    setVersions(list.items);
  }, [client, id]);

  const coalitionId = summary?.coalitionId;
  useEffect(() => {
    if (!coalitionId) return;
    client.coalitions
      .get(coalitionId)
      .then(setCoalition)
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [client, coalitionId, accessChanges]);

  useEffect(() => {
    void refresh().catch((e: unknown) => setError(errorMessage(e)));
    const live = connect();
    const rerender = () => setRevision((n) => n + 1);
    const plan = live.plan(id, {
      onError: (e) => {
        setError(e.message);
        rerender();
      },
      onState: rerender,
    });
    plan.awareness.setLocalStateField('user', {
      name: me?.displayName ?? '',
      color: COLORS[(me?.id.charCodeAt(me.id.length - 1) ?? 0) % COLORS.length],
    });
    plan.doc.on('update', rerender);
    const onStatus = (event: { planId: string; status: PlanStatus; frozen: boolean }) => {
      if (event.planId !== id) return;
      void refresh().catch((e: unknown) => setError(errorMessage(e)));
    };
    const onAccess = (event: { planId: string }) => {
      if (event.planId !== id) return;
      rerender();
      setAccessChanges((n) => n + 1);
    };
    live.socket.on('plan:status', onStatus);
    live.socket.on('plan:access', onAccess);
    plan
      .open()
      .then(() => setSession(plan))
      .catch((e: unknown) => setError(errorMessage(e)));
    return () => {
      plan.doc.off('update', rerender);
      live.socket.off('plan:status', onStatus);
      live.socket.off('plan:access', onAccess);
      void plan.close().finally(() => live.close());
    };
  }, [client, connect, id, me?.id, me?.displayName, refresh]);

  const readOnly = !session || session.readOnly || session.diverged;
  const organisations = coalition?.organisations;
  const editor = useMemo<PlanEditor | null>(
    () =>
      session && organisations
        ? {
            client,
            planId: id,
            session,
            readOnly,
            organisations: organisations
              .map(({ id: organisationId, name }) => ({ id: organisationId, name }))
              .sort((a, b) => a.name.localeCompare(b.name)),
          }
        : null,
    [client, id, session, readOnly, organisations],
  );

  const plan = session?.plan;
  const title = (plan && yText(plan, 'title')?.toJSON()) || summary?.title || '';

  return (
    <Layout title={title || t('common.loading')}>
      {summary && (
        <p>
          <Link to={`/coalitions/${summary.coalitionId}`}>{t('room.back')}</Link> ·{' '}
          {t('plan.status', { status: t(`planStatus.${summary.status}` as MessageKey) })}
          {readOnly && session && <> · {t('plan.readOnly')}</>}
        </p>
      )}
      {error && <Notice kind="error">{error}</Notice>}
      {session?.closedReason && <Notice kind="error">{t('plan.closedForYou')}</Notice>}
      {session?.diverged && !session.closedReason && (
        <div className="notice notice-error plan-diverged" role="alert">
          <p>{t('plan.diverged')}</p>
          <button type="button" onClick={() => window.location.reload()}>
            {t('plan.reload')}
          </button>
        </div>
      )}
      {!editor && !error && <p role="status">{t('common.loading')}</p>}
      {editor && plan && summary && coalition && (
        <PlanEditorProvider value={editor}>
          <div className="plan">
            <section aria-labelledby="fields" className="card">
              <h2 id="fields">{t('plan.commitment')}</h2>
              {PLAN_TEXTS.map(([key, label, multiline]) => {
                const text = yText(plan, key);
                return (
                  text && (
                    <CollabText
                      key={key}
                      text={text}
                      awareness={editor.session.awareness}
                      label={t(label)}
                      multiline={multiline}
                      readOnly={readOnly}
                    />
                  )
                );
              })}
            </section>
            <PlanLinks plan={plan} recommendations={coalition.recommendations} />
            <PlanActions plan={plan} />
            <PlanEndorsements status={summary.status} role={coalition.myRole} />
            <PlanManage
              summary={summary}
              versions={versions}
              role={coalition.myRole}
              onChanged={refresh}
            />
          </div>
        </PlanEditorProvider>
      )}
    </Layout>
  );
}
