import { useState } from 'react';
import type * as Y from 'yjs';
import { t } from '../i18n';
import { FieldError } from './PlanControls';
import {
  idOf,
  listOf,
  type PlanOrganisation,
  setScalars,
  stringOf,
  toggleListValue,
  usePlanEditor,
  yList,
} from './PlanFields';

/** The coalition's organisations, and any the action names that have left it since. */
function choices(organisations: PlanOrganisation[], named: string[]): PlanOrganisation[] {
  const known = new Set(organisations.map((o) => o.id));
  const former = named
    .filter((id) => !known.has(id))
    .map((id) => ({ id, name: `${t('plan.formerOrganisation')} (${id})` }));
  return [...organisations, ...former];
}

/** The layout's limit (libs/action-plans LIMITS.supportingOrganisations). */
const MAX_SUPPORTING = 100;

/**
 * An action's lead organisation (a select) and supporting organisations (a checkbox group),
 * chosen among the coalition's member organisations, saved live into the plan (the server takes
 * only organisations acting in the coalition; one that has left stays named where it was, and
 * can be taken out, not chosen again). Choices made at the same time by several people all keep.
 */
export function ActionOrganisations({ action, n }: { action: Y.Map<unknown>; n: number }) {
  const { readOnly, organisations } = usePlanEditor();
  const [full, setFull] = useState(false);
  const actionId = idOf(action);
  const base = `action-${actionId}`;
  const lead = stringOf(action, 'leadOrganisationId');
  const supporting = [...new Set(listOf(action, 'supportingOrganisationIds'))];
  const members = new Set(organisations.map((o) => o.id));

  const saveLead = (value: string) => {
    const next = value === '' ? null : value;
    if (next === null || members.has(next)) setScalars(action, { leadOrganisationId: next });
  };
  const toggleSupport = (organisationId: string, checked: boolean) => {
    const list = yList(action, 'supportingOrganisationIds');
    if (!list || (checked && !members.has(organisationId))) return;
    setFull(!toggleListValue(list, organisationId, checked, MAX_SUPPORTING));
  };

  return (
    <>
      <p className="field">
        <label htmlFor={`${base}-lead`}>{t('plan.actionLead', { n })}</label>
        <select
          id={`${base}-lead`}
          value={lead ?? ''}
          disabled={readOnly}
          onChange={(e) => saveLead(e.target.value)}
        >
          <option value="">{t('plan.noLead')}</option>
          {choices(organisations, lead ? [lead] : []).map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </p>
      <fieldset className="plan-supporting">
        <legend>{t('plan.actionSupporting', { n })}</legend>
        {organisations.length === 0 && supporting.length === 0 && (
          <p className="muted">{t('plan.noOrganisations')}</p>
        )}
        <ul className="plan-checkboxes">
          {choices(organisations, supporting).map((o) => (
            <li key={o.id}>
              <input
                type="checkbox"
                id={`${base}-supporting-${o.id}`}
                checked={supporting.includes(o.id)}
                disabled={readOnly || (!members.has(o.id) && !supporting.includes(o.id))}
                onChange={(e) => toggleSupport(o.id, e.target.checked)}
              />{' '}
              <label htmlFor={`${base}-supporting-${o.id}`}>
                <span className="visually-hidden">{t('plan.supportingPrefix', { n })} </span>
                {o.name}
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      {full && <FieldError>{t('plan.supportingFull', { n, max: MAX_SUPPORTING })}</FieldError>}
    </>
  );
}
