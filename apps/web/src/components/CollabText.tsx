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
  const [refused, setRefused] = useState(false);

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
            const grows = tr.newDoc.length > tr.startState.doc.length;
            setRefused(grows && tr.newDoc.length > max);
            return grows && tr.newDoc.length > max ? [] : tr;
          }),
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
        {refused && t('collab.tooLong', { field: label, max })}
      </p>
    </div>
  );
}
