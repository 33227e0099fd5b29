import type { IndicatorInput } from '@accord/client';
import { type FormEvent, useState } from 'react';
import type * as Y from 'yjs';
import { t } from '../i18n';
import { field } from '../session';
import { DraftInput, FieldError, sendEmptying, useTask } from './PlanControls';
import {
  idOf,
  measureOf,
  orNull,
  setScalars,
  stringOf,
  toMeasure,
  usePlanEditor,
} from './PlanFields';
import { PlanSubRecords, type SubRecordKind } from './PlanSubRecords';

/** The layout's limits (libs/action-plans plan-shape.ts LIMITS). */
const NAME_MAX = 300;
const MEASURE_MAX = 200;
const UNIT_MAX = 50;

const shown = (value: string | number | null): string => (value === null ? '' : String(value));

const INDICATORS: SubRecordKind = {
  list: 'indicators',
  text: 'name',
  heading: (count) => t('plan.indicators', { count }),
  empty: t('plan.noIndicators'),
  legend: (m) => t('plan.indicatorLegend', { m }),
  textLabel: (n, m) => t('plan.indicatorName', { n, m }),
  moveUp: (n, m) => t('plan.moveIndicatorUp', { n, m }),
  moveDown: (n, m) => t('plan.moveIndicatorDown', { n, m }),
  remove: (n, m) => t('plan.removeIndicator', { n, m }),
  confirm: (n, m, name) => t('plan.confirmRemoveIndicator', { n, m, name }),
  yes: (n, m) => t('plan.yesRemoveIndicator', { n, m }),
  move: (client, { planId, actionId, recordId }, to) =>
    client.plans.moveIndicator(planId, actionId, recordId, to),
  removeCall: (client, { planId, actionId, recordId }) =>
    client.plans.removeIndicator(planId, actionId, recordId),
};

/**
 * An action's indicators: each with its name (co-edited live), baseline, target and unit (saved
 * live into the plan; a plain number is stored as a number, other words as text), moved up or
 * down and removed through REST; a form adds one.
 */
export function PlanIndicators({ action, n }: { action: Y.Map<unknown>; n: number }) {
  return (
    <PlanSubRecords
      action={action}
      n={n}
      kind={INDICATORS}
      form={<NewIndicator action={action} n={n} />}
      fields={(indicator, base, m) => (
        <>
          <DraftInput
            id={`${base}-baseline`}
            label={t('plan.indicatorBaseline', { n, m })}
            value={shown(measureOf(indicator, 'baseline'))}
            maxLength={MEASURE_MAX}
            onSave={(value) => setScalars(indicator, { baseline: toMeasure(value) })}
          />
          <DraftInput
            id={`${base}-target`}
            label={t('plan.indicatorTarget', { n, m })}
            value={shown(measureOf(indicator, 'target'))}
            maxLength={MEASURE_MAX}
            onSave={(value) => setScalars(indicator, { target: toMeasure(value) })}
          />
          <DraftInput
            id={`${base}-unit`}
            label={t('plan.indicatorUnit', { n, m })}
            value={stringOf(indicator, 'unit') ?? ''}
            maxLength={UNIT_MAX}
            onSave={(value) => setScalars(indicator, { unit: orNull(value) })}
          />
        </>
      )}
    />
  );
}

/** Adds an indicator (name; baseline, target and unit if given) at the end of the list. */
function NewIndicator({ action, n }: { action: Y.Map<unknown>; n: number }) {
  const { client, planId } = usePlanEditor();
  const { error, setError, busy, run } = useTask();
  const [missing, setMissing] = useState(false);
  const actionId = idOf(action);
  const base = `action-${actionId}-new-indicator`;

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const name = field(data, 'name').trim();
    setMissing(name === '');
    setError(null);
    if (name === '') return;
    const input: IndicatorInput & { name: string } = { name };
    const baseline = toMeasure(field(data, 'baseline'));
    const target = toMeasure(field(data, 'target'));
    const unit = orNull(field(data, 'unit'));
    if (baseline !== null) input.baseline = baseline;
    if (target !== null) input.target = target;
    if (unit !== null) input.unit = unit;
    void sendEmptying(form, () => run(() => client.plans.addIndicator(planId, actionId, input)));
  };

  return (
    <form className="inline-form plan-new-indicator" onSubmit={submit} noValidate>
      <p className="field">
        <label htmlFor={`${base}-name`}>{t('plan.newIndicatorName', { n })}</label>
        <input
          id={`${base}-name`}
          name="name"
          maxLength={NAME_MAX}
          aria-required="true"
          aria-invalid={missing || undefined}
          aria-describedby={missing ? `${base}-missing` : undefined}
        />
      </p>
      <p className="field">
        <label htmlFor={`${base}-baseline`}>{t('plan.newIndicatorBaseline', { n })}</label>
        <input
          id={`${base}-baseline`}
          name="baseline"
          maxLength={MEASURE_MAX}
          aria-describedby={`${base}-measure-hint`}
        />
      </p>
      <p className="field">
        <label htmlFor={`${base}-target`}>{t('plan.newIndicatorTarget', { n })}</label>
        <input
          id={`${base}-target`}
          name="target"
          maxLength={MEASURE_MAX}
          aria-describedby={`${base}-measure-hint`}
        />
      </p>
      <p className="field">
        <label htmlFor={`${base}-unit`}>{t('plan.newIndicatorUnit', { n })}</label>
        <input id={`${base}-unit`} name="unit" maxLength={UNIT_MAX} />
      </p>
      <button type="submit" disabled={busy}>
        {t('plan.addIndicator', { n })}
      </button>
      <p id={`${base}-measure-hint`} className="hint plan-full">
        {t('plan.measureHint')}
      </p>
      {missing && (
        <FieldError id={`${base}-missing`}>{t('plan.indicatorNameRequired', { n })}</FieldError>
      )}
      {error && <FieldError>{error}</FieldError>}
    </form>
  );
}
