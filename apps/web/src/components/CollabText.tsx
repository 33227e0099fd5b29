import { EditorState } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { useEffect, useId, useRef } from 'react';
import { yCollab } from 'y-codemirror.next';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';

/**
 * A plain-text field co-edited live: a CodeMirror editor bound to one Y.Text of the plan, with the
 * other editors' cursors and names (awareness). Single-line fields refuse line breaks.
 */
export function CollabText(props: {
  text: Y.Text;
  awareness: Awareness;
  label: string;
  multiline?: boolean;
  readOnly: boolean;
}) {
  const { text, awareness, label, multiline = false, readOnly } = props;
  const host = useRef<HTMLDivElement>(null);
  const labelId = useId();

  useEffect(() => {
    if (!host.current) return;
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: text.toJSON(),
        extensions: [
          yCollab(text, awareness),
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
  }, [text, awareness, readOnly, multiline, labelId]);

  return (
    <div className="field">
      <span id={labelId} className="label">
        {label}
      </span>
      <div ref={host} className={`collab ${multiline ? 'multiline' : 'single'}`} />
    </div>
  );
}
