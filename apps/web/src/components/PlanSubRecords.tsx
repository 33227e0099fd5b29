import type { AccordClient } from '@accord/client';
import type { ReactNode } from 'react';
import type * as Y from 'yjs';
import { CollabText } from './CollabText';
import { ConfirmRemove, MoveButtons } from './PlanControls';
import { idOf, recordsOf, textOf, usePlanEditor, yText } from './PlanFields';

/** What sets an action's milestones and its indicators apart, for the list they share. */
export interface SubRecordKind {
  /** The action's list, and its record's co-edited text. */
  list: 'milestones' | 'indicators';
  text: 'title' | 'name';
  heading: (count: number) => string;
  empty: string;
  legend: (m: number) => string;
  textLabel: (n: number, m: number) => string;
  moveUp: (n: number, m: number) => string;
  moveDown: (n: number, m: number) => string;
  remove: (n: number, m: number) => string;
  /** The question before removing, with the record's text. */
  confirm: (n: number, m: number, text: string) => string;
  yes: (n: number, m: number) => string;
  move: (client: AccordClient, where: RecordPlace, to: number) => Promise<unknown>;
  removeCall: (client: AccordClient, where: RecordPlace) => Promise<unknown>;
}

/** A record's place: its plan, action and own id. */
export interface RecordPlace {
  planId: string;
  actionId: string;
  recordId: string;
}

/**
 * An action's milestones or indicators: each record's text co-edited live with the fields the
 * kind adds (`fields`), moved up or down and removed (after a confirmation) through REST, and the
 * kind's form (`form`) to add one. Read-only people see the records only.
 */
export function PlanSubRecords(props: {
  action: Y.Map<unknown>;
  n: number;
  kind: SubRecordKind;
  fields: (record: Y.Map<unknown>, base: string, m: number) => ReactNode;
  form: ReactNode;
}) {
  const { action, n, kind, fields, form } = props;
  const { client, planId, session, readOnly } = usePlanEditor();
  const records = recordsOf(action, kind.list);
  const actionId = idOf(action);
  const headingId = `action-${actionId}-${kind.list}`;
  return (
    <section className="plan-sub-records" aria-labelledby={headingId}>
      <h3 id={headingId}>{kind.heading(records.length)}</h3>
      {records.length === 0 && <p className="muted">{kind.empty}</p>}
      <ol className="plan-records">
        {records.map((record, index) => {
          const m = index + 1;
          const place = { planId, actionId, recordId: idOf(record) };
          const text = yText(record, kind.text);
          return (
            <li key={place.recordId} className="plan-record">
              <fieldset>
                <legend>{kind.legend(m)}</legend>
                <div className="plan-record-fields">
                  {text && (
                    <div className="plan-wide">
                      <CollabText
                        text={text}
                        awareness={session.awareness}
                        label={kind.textLabel(n, m)}
                        readOnly={readOnly}
                      />
                    </div>
                  )}
                  {fields(record, `${kind.list}-${actionId}-${place.recordId}`, m)}
                </div>
                {!readOnly && (
                  <div className="actions">
                    <MoveButtons
                      index={index}
                      count={records.length}
                      upLabel={kind.moveUp(n, m)}
                      downLabel={kind.moveDown(n, m)}
                      onMove={(to) => kind.move(client, place, to)}
                    />
                    <ConfirmRemove
                      label={kind.remove(n, m)}
                      question={kind.confirm(n, m, textOf(record, kind.text))}
                      confirm={kind.yes(n, m)}
                      onRemove={() => kind.removeCall(client, place)}
                    />
                  </div>
                )}
              </fieldset>
            </li>
          );
        })}
      </ol>
      {!readOnly && form}
    </section>
  );
}
