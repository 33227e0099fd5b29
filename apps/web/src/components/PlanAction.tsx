import { memo } from 'react';
import type * as Y from 'yjs';
import { type MessageKey, t } from '../i18n';
import { ActionDates } from './ActionDates';
import { ActionOrganisations } from './ActionOrganisations';
import { CollabText } from './CollabText';
import { ConfirmRemove, DraftInput, MoveButtons } from './PlanControls';
import {
  idOf,
  orNull,
  setScalars,
  stringOf,
  textOf,
  usePlanEditor,
  useYjsChanges,
  yText,
} from './PlanFields';
import { PlanIndicators } from './PlanIndicators';
import { PlanMilestones } from './PlanMilestones';

const ACTION_STATUSES = ['not_started', 'limited', 'substantial', 'completed'] as const;
const BUDGET_MAX = 200;

/**
 * One action of the plan, collapsed to its number, title and status (a <details>, so a plan of
 * hundreds of actions stays short and each opens with the keyboard). Open, it shows every field:
 * title and description (co-edited live), status, dates and budget (saved live into the plan),
 * lead and supporting organisations, milestones and indicators; editors move and remove it.
 * Its fields are only built while it is open, and it renders again only when it changes.
 */
export const PlanAction = memo(function PlanAction(props: {
  action: Y.Map<unknown>;
  index: number;
  count: number;
  open: boolean;
  onToggle: (actionId: string, open: boolean) => void;
}) {
  const { action, index, count, open, onToggle } = props;
  useYjsChanges(action);
  const n = index + 1;
  const status = stringOf(action, 'status') ?? 'not_started';
  return (
    <li className="action">
      <details open={open} onToggle={(e) => onToggle(idOf(action), e.currentTarget.open)}>
        <summary>
          <span className="plan-action-title">
            {t('plan.actionSummary', { n, title: textOf(action, 'title') || t('plan.untitled') })}
          </span>{' '}
          <span className={`plan-action-status plan-status-${status}`}>
            {t('plan.actionSummaryStatus', { status: t(`actionStatus.${status}` as MessageKey) })}
          </span>
        </summary>
        {open && <ActionDetails action={action} index={index} count={count} />}
      </details>
    </li>
  );
});

/** The fields of an open action. */
function ActionDetails({
  action,
  index,
  count,
}: {
  action: Y.Map<unknown>;
  index: number;
  count: number;
}) {
  const { client, planId, session, readOnly } = usePlanEditor();
  const n = index + 1;
  const actionId = idOf(action);
  const base = `action-${actionId}`;
  const title = yText(action, 'title');
  const description = yText(action, 'description');
  return (
    <div className="plan-action-details">
      {title && (
        <CollabText
          text={title}
          awareness={session.awareness}
          label={t('plan.actionTitle', { n })}
          readOnly={readOnly}
        />
      )}
      {description && (
        <CollabText
          text={description}
          awareness={session.awareness}
          label={t('plan.actionDescription', { n })}
          multiline
          readOnly={readOnly}
        />
      )}
      <div className="plan-action-fields">
        <p className="field">
          <label htmlFor={`${base}-status`}>{t('plan.actionStatus', { n })}</label>
          <select
            id={`${base}-status`}
            value={stringOf(action, 'status') ?? 'not_started'}
            disabled={readOnly}
            onChange={(e) => setScalars(action, { status: e.target.value })}
          >
            {ACTION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`actionStatus.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </p>
        <ActionDates action={action} n={n} />
        <DraftInput
          id={`${base}-budget`}
          label={t('plan.actionBudget', { n })}
          value={stringOf(action, 'budget') ?? ''}
          maxLength={BUDGET_MAX}
          hint={t('plan.budgetHint')}
          onSave={(value) => setScalars(action, { budget: orNull(value) })}
        />
      </div>
      <ActionOrganisations action={action} n={n} />
      <PlanMilestones action={action} n={n} />
      <PlanIndicators action={action} n={n} />
      {!readOnly && (
        <div className="actions">
          <MoveButtons
            index={index}
            count={count}
            upLabel={t('plan.moveUp', { n })}
            downLabel={t('plan.moveDown', { n })}
            onMove={(to) => client.plans.moveAction(planId, actionId, to)}
          />
          <ConfirmRemove
            label={t('plan.remove', { n })}
            question={t('plan.confirmRemoveAction', { n, title: textOf(action, 'title') })}
            confirm={t('plan.yesRemoveAction', { n })}
            onRemove={() => client.plans.removeAction(planId, actionId)}
          />
        </div>
      )}
    </div>
  );
}
