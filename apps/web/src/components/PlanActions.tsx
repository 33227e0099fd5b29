import { type FormEvent, useCallback, useState } from 'react';
import type * as Y from 'yjs';
import { t } from '../i18n';
import { field } from '../session';
import { PlanAction } from './PlanAction';
import { FieldError, sendEmptying, useTask } from './PlanControls';
import { idOf, recordsOf, usePlanEditor } from './PlanFields';

const TITLE_MAX = 300;

/**
 * The plan's actions, each collapsed to a line until opened (several may be open at once; an
 * action the person adds opens for them), and the form that adds one through REST.
 */
export function PlanActions({ plan }: { plan: Y.Map<unknown> }) {
  const { client, planId, readOnly } = usePlanEditor();
  const { error, busy, run } = useTask();
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [added, setAdded] = useState<string | null>(null);
  const actions = recordsOf(plan, 'actions');

  const toggle = useCallback(
    (id: string, isOpen: boolean) =>
      setOpen((current) => {
        if (current.has(id) === isOpen) return current;
        const next = new Set(current);
        if (isOpen) next.add(id);
        else next.delete(id);
        return next;
      }),
    [],
  );

  const add = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const title = field(new FormData(form), 'actionTitle').trim();
    if (!title) return;
    setAdded(null);
    void sendEmptying(form, () =>
      run(async () => {
        const action = await client.plans.addAction(planId, { title });
        toggle(action.id, true);
        setAdded(t('plan.actionAdded', { title }));
      }),
    );
  };

  return (
    <section aria-labelledby="actions" className="card">
      <h2 id="actions">{t('plan.actions', { count: actions.length })}</h2>
      <ol className="actions-list">
        {actions.map((action, index) => {
          const id = idOf(action);
          return (
            <PlanAction
              key={id}
              action={action}
              index={index}
              count={actions.length}
              open={open.has(id)}
              onToggle={toggle}
            />
          );
        })}
      </ol>
      {!readOnly && (
        <form className="inline-form" onSubmit={add}>
          <p className="field">
            <label htmlFor="actionTitle">{t('plan.newAction')}</label>
            <input id="actionTitle" name="actionTitle" maxLength={TITLE_MAX} />
          </p>
          <button type="submit" disabled={busy}>
            {t('plan.addAction')}
          </button>
          {error && <FieldError>{error}</FieldError>}
          <p role="status" className="muted plan-full">
            {added}
          </p>
        </form>
      )}
    </section>
  );
}
