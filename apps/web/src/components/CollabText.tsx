import { EditorState, Transaction } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { useEffect, useId, useRef, useState } from 'react';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { t } from '../i18n';

/** The plan's limits (libs/action-plans LIMITS): short texts are one line, long ones several. */
const SHORT_TEXT = 300;
const LONG_TEXT = 20_000;
/**
 * One change goes to the server as one update, which may be 48 KB at most: a larger paste
 * (20,000 characters of Arabic or Chinese are 40–60 KB) is refused here, to be pasted in parts.
 */
const CHANGE_BYTES = 32 * 1024;
const utf8 = new TextEncoder();

type Refusal = 'tooLong' | 'tooLarge' | null;

/**
 * A plain-text field co-edited live: a CodeMirror editor bound to one Y.Text of the plan, with the
 * other editors' cursors and names (awareness), undo and redo of one's own changes (Ctrl+Z,
 * Ctrl+Y / Ctrl+Shift+Z). Single-line fields refuse line breaks. A change of one's own that would
 * pass the field's limit is not made, and the person is told: the server would refuse it, and
 * every later change built on it.
 */
export function CollabText(props: {
  text: Y.Text;
  awareness: Awareness;
  label: string;
  multiline?: boolean;
  readOnly: boolean;
  /** In UTF-16 code units, as Yjs counts; by default the plan's limit for the kind of field. */
  maxLength?: number;
}) {
  const { text, awareness, label, multiline = false, readOnly } = props;
  const max = props.maxLength ?? (multiline ? LONG_TEXT : SHORT_TEXT);
  const host = useRef<HTMLDivElement>(null);
  const labelId = useId();
  const [refused, setRefused] = useState<Refusal>(null);

  useEffect(() => {
    if (!host.current) return;
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: text.toJSON(),
        extensions: [
          yCollab(text, awareness),
          keymap.of(yUndoManagerKeymap),
          // Only the person's own changes: the others' arrive from Yjs, already accepted.
          EditorState.transactionFilter.of((tr) => {
            if (!tr.docChanged || tr.annotation(Transaction.userEvent) === undefined) return tr;
            const refusal = refusalOf(tr, max);
            setRefused(refusal);
            return refusal ? [] : tr;
          }),
          // A single-line field takes a pasted line break as a space.
          ...(multiline
            ? []
            : [EditorView.clipboardInputFilter.of((pasted) => pasted.replace(/[\r\n]+/g, ' '))]),
          EditorView.lineWrapping,
          EditorState.readOnly.of(readOnly),
          EditorView.editable.of(!readOnly),
          EditorView.contentAttributes.of({
            role: 'textbox',
            'aria-labelledby': labelId,
            'aria-multiline': String(multiline),
            'aria-readonly': String(readOnly),
          }),
          ...(multiline ? [] : [keymap.of([{ key: 'Enter', run: () => true }])]),
        ],
      }),
    });
    return () => view.destroy();
  }, [text, awareness, readOnly, multiline, labelId, max]);

  return (
    <div className="field">
      <span id={labelId} className="label">
        {label}
      </span>
      <div ref={host} className={`collab ${multiline ? 'multiline' : 'single'}`} />
      <p className="collab-limit" aria-live="polite">
        {refused === 'tooLong' && t('collab.tooLong', { field: label, max })}
        {refused === 'tooLarge' && t('collab.tooLarge', { field: label })}
      </p>
    </div>
  );
}

/** Why a person's own change is not made: past the field's limit, or too large to send at once. */
function refusalOf(tr: Transaction, max: number): Refusal {
  const grows = tr.newDoc.length > tr.startState.doc.length;
  if (grows && tr.newDoc.length > max) return 'tooLong';
  let inserted = 0;
  tr.changes.iterChanges((_fromA, _toA, _fromB, _toB, text) => {
    inserted += utf8.encode(text.toString()).byteLength;
  });
  return inserted > CHANGE_BYTES ? 'tooLarge' : null;
}
