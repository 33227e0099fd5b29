import { type FormEvent, useState } from 'react';
import type * as Y from 'yjs';
import { t } from '../i18n';
import { field } from '../session';
import { FieldError } from './PlanControls';
import { listOf, toggleListValue, usePlanEditor, yList } from './PlanFields';

/** As the server checks them (libs/action-plans plan-shape.ts SDG_TARGET_PATTERN, LIMITS). */
const SDG_TARGET_PATTERN = /^(1[0-7]|[1-9])\.([1-9][0-9]?|[a-d])$/;
const MAX_SDG_TARGETS = 100;
const MAX_RECOMMENDATIONS = 100;

/** A recommendation of the coalition, to link the plan to. */
export interface PlanRecommendation {
  id: string;
  code: string;
  theme: string;
}

/**
 * What the plan answers: the coalition's recommendations it takes up (a checkbox group, saved
 * through REST, which checks they are the coalition's) and its SDG targets (added and removed
 * live in the plan, checked here as the server checks them).
 */
export function PlanLinks(props: { plan: Y.Map<unknown>; recommendations: PlanRecommendation[] }) {
  return (
    <section aria-labelledby="links" className="card">
      <h2 id="links">{t('plan.links')}</h2>
      <LinkedRecommendations {...props} />
      <SdgTargets plan={props.plan} />
    </section>
  );
}

function LinkedRecommendations(props: {
  plan: Y.Map<unknown>;
  recommendations: PlanRecommendation[];
}) {
  const { plan, recommendations } = props;
  const { readOnly } = usePlanEditor();
  const [full, setFull] = useState(false);
  const linked = [...new Set(listOf(plan, 'recommendationIds'))];
  const known = new Set(recommendations.map((r) => r.id));
  const choices = [
    ...recommendations,
    ...linked.filter((id) => !known.has(id)).map((id) => ({ id, code: '', theme: '' })),
  ];

  // Live, one insertion or deletion each: people linking at the same time all keep theirs.
  const toggle = (id: string, checked: boolean) => {
    const list = yList(plan, 'recommendationIds');
    if (!list || (checked && !known.has(id))) return;
    setFull(!toggleListValue(list, id, checked, MAX_RECOMMENDATIONS));
  };

  return (
    <fieldset>
      <legend>{t('plan.linkedRecommendations')}</legend>
      <ul className="plan-checkboxes">
        {choices.map((r) => (
          <li key={r.id}>
            <input
              type="checkbox"
              id={`recommendation-${r.id}`}
              checked={linked.includes(r.id)}
              disabled={readOnly || (!known.has(r.id) && !linked.includes(r.id))}
              onChange={(e) => toggle(r.id, e.target.checked)}
            />{' '}
            <label htmlFor={`recommendation-${r.id}`}>
              {r.code ? (
                <>
                  <span className="code">{r.code}</span> <span className="theme">{r.theme}</span>
                </>
              ) : (
                t('plan.foreignRecommendation', { id: r.id })
              )}
            </label>
          </li>
        ))}
      </ul>
      {full && (
        <FieldError>{t('plan.recommendationsFull', { max: MAX_RECOMMENDATIONS })}</FieldError>
      )}
    </fieldset>
  );
}

/** Why a new SDG target (as written, and as it would be stored) cannot be added; null: it can. */
function sdgProblem(written: string, target: string, current: string[]): string | null {
  if (target === '') return t('plan.sdgEmpty');
  if (!SDG_TARGET_PATTERN.test(target)) return t('plan.sdgInvalid', { target: written });
  if (current.includes(target)) return t('plan.sdgDuplicate', { target });
  if (current.length >= MAX_SDG_TARGETS) return t('plan.sdgTooMany', { max: MAX_SDG_TARGETS });
  return null;
}

function SdgTargets({ plan }: { plan: Y.Map<unknown> }) {
  const { readOnly } = usePlanEditor();
  const [problem, setProblem] = useState<string | null>(null);
  const targets = listOf(plan, 'sdgTargets');
  const list = yList(plan, 'sdgTargets');

  const add = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const written = field(new FormData(form), 'sdgTarget').trim();
    const target = written.toLowerCase();
    const why = sdgProblem(written, target, targets);
    setProblem(why);
    if (why || !list) return;
    plan.doc?.transact(() => list.push([target]));
    form.reset();
  };
  const remove = (target: string) => {
    if (list) toggleListValue(list, target, false, MAX_SDG_TARGETS);
  };

  return (
    <section aria-labelledby="sdg-targets">
      <h3 id="sdg-targets">{t('plan.sdgTargets', { count: targets.length })}</h3>
      {targets.length === 0 && <p className="muted">{t('plan.noSdgTargets')}</p>}
      <ul className="plan-tags">
        {targets.map((target) => (
          <li key={target}>
            <span className="plan-tag">{target}</span>
            {!readOnly && (
              <button type="button" onClick={() => remove(target)}>
                {t('plan.removeSdgTarget', { target })}
              </button>
            )}
          </li>
        ))}
      </ul>
      {!readOnly && (
        <form className="inline-form" onSubmit={add} noValidate>
          <p className="field">
            <label htmlFor="sdgTarget">{t('plan.newSdgTarget')}</label>
            <input
              id="sdgTarget"
              name="sdgTarget"
              maxLength={20}
              autoComplete="off"
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? 'sdgTarget-hint sdgTarget-problem' : 'sdgTarget-hint'}
            />
            <span id="sdgTarget-hint" className="hint">
              {t('plan.sdgHint')}
            </span>
          </p>
          <button type="submit">{t('plan.addSdgTarget')}</button>
          {problem && <FieldError id="sdgTarget-problem">{problem}</FieldError>}
        </form>
      )}
    </section>
  );
}
