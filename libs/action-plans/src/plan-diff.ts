import type {
  ActionProjection,
  IndicatorProjection,
  MilestoneProjection,
  PlanContent,
} from './plan-shape';

/** One difference between two versions of a plan, with a sentence a person can read. */
export interface PlanChange {
  /** Where: `title`, `actions/<id>`, `actions/<id>/milestones/<id>`, … */
  path: string;
  kind: 'added' | 'removed' | 'changed' | 'moved';
  /** The field that changed, for `changed`. */
  field?: string;
  summary: string;
}

const PLAN_TEXT_FIELDS = ['title', 'problem', 'baseline', 'objective'] as const;
const FIELD_NAMES: Record<string, string> = {
  title: 'title',
  problem: 'problem',
  baseline: 'baseline',
  objective: 'objective',
  recommendationIds: 'recommendations',
  sdgTargets: 'SDG targets',
  description: 'description',
  leadOrganisationId: 'lead organisation',
  supportingOrganisationIds: 'supporting organisations',
  startDate: 'start date',
  endDate: 'end date',
  status: 'status',
  budget: 'budget',
  due: 'due date',
  name: 'name',
  target: 'target',
  unit: 'unit',
};

/** Short, quoted text for summaries: long text is cut, and described by how much it changed. */
function quote(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '(none)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `“${text.length > 60 ? `${text.slice(0, 57)}…` : text}”`;
}

function describeText(field: string, from: string, to: string): string {
  if (from.length <= 60 && to.length <= 60) return `${field}: ${quote(from)} → ${quote(to)}`;
  const delta = to.length - from.length;
  const size = delta === 0 ? 'same length' : `${delta > 0 ? '+' : ''}${delta} characters`;
  return `${field} rewritten (${size})`;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Field-by-field changes of two records of the same kind. */
function fieldChanges(
  path: string,
  label: string,
  from: Record<string, unknown>,
  to: Record<string, unknown>,
  skip: string[],
): PlanChange[] {
  const changes: PlanChange[] = [];
  for (const field of Object.keys(to)) {
    if (skip.includes(field) || sameValue(from[field], to[field])) continue;
    const name = FIELD_NAMES[field] ?? field;
    const summary =
      typeof from[field] === 'string' && typeof to[field] === 'string'
        ? describeText(name, from[field], to[field])
        : `${name}: ${quote(from[field])} → ${quote(to[field])}`;
    changes.push({ path, kind: 'changed', field, summary: `${label}${summary}` });
  }
  return changes;
}

/** Added, removed, moved and changed records of one list, matched by id. */
function listChanges<T extends { id: string }>(
  path: string,
  noun: string,
  from: T[],
  to: T[],
  nameOf: (record: T) => string,
  inner: (path: string, label: string, a: T, b: T) => PlanChange[],
): PlanChange[] {
  const changes: PlanChange[] = [];
  const before = new Map(from.map((r, i) => [r.id, { record: r, index: i }]));
  const after = new Map(to.map((r, i) => [r.id, { record: r, index: i }]));
  for (const record of from) {
    if (!after.has(record.id)) {
      changes.push({
        path: `${path}/${record.id}`,
        kind: 'removed',
        summary: `${noun} ${quote(nameOf(record))} removed`,
      });
    }
  }
  // Order among the records both versions share: a record is "moved" when its rank changed.
  const keptBefore = from.filter((r) => after.has(r.id)).map((r) => r.id);
  const keptAfter = to.filter((r) => before.has(r.id)).map((r) => r.id);
  to.forEach((record, index) => {
    const old = before.get(record.id);
    const recordPath = `${path}/${record.id}`;
    if (!old) {
      changes.push({
        path: recordPath,
        kind: 'added',
        summary: `${noun} ${quote(nameOf(record))} added at position ${index + 1}`,
      });
      return;
    }
    if (keptBefore.indexOf(record.id) !== keptAfter.indexOf(record.id)) {
      changes.push({
        path: recordPath,
        kind: 'moved',
        summary: `${noun} ${quote(nameOf(record))} moved from position ${old.index + 1} to ${index + 1}`,
      });
    }
    changes.push(...inner(recordPath, `${noun} ${quote(nameOf(record))}: `, old.record, record));
  });
  return changes;
}

const milestoneChanges = (
  path: string,
  label: string,
  a: MilestoneProjection,
  b: MilestoneProjection,
) => fieldChanges(path, label, { ...a }, { ...b }, ['id']);

const indicatorChanges = (
  path: string,
  label: string,
  a: IndicatorProjection,
  b: IndicatorProjection,
) => fieldChanges(path, label, { ...a }, { ...b }, ['id']);

function actionChanges(
  path: string,
  label: string,
  a: ActionProjection,
  b: ActionProjection,
): PlanChange[] {
  return [
    ...fieldChanges(path, label, { ...a }, { ...b }, ['id', 'milestones', 'indicators']),
    ...listChanges(
      `${path}/milestones`,
      `${label}milestone`,
      a.milestones,
      b.milestones,
      (m) => m.title,
      milestoneChanges,
    ),
    ...listChanges(
      `${path}/indicators`,
      `${label}indicator`,
      a.indicators,
      b.indicators,
      (i) => i.name,
      indicatorChanges,
    ),
  ];
}

/**
 * What changed from one version of a plan to another, in reading order: the plan's fields, then
 * its actions (added, removed, moved, edited), each with a sentence such as
 * `Action “Legal aid fund”: status: “not_started” → “limited”`.
 */
export function diffPlans(from: PlanContent, to: PlanContent): PlanChange[] {
  const changes: PlanChange[] = [];
  for (const field of PLAN_TEXT_FIELDS) {
    if (from[field] !== to[field]) {
      changes.push({
        path: field,
        kind: 'changed',
        field,
        summary: capitalise(describeText(FIELD_NAMES[field], from[field], to[field])),
      });
    }
  }
  for (const field of ['recommendationIds', 'sdgTargets'] as const) {
    if (!sameValue(from[field], to[field])) {
      changes.push({
        path: field,
        kind: 'changed',
        field,
        summary: capitalise(`${FIELD_NAMES[field]}: ${quote(from[field])} → ${quote(to[field])}`),
      });
    }
  }
  changes.push(
    ...listChanges('actions', 'Action', from.actions, to.actions, (a) => a.title, actionChanges),
  );
  return changes;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
