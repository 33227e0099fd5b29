import { type FormEvent, useState } from 'react';
import type * as Y from 'yjs';
import { type MessageKey, t } from '../i18n';
import { field } from '../session';
import { DraftInput, FieldError, sendEmptying, useTask } from './PlanControls';
import {
  dateEntry,
  idOf,
  LAST_DAY,
  orNull,
  setScalars,
  stringOf,
  usePlanEditor,
} from './PlanFields';
import { PlanSubRecords, type SubRecordKind } from './PlanSubRecords';

const MILESTONE_STATUSES = ['not_started', 'in_progress', 'completed'] as const;
const TITLE_MAX = 300;

const MILESTONES: SubRecordKind = {
  list: 'milestones',
  text: 'title',
  heading: (count) => t('plan.milestones', { count }),
  empty: t('plan.noMilestones'),
  legend: (m) => t('plan.milestoneLegend', { m }),
  textLabel: (n, m) => t('plan.milestoneTitle', { n, m }),
  moveUp: (n, m) => t('plan.moveMilestoneUp', { n, m }),
  moveDown: (n, m) => t('plan.moveMilestoneDown', { n, m }),
  remove: (n, m) => t('plan.removeMilestone', { n, m }),
  confirm: (n, m, title) => t('plan.confirmRemoveMilestone', { n, m, title }),
  yes: (n, m) => t('plan.yesRemoveMilestone', { n, m }),
  move: (client, { planId, actionId, recordId }, to) =>
    client.plans.moveMilestone(planId, actionId, recordId, to),
  removeCall: (client, { planId, actionId, recordId }) =>
    client.plans.removeMilestone(planId, actionId, recordId),
};

/**
 * An action's milestones: each with its title (co-edited live), due date and status (saved live
 * into the plan), moved up or down and removed through REST; a form adds one (title, due date).
 */
export function PlanMilestones({ action, n }: { action: Y.Map<unknown>; n: number }) {
  const { readOnly } = usePlanEditor();
  return (
    <PlanSubRecords
      action={action}
      n={n}
      kind={MILESTONES}
      form={<NewMilestone action={action} n={n} />}
      fields={(milestone, base, m) => (
        <>
          <DraftInput
            id={`${base}-due`}
            type="date"
            label={t('plan.milestoneDue', { n, m })}
            value={stringOf(milestone, 'due') ?? ''}
            onSave={(value) => setScalars(milestone, { due: orNull(value) })}
          />
          <p className="field">
            <label htmlFor={`${base}-status`}>{t('plan.milestoneStatus', { n, m })}</label>
            <select
              id={`${base}-status`}
              value={stringOf(milestone, 'status') ?? 'not_started'}
              disabled={readOnly}
              onChange={(e) => setScalars(milestone, { status: e.target.value })}
            >
              {MILESTONE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`plan.milestoneState.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          </p>
        </>
      )}
    />
  );
}

/** Adds a milestone (title, optional due date) at the end of the action's milestones. */
function NewMilestone({ action, n }: { action: Y.Map<unknown>; n: number }) {
  const { client, planId } = usePlanEditor();
  const { error, setError, busy, run } = useTask();
  const [missing, setMissing] = useState(false);
  const actionId = idOf(action);
  const base = `action-${actionId}-new-milestone`;

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const title = field(data, 'title').trim();
    const dueInput = form.elements.namedItem('due') as HTMLInputElement;
    const { value: due, incomplete } = dateEntry(dueInput);
    setMissing(title === '');
    setError(incomplete ? t('plan.newMilestoneDueIncomplete', { n }) : null);
    if (title === '' || incomplete) return;
    void sendEmptying(form, () =>
      run(() => client.plans.addMilestone(planId, actionId, due ? { title, due } : { title })),
    );
  };

  return (
    <form className="inline-form" onSubmit={submit} noValidate>
      <p className="field">
        <label htmlFor={`${base}-title`}>{t('plan.newMilestoneTitle', { n })}</label>
        <input
          id={`${base}-title`}
          name="title"
          maxLength={TITLE_MAX}
          aria-required="true"
          aria-invalid={missing || undefined}
          aria-describedby={missing ? `${base}-missing` : undefined}
        />
      </p>
      <p className="field">
        <label htmlFor={`${base}-due`}>{t('plan.newMilestoneDue', { n })}</label>
        <input id={`${base}-due`} name="due" type="date" max={LAST_DAY} />
      </p>
      <button type="submit" disabled={busy}>
        {t('plan.addMilestone', { n })}
      </button>
      {missing && (
        <FieldError id={`${base}-missing`}>{t('plan.milestoneTitleRequired', { n })}</FieldError>
      )}
      {error && <FieldError>{error}</FieldError>}
    </form>
  );
}
