import * as Y from 'yjs';
import {
  newRecord,
  projectRecord,
  RECORD_SPECS,
  type RecordInput,
  type RecordKind,
} from './plan-shape';

/**
 * Server-side edits of a plan document, used inside one Yjs transaction (REST writes, restores).
 * They change as little as possible, so what live editors type meanwhile survives: text by its
 * differing middle, fields only when their value differs.
 */

/** Replaces a text's content with `next` by deleting and inserting only the part that differs. */
export function setText(text: Y.Text, next: string): void {
  const current = text.toJSON();
  if (current === next) return;
  let start = 0;
  const shortest = Math.min(current.length, next.length);
  while (start < shortest && current[start] === next[start]) start++;
  let end = 0;
  while (
    end < shortest - start &&
    current[current.length - 1 - end] === next[next.length - 1 - end]
  ) {
    end++;
  }
  const removed = current.length - start - end;
  if (removed > 0) text.delete(start, removed);
  const inserted = next.slice(start, next.length - end);
  if (inserted) text.insert(start, inserted);
}

export function setList(list: Y.Array<unknown>, next: string[]): void {
  const current = list.toArray();
  if (current.length === next.length && current.every((v, i) => v === next[i])) return;
  list.delete(0, list.length);
  list.insert(0, next);
}

/** Applies the given fields (plain values) to a record map, as its spec says. */
export function editRecord(kind: RecordKind, map: Y.Map<unknown>, fields: RecordInput): void {
  for (const [key, value] of Object.entries(fields)) {
    const spec = RECORD_SPECS[kind][key];
    if (!spec || value === undefined || spec.type === 'id') continue;
    const current = map.get(key);
    switch (spec.type) {
      case 'text': {
        const next = typeof value === 'string' ? value : '';
        if (current instanceof Y.Text) setText(current, next);
        else map.set(key, new Y.Text(next));
        break;
      }
      case 'list':
        if (current instanceof Y.Array) setList(current, value as string[]);
        else map.set(key, Y.Array.from(value as string[]));
        break;
      case 'records':
        setRecords(spec.of, map, key, value as RecordInput[]);
        break;
      case 'scalar':
        if (current !== value) map.set(key, value);
        break;
    }
  }
}

/**
 * Makes a records array hold exactly `next` (by id and order): records that stay are edited in
 * place, the others removed or created; order is restored by moving what is out of place.
 */
export function setRecords(
  kind: Exclude<RecordKind, 'plan'>,
  parent: Y.Map<unknown>,
  key: string,
  next: RecordInput[],
): void {
  let list = parent.get(key);
  if (!(list instanceof Y.Array)) {
    list = new Y.Array<Y.Map<unknown>>();
    parent.set(key, list);
  }
  const records = list as Y.Array<Y.Map<unknown>>;
  const wanted = new Set(next.map((r) => String(r.id)));
  for (let i = records.length - 1; i >= 0; i--) {
    const entry = records.get(i);
    if (!(entry instanceof Y.Map) || !wanted.has(String(entry.get('id')))) records.delete(i, 1);
  }
  next.forEach((input, index) => {
    const at = indexOfRecord(records, String(input.id));
    if (at === -1) {
      records.insert(index, [newRecord(kind, input)]);
      return;
    }
    if (at !== index) moveRecord(kind, records, at, index);
    editRecord(kind, records.get(index), input);
  });
}

export function indexOfRecord(records: Y.Array<Y.Map<unknown>>, id: string): number {
  const all = records.toArray();
  return all.findIndex((entry) => entry instanceof Y.Map && entry.get('id') === id);
}

/**
 * Moves a record: Yjs has no move, so it is removed and inserted again with the same id and
 * content (edits made to it at the very same moment elsewhere are lost).
 */
export function moveRecord(
  kind: Exclude<RecordKind, 'plan'>,
  records: Y.Array<Y.Map<unknown>>,
  from: number,
  to: number,
): void {
  if (from === to) return;
  const content = projectRecord(kind, records.get(from)) as unknown as RecordInput;
  records.delete(from, 1);
  records.insert(to, [newRecord(kind, content)]);
}
