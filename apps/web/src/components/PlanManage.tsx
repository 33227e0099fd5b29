import type {
  ActionPlan,
  CoalitionRole,
  ExportFormat,
  PlanStatus,
  PlanVersion,
} from '@accord/client';
import { type FormEvent, useState } from 'react';
import { formatDateTime, type MessageKey, t } from '../i18n';
import { field } from '../session';
import { Notice } from './Layout';
import { ConfirmRemove, sendEmptying, useTask } from './PlanControls';
import { usePlanEditor } from './PlanFields';

const EXPORTS: ExportFormat[] = ['pdf', 'docx', 'xlsx', 'csv', 'md', 'ics', 'json'];
const NEXT_STATUS: Record<PlanStatus, PlanStatus[]> = {
  draft: ['in_review'],
  in_review: ['endorsed', 'draft'],
  endorsed: ['published', 'draft'],
  published: ['draft'],
};
const EDITOR_ROLES: CoalitionRole[] = ['member', 'moderator', 'organiser'];

/**
 * Downloads of the plan (everyone), its workflow (organisers), named versions (editors name
 * them, also on a frozen plan; restoring is an edit). `onChanged` reads the plan again.
 */
export function PlanManage(props: {
  summary: ActionPlan;
  versions: PlanVersion[];
  role: CoalitionRole | null;
  onChanged: () => Promise<void>;
}) {
  const { summary, versions, role, onChanged } = props;
  const { client, planId, readOnly } = usePlanEditor();
  const { error, run } = useTask();
  const [notice, setNotice] = useState<string | null>(null);

  const act = (task: () => Promise<unknown>, done?: string) => {
    setNotice(null);
    return run(async () => {
      await task();
      await onChanged();
      if (done) setNotice(done);
    });
  };

  const download = (format: ExportFormat) =>
    void act(
      async () => {
        const file = await client.plans.export(planId, format);
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

  const saveVersion = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const name = field(new FormData(form), 'versionName').trim();
    if (name) {
      void sendEmptying(form, () =>
        act(() => client.plans.createVersion(planId, name), t('plan.versionSaved', { name })),
      );
    }
  };

  return (
    <aside className="card" aria-labelledby="manage">
      <h2 id="manage">{t('plan.manage')}</h2>
      {error && <Notice kind="error">{error}</Notice>}
      {notice && <Notice kind="info">{notice}</Notice>}
      <h3>{t('plan.export')}</h3>
      <div className="actions">
        {EXPORTS.map((format) => (
          <button key={format} type="button" onClick={() => download(format)}>
            {t('plan.download', { format: format.toUpperCase() })}
          </button>
        ))}
      </div>
      {role === 'organiser' && (
        <>
          <h3>{t('plan.workflow')}</h3>
          <div className="actions">
            {NEXT_STATUS[summary.status].map((next) => (
              <button
                key={next}
                type="button"
                onClick={() => void act(() => client.plans.setStatus(planId, next))}
              >
                {t('plan.moveTo', { status: t(`planStatus.${next}` as MessageKey) })}
              </button>
            ))}
          </div>
        </>
      )}
      <h3>{t('plan.versions')}</h3>
      {role !== null && EDITOR_ROLES.includes(role) && (
        <form className="inline-form" onSubmit={saveVersion}>
          <p className="field">
            <label htmlFor="versionName">{t('plan.versionName')}</label>
            <input id="versionName" name="versionName" maxLength={100} />
          </p>
          <button type="submit">{t('plan.saveVersion')}</button>
        </form>
      )}
      <ul>
        {versions.map((v) => (
          <li key={v.id}>
            {t('plan.version', { number: v.number, name: v.name })}{' '}
            <time dateTime={v.createdAt}>{formatDateTime(v.createdAt)}</time>{' '}
            {!readOnly && (
              <ConfirmRemove
                label={t('plan.restore', { name: v.name })}
                question={t('plan.confirmRestore', { name: v.name })}
                confirm={t('plan.yesRestore', { name: v.name })}
                onRemove={() =>
                  act(
                    async () => {
                      // What everyone has now stays within reach: a version of it first.
                      const before = t('plan.beforeRestore', { name: v.name }).slice(0, 100);
                      await client.plans.createVersion(planId, before);
                      await client.plans.restore(planId, v.id);
                    },
                    t('plan.restored', { name: v.name }),
                  )
                }
              />
            )}
          </li>
        ))}
      </ul>
    </aside>
  );
}
