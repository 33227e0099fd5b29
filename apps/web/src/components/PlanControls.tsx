import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { t } from '../i18n';
import { errorMessage } from '../session';
import { dateEntry, LAST_DAY, usePlanEditor } from './PlanFields';

/**
 * The controls the plan editor's parts share: REST tasks with their own error, a person's
 * draft of a field saved live, confirmation before removing, moving items up and down.
 */

/** A REST call of one part of the editor: its error (shown next to it) and whether it runs. */
export function useTask() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (task: () => Promise<unknown>): Promise<boolean> => {
    setError(null);
    setBusy(true);
    try {
      await task();
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { error, setError, busy, run };
}

/**
 * Sends a form with `send`, emptying it at once: what the person types next is not wiped when the
 * answer comes. If sending fails, what they had written comes back (into fields still empty).
 */
export async function sendEmptying(
  form: HTMLFormElement,
  send: () => Promise<boolean>,
): Promise<boolean> {
  const written = [...form.elements]
    .filter((el): el is HTMLInputElement => el instanceof HTMLInputElement)
    .map((input) => [input, input.value] as const);
  form.reset();
  const sent = await send();
  if (!sent) {
    for (const [input, value] of written) if (input.value === '') input.value = value;
  }
  return sent;
}

/** An error next to the control it is about, read out when it appears. */
export function FieldError({ id, children }: { id?: string; children: ReactNode }) {
  return (
    <p id={id} className="notice notice-error" role="alert">
      {children}
    </p>
  );
}

const SAVE_DELAY_MS = 600;

/**
 * A person's unsaved entry for a field: kept while they type (the others' changes do not jump
 * under their cursor), saved after a short pause, when they leave the field, and when the field
 * goes away. `save` answers false to keep the draft unsaved (e.g. dates out of order).
 */
export function useDraft<T>(save: (draft: T) => boolean) {
  const [draft, setDraft] = useState<T | undefined>(undefined);
  const latest = useRef<{ draft: T | undefined; save: (draft: T) => boolean }>({
    draft: undefined,
    save,
  });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    latest.current.save = save;
  });

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
    const pending = latest.current.draft;
    if (pending === undefined || !latest.current.save(pending)) return;
    latest.current.draft = undefined;
    setDraft(undefined);
  }, []);

  const change = useCallback(
    (value: T) => {
      latest.current.draft = value;
      setDraft(value);
      clearTimeout(timer.current);
      timer.current = setTimeout(flush, SAVE_DELAY_MS);
    },
    [flush],
  );

  useEffect(() => flush, [flush]);
  return { draft, change, flush };
}

/**
 * A one-line field bound to a scalar of the plan: shows the plan's value (live), the person's
 * draft while they type; saved after a pause, on leaving the field or on Enter. A date field
 * saves complete dates only (or nothing: emptied).
 */
export function DraftInput(props: {
  id: string;
  label: string;
  value: string;
  onSave: (value: string) => void;
  type?: 'text' | 'date';
  maxLength?: number;
  hint?: string;
}) {
  const { id, label, value, onSave, type = 'text', maxLength, hint } = props;
  const { readOnly } = usePlanEditor();
  const [left, setLeft] = useState(false);
  const { draft, change, flush } = useDraft<{ value: string; incomplete: boolean }>((next) => {
    if (next.incomplete) return false;
    onSave(next.value);
    return true;
  });
  const unsaved = left && draft?.incomplete === true;
  const describedBy = [hint && `${id}-hint`, unsaved && `${id}-unsaved`].filter(Boolean);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        value={draft?.value ?? value}
        maxLength={maxLength}
        max={type === 'date' ? LAST_DAY : undefined}
        readOnly={readOnly}
        aria-invalid={unsaved || undefined}
        aria-describedby={describedBy.length ? describedBy.join(' ') : undefined}
        onChange={(e) => {
          setLeft(false);
          change(
            type === 'date' ? dateEntry(e.target) : { value: e.target.value, incomplete: false },
          );
        }}
        onBlur={() => {
          setLeft(true);
          flush();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') flush();
        }}
      />
      {hint && (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      )}
      {unsaved && <FieldError id={`${id}-unsaved`}>{t('plan.dateNotSaved', { label })}</FieldError>}
    </div>
  );
}

/**
 * A remove button that asks first (what goes may hold others' work): the question, then
 * "Yes, remove …" or Cancel, keyboard focus moving to the choice.
 */
export function ConfirmRemove(props: {
  label: string;
  question: string;
  confirm: string;
  onRemove: () => Promise<unknown>;
}) {
  const { label, question, confirm, onRemove } = props;
  const [asking, setAsking] = useState(false);
  const { error, busy, run } = useTask();
  const yes = useRef<HTMLButtonElement>(null);
  const ask = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (asking) yes.current?.focus();
    else if (wasAsking.current) ask.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  if (!asking) {
    return (
      <>
        <button ref={ask} type="button" onClick={() => setAsking(true)}>
          {label}
        </button>
        {error && <FieldError>{error}</FieldError>}
      </>
    );
  }
  return (
    <span className="plan-confirm" role="group" aria-label={label}>
      <span>{question}</span>{' '}
      <button
        ref={yes}
        type="button"
        className="danger"
        disabled={busy}
        onClick={() => {
          // The list's heading takes the focus once the item (and this button) is gone.
          const heading = yes.current
            ?.closest('ol, ul')
            ?.closest('section')
            ?.querySelector<HTMLElement>('h2, h3');
          void run(onRemove).then((removed) => {
            setAsking(false);
            if (removed && heading) focusHeading(heading);
          });
        }}
      >
        {confirm}
      </button>{' '}
      <button type="button" onClick={() => setAsking(false)}>
        {t('plan.cancel')}
      </button>
    </span>
  );
}

/**
 * Move up / move down buttons of an item in a list (an action, a milestone, an indicator). The
 * move is a REST call; keyboard focus stays on the moved item's button.
 */
export function MoveButtons(props: {
  index: number;
  count: number;
  upLabel: string;
  downLabel: string;
  onMove: (to: number) => Promise<unknown>;
}) {
  const { index, count, upLabel, downLabel, onMove } = props;
  const { error, run } = useTask();
  const up = useRef<HTMLButtonElement>(null);
  const down = useRef<HTMLButtonElement>(null);
  const moved = useRef<'up' | 'down' | null>(null);
  useEffect(() => {
    const which = moved.current;
    if (!which) return;
    moved.current = null;
    const first = which === 'up' ? up.current : down.current;
    const other = which === 'up' ? down.current : up.current;
    (first && !first.disabled ? first : other)?.focus();
  }, [index]);
  const move = (which: 'up' | 'down') => {
    moved.current = which;
    void run(() => onMove(which === 'up' ? index - 1 : index + 1));
  };
  return (
    <>
      <button ref={up} type="button" disabled={index === 0} onClick={() => move('up')}>
        {upLabel}
      </button>
      <button ref={down} type="button" disabled={index >= count - 1} onClick={() => move('down')}>
        {downLabel}
      </button>
      {error && <FieldError>{error}</FieldError>}
    </>
  );
}

/** Moves the focus to a heading (made focusable by script only). */
function focusHeading(heading: HTMLElement): void {
  heading.tabIndex = -1;
  heading.focus();
}
