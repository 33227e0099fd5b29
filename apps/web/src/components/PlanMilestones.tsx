import { type FormEvent, useState } from 'react';
import type * as Y from 'yjs';
import { type MessageKey, t } from '../i18n';
import { field } from '../session';
import { CollabText } from './CollabText';
import {
  ConfirmRemove,
  DraftInput,
  FieldError,
  MoveButtons,
  sendEmptying,
  useTask,
} from './PlanControls';
import {
  idOf,
  LAST_DAY,
  orNull,
  recordsOf,
  setScalars,
  stringOf,
  textOf,
  usePlanEditor,
  yText,
} from './PlanFields';

const MILESTONE_STATUSES = ['not_started', 'in_progress', 'completed'] as const;
const TITLE_MAX = 300;

/**
 * An action's milestones: each with its title (co-edited live), due date and status (saved live
 * into the plan), moved up or down and removed through REST; a form adds one (title, due date).
 */
export function PlanMilestones({ action, n }: { action: Y.Map<unknown>; n: number }) {
  const { readOnly } = usePlanEditor();
  const milestones = recordsOf(action, 'milestones');
  const headingId = `action-${idOf(action)}-milestones`;
  return (
    <section className="plan-sub-records" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('plan.milestones', { count: milestones.length })}</h3>
      {milestones.length === 0 && <p className="muted">{t('plan.noMilestones')}</p>}
      <ol className="plan-records">
        {milestones.map((milestone, index) => (
          <Milestone
            key={idOf(milestone)}
            action={action}
            milestone={milestone}
            n={n}
            index={index}
            count={milestones.length}
          />
        ))}
      </ol>
      {!readOnly && <NewMilestone action={action} n={n} />}
    </section>
  );
}

/** One milestone: its fields, and (for editors) move and remove. */
function Milestone(props: {
  action: Y.Map<unknown>;
  milestone: Y.Map<unknown>;
  n: number;
  index: number;
  count: number;
}) {
  const { action, milestone, n, index, count } = props;
  const { client, planId, session, readOnly } = usePlanEditor();
  const m = index + 1;
  const actionId = idOf(action);
  const milestoneId = idOf(milestone);
  const base = `milestone-${actionId}-${milestoneId}`;
  const title = yText(milestone, 'title');
  const status = stringOf(milestone, 'status') ?? 'not_started';
  return (
    <li className="plan-record">
      <fieldset>
        <legend>{t('plan.milestoneLegend', { m })}</legend>
        <div className="plan-record-fields">
          {title && (
            <div className="plan-wide">
              <CollabText
                text={title}
                awareness={session.awareness}
                label={t('plan.milestoneTitle', { n, m })}
                readOnly={readOnly}
              />
            </div>
          )}
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
              value={status}
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
        </div>
        {!readOnly && (
          <div className="actions">
            <MoveButtons
              index={index}
              count={count}
              upLabel={t('plan.moveMilestoneUp', { n, m })}
              downLabel={t('plan.moveMilestoneDown', { n, m })}
              onMove={(to) => client.plans.moveMilestone(planId, actionId, milestoneId, to)}
            />
            <ConfirmRemove
              label={t('plan.removeMilestone', { n, m })}
              question={t('plan.confirmRemoveMilestone', {
                n,
                m,
                title: textOf(milestone, 'title'),
              })}
              confirm={t('plan.yesRemoveMilestone', { n, m })}
              onRemove={() => client.plans.removeMilestone(planId, actionId, milestoneId)}
            />
          </div>
        )}
      </fieldset>
    </li>
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
    const due = field(data, 'due');
    setMissing(title === '');
    setError(null);
    if (title === '') return;
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
