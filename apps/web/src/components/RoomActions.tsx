import {
  type FormEvent,
  type KeyboardEvent,
  type RefObject,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { t } from '../i18n';
import { field } from '../session';

/**
 * Two-step actions of the live room, in the page (no browser prompt or confirm): a button that
 * opens a short form asking why, and a button that asks to confirm. Focus moves into what opens
 * and back to the button when it is cancelled (Escape cancels). After the action, `afterDone`
 * moves focus to what it acted on, as the button may be gone (a hidden comment, a kicked person).
 */

/** Focus once the page has settled: `afterDone` when done, else back on the button. */
function restoreFocus(trigger: RefObject<HTMLButtonElement | null>, afterDone?: () => void): void {
  requestAnimationFrame(() => {
    if (afterDone) afterDone();
    else trigger.current?.focus();
  });
}

function closeOnEscape(close: () => void) {
  return (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    close();
  };
}

/** A button opening an inline form with a reason (required unless `optional`), then the action. */
export function RoomReasonAction({
  label,
  fieldLabel,
  submitLabel,
  optional = false,
  onSubmit,
  afterDone,
}: {
  label: string;
  fieldLabel: string;
  submitLabel: string;
  optional?: boolean;
  /** Does the action; true when done (the form closes). */
  onSubmit: (reason: string) => Promise<boolean>;
  afterDone?: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const id = useId();

  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);

  const close = (done = false) => {
    setOpen(false);
    restoreFocus(trigger, done ? afterDone : undefined);
  };

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reason = field(new FormData(event.currentTarget), 'reason').trim();
    if (!optional && !reason) {
      input.current?.setCustomValidity(t('room.reasonRequired'));
      input.current?.reportValidity();
      return;
    }
    setBusy(true);
    const done = await onSubmit(reason);
    setBusy(false);
    if (done) close(true);
  }

  return (
    <>
      <button
        ref={trigger}
        type="button"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => (open ? close() : setOpen(true))}
      >
        {label}
      </button>
      {open && (
        <form
          id={id}
          className="reason-form"
          onSubmit={(e) => void submit(e)}
          onKeyDown={closeOnEscape(() => close())}
        >
          <p className="field">
            <label htmlFor={`${id}-reason`}>{fieldLabel}</label>
            <textarea
              ref={input}
              id={`${id}-reason`}
              name="reason"
              rows={2}
              maxLength={500}
              required={!optional}
              onInput={(e) => e.currentTarget.setCustomValidity('')}
            />
          </p>
          <p className="actions">
            <button type="submit" className="primary" disabled={busy}>
              {submitLabel}
            </button>
            <button type="button" onClick={() => close()}>
              {t('common.cancel')}
            </button>
          </p>
        </form>
      )}
    </>
  );
}

/** A button that asks, in the page, to confirm a destructive action: two clicks. */
export function RoomConfirmAction({
  label,
  question,
  confirmLabel,
  onConfirm,
  afterDone,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  /** Does the action; true when done. */
  onConfirm: () => Promise<boolean>;
  afterDone?: () => void;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const confirm = useRef<HTMLButtonElement>(null);
  const id = useId();

  useEffect(() => {
    if (asking) confirm.current?.focus();
  }, [asking]);

  const close = (done = false) => {
    setAsking(false);
    restoreFocus(trigger, done ? afterDone : undefined);
  };

  async function run() {
    setBusy(true);
    const done = await onConfirm();
    setBusy(false);
    if (done) close(true);
  }

  return (
    <>
      <button
        ref={trigger}
        type="button"
        aria-expanded={asking}
        aria-controls={asking ? id : undefined}
        onClick={() => (asking ? close() : setAsking(true))}
      >
        {label}
      </button>
      {asking && (
        <span
          id={id}
          className="confirm"
          role="group"
          aria-labelledby={`${id}-question`}
          onKeyDown={closeOnEscape(() => close())}
        >
          <span id={`${id}-question`}>{question}</span>{' '}
          <button
            ref={confirm}
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => void run()}
          >
            {confirmLabel}
          </button>{' '}
          <button type="button" onClick={() => close()}>
            {t('common.cancel')}
          </button>
        </span>
      )}
    </>
  );
}
