import * as Y from 'yjs';

/**
 * The Yjs layout of an action plan (DESIGN.md → Yjs layout): the interop contract of every live
 * client. `doc.getMap('plan')` holds the plan's fields; actions, milestones and indicators are
 * arrays of maps with a stable `id` each. The server creates the structure; clients edit inside
 * it. The same table drives creation, the JSON projection and the check of incoming updates.
 */
export const PLAN_ROOT = 'plan';

export const ACTION_STATUSES = ['not_started', 'limited', 'substantial', 'completed'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const MILESTONE_STATUSES = ['not_started', 'in_progress', 'completed'] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];

export type RecordKind = 'plan' | 'action' | 'milestone' | 'indicator';
export type ListItem = 'objectId' | 'sdgTarget';

/** What one key of a plan, action, milestone or indicator map holds. */
export type FieldSpec =
  | { type: 'id' }
  | { type: 'text'; max: number }
  | { type: 'list'; item: ListItem; max: number }
  | { type: 'records'; of: Exclude<RecordKind, 'plan'>; max: number }
  | { type: 'scalar'; check: (value: unknown) => string | null; initial: ScalarValue };

export type ScalarValue = string | number | null;

export const LIMITS = {
  shortText: 300,
  longText: 20_000,
  recommendations: 100,
  sdgTargets: 100,
  actions: 1_000,
  supportingOrganisations: 100,
  milestones: 200,
  indicators: 100,
  budget: 200,
  measure: 200,
  unit: 50,
} as const;

export const OBJECT_ID_PATTERN = /^[0-9a-f]{24}$/;
/** An SDG target such as `16.10` or `5.a`. */
export const SDG_TARGET_PATTERN = /^(1[0-7]|[1-9])\.([1-9][0-9]?|[a-d])$/;
/** Stable ids of actions, milestones and indicators (clients may make their own). */
export const ITEM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function isCalendarDate(value: string): boolean {
  if (!DATE_PATTERN.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

const date = (value: unknown): string | null =>
  value === null || (typeof value === 'string' && isCalendarDate(value))
    ? null
    : 'must be a calendar date YYYY-MM-DD or null';

const oneOf =
  (values: readonly string[]) =>
  (value: unknown): string | null =>
    typeof value === 'string' && values.includes(value)
      ? null
      : `must be one of ${values.join(', ')}`;

const optionalString =
  (max: number) =>
  (value: unknown): string | null =>
    value === null || (typeof value === 'string' && value.length <= max)
      ? null
      : `must be text of at most ${max} characters, or null`;

const measure = (value: unknown): string | null =>
  value === null ||
  (typeof value === 'number' && Number.isFinite(value)) ||
  (typeof value === 'string' && value.length <= LIMITS.measure)
    ? null
    : `must be a number, text of at most ${LIMITS.measure} characters, or null`;

const objectIdOrNull = (value: unknown): string | null =>
  value === null || (typeof value === 'string' && OBJECT_ID_PATTERN.test(value))
    ? null
    : 'must be an organisation id or null';

export const RECORD_SPECS: Record<RecordKind, Record<string, FieldSpec>> = {
  plan: {
    title: { type: 'text', max: LIMITS.shortText },
    problem: { type: 'text', max: LIMITS.longText },
    baseline: { type: 'text', max: LIMITS.longText },
    objective: { type: 'text', max: LIMITS.longText },
    recommendationIds: { type: 'list', item: 'objectId', max: LIMITS.recommendations },
    sdgTargets: { type: 'list', item: 'sdgTarget', max: LIMITS.sdgTargets },
    actions: { type: 'records', of: 'action', max: LIMITS.actions },
  },
  action: {
    id: { type: 'id' },
    title: { type: 'text', max: LIMITS.shortText },
    description: { type: 'text', max: LIMITS.longText },
    leadOrganisationId: { type: 'scalar', check: objectIdOrNull, initial: null },
    supportingOrganisationIds: {
      type: 'list',
      item: 'objectId',
      max: LIMITS.supportingOrganisations,
    },
    startDate: { type: 'scalar', check: date, initial: null },
    endDate: { type: 'scalar', check: date, initial: null },
    status: { type: 'scalar', check: oneOf(ACTION_STATUSES), initial: 'not_started' },
    budget: { type: 'scalar', check: optionalString(LIMITS.budget), initial: null },
    milestones: { type: 'records', of: 'milestone', max: LIMITS.milestones },
    indicators: { type: 'records', of: 'indicator', max: LIMITS.indicators },
  },
  milestone: {
    id: { type: 'id' },
    title: { type: 'text', max: LIMITS.shortText },
    due: { type: 'scalar', check: date, initial: null },
    status: { type: 'scalar', check: oneOf(MILESTONE_STATUSES), initial: 'not_started' },
  },
  indicator: {
    id: { type: 'id' },
    name: { type: 'text', max: LIMITS.shortText },
    baseline: { type: 'scalar', check: measure, initial: null },
    target: { type: 'scalar', check: measure, initial: null },
    unit: { type: 'scalar', check: optionalString(LIMITS.unit), initial: null },
  },
};

export function checkListItem(kind: ListItem, value: unknown): string | null {
  if (kind === 'objectId') {
    return typeof value === 'string' && OBJECT_ID_PATTERN.test(value) ? null : 'must be an id';
  }
  return typeof value === 'string' && SDG_TARGET_PATTERN.test(value)
    ? null
    : 'must be an SDG target such as 16.10';
}

// ---- The JSON projection -------------------------------------------------------------------

export interface MilestoneProjection {
  id: string;
  title: string;
  due: string | null;
  status: MilestoneStatus;
}

export interface IndicatorProjection {
  id: string;
  name: string;
  baseline: string | number | null;
  target: string | number | null;
  unit: string | null;
}

export interface ActionProjection {
  id: string;
  title: string;
  description: string;
  leadOrganisationId: string | null;
  supportingOrganisationIds: string[];
  startDate: string | null;
  endDate: string | null;
  status: ActionStatus;
  budget: string | null;
  milestones: MilestoneProjection[];
  indicators: IndicatorProjection[];
}

export interface PlanContent {
  title: string;
  problem: string;
  baseline: string;
  objective: string;
  recommendationIds: string[];
  sdgTargets: string[];
  actions: ActionProjection[];
}

export type RecordProjection<K extends RecordKind> = K extends 'plan'
  ? PlanContent
  : K extends 'action'
    ? ActionProjection
    : K extends 'milestone'
      ? MilestoneProjection
      : IndicatorProjection;

export function planMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(PLAN_ROOT);
}

/** Reads a record map as plain JSON, field by field as the spec says (odd values read as defaults). */
export function projectRecord<K extends RecordKind>(
  kind: K,
  map: Y.Map<unknown>,
): RecordProjection<K> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(RECORD_SPECS[kind])) {
    const value = map.get(key);
    switch (spec.type) {
      case 'id':
        out[key] = typeof value === 'string' ? value : '';
        break;
      case 'text':
        out[key] = value instanceof Y.Text ? value.toJSON() : '';
        break;
      case 'list':
        out[key] =
          value instanceof Y.Array
            ? value.toArray().filter((v) => checkListItem(spec.item, v) === null)
            : [];
        break;
      case 'records':
        out[key] =
          value instanceof Y.Array
            ? value
                .toArray()
                .filter((v): v is Y.Map<unknown> => v instanceof Y.Map)
                .map((child) => projectRecord(spec.of, child))
            : [];
        break;
      case 'scalar':
        out[key] = value !== undefined && spec.check(value) === null ? value : spec.initial;
        break;
    }
  }
  return out as unknown as RecordProjection<K>;
}

export function projectPlan(doc: Y.Doc): PlanContent {
  return projectRecord('plan', planMap(doc));
}

// ---- Building the structure ----------------------------------------------------------------

/** Plain values for a new record: text as strings, lists and records as arrays. */
export type RecordInput = Record<string, unknown>;

/**
 * Fills a record map with every key of its spec: texts, lists and record arrays as Yjs types,
 * scalars with the given value or their initial one. Call inside a transaction, on a map that is
 * already part of the document or about to be inserted.
 */
export function fillRecord(kind: RecordKind, map: Y.Map<unknown>, input: RecordInput): void {
  for (const [key, spec] of Object.entries(RECORD_SPECS[kind])) {
    const value = input[key];
    switch (spec.type) {
      case 'id':
        map.set(key, typeof value === 'string' ? value : newItemId());
        break;
      case 'text':
        map.set(key, new Y.Text(typeof value === 'string' ? value : ''));
        break;
      case 'list': {
        const list = new Y.Array<string>();
        if (Array.isArray(value)) list.push(value as string[]);
        map.set(key, list);
        break;
      }
      case 'records': {
        const records = new Y.Array<Y.Map<unknown>>();
        if (Array.isArray(value)) {
          records.push((value as RecordInput[]).map((child) => newRecord(spec.of, child)));
        }
        map.set(key, records);
        break;
      }
      case 'scalar':
        map.set(key, value === undefined ? spec.initial : (value as ScalarValue));
        break;
    }
  }
}

/** A new record map, filled before it is inserted (Yjs keeps the prelim content). */
export function newRecord(kind: Exclude<RecordKind, 'plan'>, input: RecordInput): Y.Map<unknown> {
  const prelim = new Y.Map<unknown>();
  fillRecord(kind, prelim, input);
  return prelim;
}

export function newItemId(): string {
  return globalThis.crypto.randomUUID().replace(/-/g, '').slice(0, 20);
}

/** A new plan document with the full structure and the given title. */
export function createPlanDoc(content: Partial<PlanContent>): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => fillRecord('plan', planMap(doc), content as RecordInput));
  return doc;
}
