import {
  type ActionPlan,
  type ExportFormat,
  type PlanSession,
  type PlanStatus,
  type PlanVersion,
} from '@accord/client';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type * as Y from 'yjs';
import { CollabText } from '../components/CollabText';
import { Layout, Notice } from '../components/Layout';
import { formatDateTime, type MessageKey, t } from '../i18n';
import { Link } from '../router';
import { errorMessage, field, useSession } from '../session';

const ACTION_STATUSES = ['not_started', 'limited', 'substantial', 'completed'] as const;
const NEXT_STATUS: Record<PlanStatus, PlanStatus[]> = {
  draft: ['in_review'],
  in_review: ['endorsed', 'draft'],
  endorsed: ['published', 'draft'],
  published: ['draft'],
};
/** The plan's own texts: Yjs key, label, whether it takes several lines. */
const PLAN_TEXTS: [string, MessageKey, boolean][] = [
  ['title', 'plan.title', false],
  ['problem', 'plan.problem', true],
  ['baseline', 'plan.baseline', true],
  ['objective', 'plan.objective', true],
];
const EXPORTS: ExportFormat[] = ['pdf', 'docx', 'xlsx', 'csv', 'md', 'ics', 'json'];
const COLORS = ['#1f4f8f', '#a4161a', '#1d6b34', '#7a3e9d', '#b35c00', '#00677f'];

/**
 * The action plan editor: every text co-edited live through the plan's Yjs document (with the
 * others' cursors), actions added, reordered and removed, versions, the workflow and exports.
 */
export function PlanPage({ id }: { id: string }) {
  const { client, live: connect, me } = useSession();
  const [session, setSession] = useState<PlanSession | null>(null);
  const [summary, setSummary] = useState<ActionPlan | null>(null);
  const [versions, setVersions] = useState<PlanVersion[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [, setRevision] = useState(0);

  const refresh = useCallback(async () => {
    const [plan, list] = await Promise.all([client.plans.get(id), client.plans.versions(id)]);
    setSummary(plan);
    setVersions(list.items);
  }, [client, id]);

  useEffect(() => {
    void refresh().catch((e: unknown) => setError(errorMessage(e)));
    const live = connect();
    const plan = live.plan(id, { onError: (e) => setError(e.message) });
    plan.awareness.setLocalStateField('user', {
      name: me?.displayName ?? '',
      color: COLORS[(me?.id.charCodeAt(me.id.length - 1) ?? 0) % COLORS.length],
    });
    const rerender = () => setRevision((n) => n + 1);
    plan.doc.on('update', rerender);
    plan
      .open()
      .then(() => setSession(plan))
      .catch((e: unknown) => setError(errorMessage(e)));
    return () => {
      plan.doc.off('update', rerender);
      void plan.close().finally(() => live.close());
    };
  }, [client, connect, id, me?.id, me?.displayName]);

  async function run(task: () => Promise<unknown>, done?: string) {
    setError(null);
    try {
      await task();
      await refresh();
      if (done) setNotice(done);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function download(format: ExportFormat) {
    await run(
      async () => {
        const file = await client.plans.export(id, format);
        const url = URL.createObjectURL(
          new Blob([file.bytes as BlobPart], { type: file.contentType }),
        );
        const a = document.createElement('a');
        a.href = url;
        a.download = file.fileName;
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      },
      t('plan.downloaded', { format: format.toUpperCase() }),
    );
  }

  const plan = session?.plan;
  const readOnly = !session || session.readOnly;
  const actions = (plan?.get('actions') as Y.Array<Y.Map<unknown>> | undefined)?.toArray() ?? [];
  const title = (plan?.get('title') as Y.Text | undefined)?.toJSON() ?? summary?.title ?? '';

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
      {notice && <Notice kind="info">{notice}</Notice>}
      {!session && !error && <p role="status">{t('common.loading')}</p>}
      {session && plan && (
        <div className="plan">
          <section aria-labelledby="fields" className="card">
            <h2 id="fields">{t('plan.commitment')}</h2>
            {PLAN_TEXTS.map(([key, label, multiline]) => (
              <CollabText
                key={key}
                text={plan.get(key) as Y.Text}
                awareness={session.awareness}
                label={t(label)}
                multiline={multiline}
                readOnly={readOnly}
              />
            ))}
          </section>
          <section aria-labelledby="actions" className="card">
            <h2 id="actions">{t('plan.actions', { count: actions.length })}</h2>
            <ol className="actions-list">
              {actions.map((action, index) => {
                const actionId = action.get('id') as string;
                const status = action.get('status') as string;
                return (
                  <li key={actionId} className="action">
                    <CollabText
                      text={action.get('title') as Y.Text}
                      awareness={session.awareness}
                      label={t('plan.actionTitle', { n: index + 1 })}
                      readOnly={readOnly}
                    />
                    <CollabText
                      text={action.get('description') as Y.Text}
                      awareness={session.awareness}
                      label={t('plan.actionDescription', { n: index + 1 })}
                      multiline
                      readOnly={readOnly}
                    />
                    <p className="field inline">
                      <label htmlFor={`status-${actionId}`}>
                        {t('plan.actionStatus', { n: index + 1 })}
                      </label>
                      <select
                        id={`status-${actionId}`}
                        value={status}
                        disabled={readOnly}
                        onChange={(e) =>
                          plan.doc?.transact(() => action.set('status', e.target.value))
                        }
                      >
                        {ACTION_STATUSES.map((s) => (
                          <option key={s} value={s}>
                            {t(`actionStatus.${s}` as MessageKey)}
                          </option>
                        ))}
                      </select>
                    </p>
                    {!readOnly && (
                      <div className="actions">
                        <button
                          type="button"
                          disabled={index === 0}
                          onClick={() =>
                            void run(() => client.plans.moveAction(id, actionId, index - 1))
                          }
                        >
                          {t('plan.moveUp', { n: index + 1 })}
                        </button>
                        <button
                          type="button"
                          disabled={index === actions.length - 1}
                          onClick={() =>
                            void run(() => client.plans.moveAction(id, actionId, index + 1))
                          }
                        >
                          {t('plan.moveDown', { n: index + 1 })}
                        </button>
                        <button
                          type="button"
                          onClick={() => void run(() => client.plans.removeAction(id, actionId))}
                        >
                          {t('plan.remove', { n: index + 1 })}
                        </button>
                      </div>
                    )}
                  </li>
                );
              })}
            </ol>
            {!readOnly && (
              <form
                className="inline-form"
                onSubmit={(e: FormEvent<HTMLFormElement>) => {
                  e.preventDefault();
                  const form = e.currentTarget;
                  const actionTitle = field(new FormData(form), 'actionTitle').trim();
                  if (actionTitle)
                    void run(() => client.plans.addAction(id, { title: actionTitle })).then(() =>
                      form.reset(),
                    );
                }}
              >
                <p className="field">
                  <label htmlFor="actionTitle">{t('plan.newAction')}</label>
                  <input id="actionTitle" name="actionTitle" maxLength={300} />
                </p>
                <button type="submit">{t('plan.addAction')}</button>
              </form>
            )}
          </section>
          <aside className="card" aria-labelledby="manage">
            <h2 id="manage">{t('plan.manage')}</h2>
            <h3>{t('plan.export')}</h3>
            <div className="actions">
              {EXPORTS.map((format) => (
                <button key={format} type="button" onClick={() => void download(format)}>
                  {t('plan.download', { format: format.toUpperCase() })}
                </button>
              ))}
            </div>
            {summary && NEXT_STATUS[summary.status].length > 0 && (
              <>
                <h3>{t('plan.workflow')}</h3>
                <div className="actions">
                  {NEXT_STATUS[summary.status].map((next) => (
                    <button
                      key={next}
                      type="button"
                      onClick={() => void run(() => client.plans.setStatus(id, next))}
                    >
                      {t('plan.moveTo', { status: t(`planStatus.${next}` as MessageKey) })}
                    </button>
                  ))}
                </div>
              </>
            )}
            <h3>{t('plan.versions')}</h3>
            <form
              className="inline-form"
              onSubmit={(e: FormEvent<HTMLFormElement>) => {
                e.preventDefault();
                const form = e.currentTarget;
                const name = field(new FormData(form), 'versionName').trim();
                if (name)
                  void run(
                    () => client.plans.createVersion(id, name),
                    t('plan.versionSaved', { name }),
                  ).then(() => form.reset());
              }}
            >
              <p className="field">
                <label htmlFor="versionName">{t('plan.versionName')}</label>
                <input id="versionName" name="versionName" maxLength={100} />
              </p>
              <button type="submit">{t('plan.saveVersion')}</button>
            </form>
            <ul>
              {versions.map((v) => (
                <li key={v.id}>
                  {t('plan.version', { number: v.number, name: v.name })}{' '}
                  <time dateTime={v.createdAt}>{formatDateTime(v.createdAt)}</time>{' '}
                  {!readOnly && (
                    <button
                      type="button"
                      onClick={() =>
                        void run(
                          () => client.plans.restore(id, v.id),
                          t('plan.restored', { name: v.name }),
                        )
                      }
                    >
                      {t('plan.restore', { name: v.name })}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </aside>
        </div>
      )}
    </Layout>
  );
}
