import { useRef, useState } from 'react';
import type * as Y from 'yjs';
import { t } from '../i18n';
import { FieldError, useTask } from './PlanControls';
import { idOf, listOf, type PlanOrganisation, stringOf, usePlanEditor } from './PlanFields';

/** The coalition's organisations, and any the action names that have left it since. */
function choices(organisations: PlanOrganisation[], named: string[]): PlanOrganisation[] {
  const known = new Set(organisations.map((o) => o.id));
  const former = named
    .filter((id) => !known.has(id))
    .map((id) => ({ id, name: `${t('plan.formerOrganisation')} (${id})` }));
  return [...organisations, ...former];
}

/**
 * An action's lead organisation (a select) and supporting organisations (a checkbox group),
 * chosen among the coalition's member organisations. Saved through REST, where the server checks
 * that each organisation acts in the coalition; everyone editing sees the change live. The
 * person's choice shows at once while it is being saved.
 */
export function ActionOrganisations({ action, n }: { action: Y.Map<unknown>; n: number }) {
  const { client, planId, readOnly, organisations } = usePlanEditor();
  const { error, run } = useTask();
  const [pendingLead, setPendingLead] = useState<string | null | undefined>(undefined);
  const [pendingSupport, setPendingSupport] = useState<string[] | undefined>(undefined);
  const actionId = idOf(action);
  const base = `action-${actionId}`;
  const lead = pendingLead === undefined ? stringOf(action, 'leadOrganisationId') : pendingLead;
  const supporting = pendingSupport ?? listOf(action, 'supportingOrganisationIds');

  // The choice shown stays the person's until their latest request is answered.
  const latest = useRef({ lead: 0, support: 0 });

  const saveLead = (value: string) => {
    const next = value === '' ? null : value;
    const request = ++latest.current.lead;
    setPendingLead(next);
    void run(() => client.plans.editAction(planId, actionId, { leadOrganisationId: next })).then(
      () => {
        if (latest.current.lead === request) setPendingLead(undefined);
      },
    );
  };
  const toggleSupport = (organisationId: string, checked: boolean) => {
    const others = supporting.filter((id) => id !== organisationId);
    const next = checked ? [...others, organisationId] : others;
    const request = ++latest.current.support;
    setPendingSupport(next);
    void run(() =>
      client.plans.editAction(planId, actionId, { supportingOrganisationIds: next }),
    ).then(() => {
      if (latest.current.support === request) setPendingSupport(undefined);
    });
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
                disabled={readOnly}
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
      {error && <FieldError>{error}</FieldError>}
    </>
  );
}
