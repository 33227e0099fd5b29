import { checkListItem, ITEM_ID_PATTERN, RECORD_SPECS, type RecordKind } from './plan-shape';

export interface ContentProblem {
  /** Where, e.g. `actions[2].milestones[0].due`. */
  field: string;
  message: string;
}

/**
 * Checks a whole plan content (as the JSON projection has it) against the layout table: the
 * same rules live edits and REST writes obey, for content that arrives in one piece (an import).
 * Every problem is named with its path; an empty list means the content can be a plan.
 */
export function problemsOfContent(content: unknown): ContentProblem[] {
  const problems: ContentProblem[] = [];
  checkRecord('plan', content, '', problems);
  return problems;
}

function checkRecord(kind: RecordKind, value: unknown, path: string, problems: ContentProblem[]) {
  const at = (key: string) => (path ? `${path}.${key}` : key);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({ field: path || 'content', message: 'must be an object' });
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!Object.hasOwn(RECORD_SPECS[kind], key))
      problems.push({ field: at(key), message: 'is not a field of this record' });
  }
  for (const [key, spec] of Object.entries(RECORD_SPECS[kind])) {
    const field = record[key];
    if (field === undefined) {
      problems.push({ field: at(key), message: 'is missing' });
      continue;
    }
    switch (spec.type) {
      case 'id':
        if (typeof field !== 'string' || !ITEM_ID_PATTERN.test(field)) {
          problems.push({
            field: at(key),
            message: 'must be an id of 1 to 64 letters, digits, _ or -',
          });
        }
        break;
      case 'text':
        if (typeof field !== 'string' || field.length > spec.max) {
          problems.push({
            field: at(key),
            message: `must be text of at most ${spec.max} characters`,
          });
        }
        break;
      case 'list':
        if (!Array.isArray(field) || field.length > spec.max) {
          problems.push({ field: at(key), message: `must be a list of at most ${spec.max} items` });
          break;
        }
        field.forEach((item, i) => {
          const message = checkListItem(spec.item, item);
          if (message) problems.push({ field: `${at(key)}[${i}]`, message });
        });
        break;
      case 'records': {
        if (!Array.isArray(field) || field.length > spec.max) {
          problems.push({
            field: at(key),
            message: `must be a list of at most ${spec.max} records`,
          });
          break;
        }
        const seen = new Set<unknown>();
        field.forEach((child: unknown, i) => {
          const childPath = `${at(key)}[${i}]`;
          checkRecord(spec.of, child, childPath, problems);
          const id = (child as { id?: unknown } | null)?.id;
          if (seen.has(id))
            problems.push({ field: `${childPath}.id`, message: 'is used twice in this list' });
          seen.add(id);
        });
        break;
      }
      case 'scalar': {
        const message = spec.check(field);
        if (message) problems.push({ field: at(key), message });
        break;
      }
    }
  }
}
