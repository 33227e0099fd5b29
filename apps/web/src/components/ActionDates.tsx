import { type ChangeEvent, useState } from 'react';
import type * as Y from 'yjs';
import { formatDate, t } from '../i18n';
import { FieldError, useDraft } from './PlanControls';
import { dateEntry, idOf, LAST_DAY, setScalars, stringOf, usePlanEditor } from './PlanFields';

type Which = 'startDate' | 'endDate';
/** The dates a person is changing; `incomplete`: inputs holding a date not fully typed yet. */
type DatesDraft = Partial<Record<Which, string>> & { incomplete?: Which[] };

function storedDates(action: Y.Map<unknown>): Record<Which, string> {
  return {
    startDate: stringOf(action, 'startDate') ?? '',
    endDate: stringOf(action, 'endDate') ?? '',
  };
}

function outOfOrder(dates: Record<Which, string>): boolean {
  return dates.startDate !== '' && dates.endDate !== '' && dates.endDate < dates.startDate;
}

/**
 * An action's start and end dates (native date inputs), saved live into the plan. An end before
 * the start is shown as a problem and not saved until the dates are in order; dates already in
 * the plan out of order (two people changing them at once) are shown the same way.
 */
export function ActionDates({ action, n }: { action: Y.Map<unknown>; n: number }) {
  const { readOnly } = usePlanEditor();
  const [left, setLeft] = useState(false);
  const { draft, change, flush } = useDraft<DatesDraft>((pending) => {
    const { incomplete = [], ...changed } = pending;
    const next = { ...storedDates(action), ...changed };
    if (incomplete.length > 0 || outOfOrder(next)) return false;
    setScalars(
      action,
      Object.fromEntries(Object.entries(changed).map(([key, value]) => [key, value || null])),
    );
    return true;
  });
  const { incomplete: _incomplete, ...drafted } = draft ?? {};
  const shown = { ...storedDates(action), ...drafted };
  const incomplete = left ? (draft?.incomplete ?? []) : [];
  const problem = outOfOrder(shown) || incomplete.length > 0;
  const base = `action-${idOf(action)}`;
  const leave = () => {
    setLeft(true);
    flush();
  };
  const onChange = (which: Which) => (e: ChangeEvent<HTMLInputElement>) => {
    setLeft(false);
    const others = (draft?.incomplete ?? []).filter((w) => w !== which);
    const entry = dateEntry(e.target);
    change({
      ...draft,
      [which]: entry.value,
      incomplete: entry.incomplete ? [...others, which] : others,
    });
  };

  return (
    <>
      <p className="field">
        <label htmlFor={`${base}-start`}>{t('plan.actionStart', { n })}</label>
        <input
          id={`${base}-start`}
          type="date"
          value={shown.startDate}
          max={shown.endDate || LAST_DAY}
          readOnly={readOnly}
          aria-invalid={problem || undefined}
          aria-describedby={problem ? `${base}-dates-problem` : undefined}
          onChange={onChange('startDate')}
          onBlur={leave}
        />
      </p>
      <p className="field">
        <label htmlFor={`${base}-end`}>{t('plan.actionEnd', { n })}</label>
        <input
          id={`${base}-end`}
          type="date"
          value={shown.endDate}
          min={shown.startDate || undefined}
          max={LAST_DAY}
          readOnly={readOnly}
          aria-invalid={problem || undefined}
          aria-describedby={problem ? `${base}-dates-problem` : undefined}
          onChange={onChange('endDate')}
          onBlur={leave}
        />
      </p>
      {problem && (
        <div className="plan-dates-problem">
          <FieldError id={`${base}-dates-problem`}>
            {outOfOrder(shown) &&
              `${t('plan.endBeforeStart', {
                n,
                start: formatDate(shown.startDate),
                end: formatDate(shown.endDate),
              })} `}
            {incomplete.map((which) => (
              <span key={which}>
                {t('plan.dateNotSaved', {
                  label: t(which === 'startDate' ? 'plan.actionStart' : 'plan.actionEnd', { n }),
                })}{' '}
              </span>
            ))}
            {draft && incomplete.length === 0 && t('plan.datesNotSaved')}
          </FieldError>
        </div>
      )}
    </>
  );
}
