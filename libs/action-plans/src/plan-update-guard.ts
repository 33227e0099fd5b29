import * as Y from 'yjs';
import {
  checkListItem,
  type FieldSpec,
  ITEM_ID_PATTERN,
  PLAN_ROOT,
  RECORD_SPECS,
  type RecordKind,
  type ListItem,
} from './plan-shape';

/**
 * Why an update was refused: `invalid` breaks the plan's shape or is not a Yjs update at all;
 * `missing` builds on changes this document does not have (yet).
 */
export class PlanUpdateRefusal extends Error {
  constructor(
    readonly reason: 'invalid' | 'missing',
    message: string,
  ) {
    super(message);
  }
}

/** Where a Yjs type sits in the plan's layout. */
type Role =
  | { kind: 'record'; of: RecordKind }
  | { kind: 'text'; max: number; field: string }
  | { kind: 'list'; item: ListItem; max: number; field: string }
  | { kind: 'records'; of: Exclude<RecordKind, 'plan'>; max: number; field: string };

type Struct = Y.Item | Y.GC | Y.Skip;
/** A decoded update's deletions (Yjs does not export the class's type). */
type DeleteSet = { clients: Map<number, { clock: number; len: number }[]> };

/** The parent of an incoming item: a type already in the document, or one the update creates. */
type ParentRef =
  | { at: 'doc'; type: Y.AbstractType<unknown>; sub: string | null }
  | { at: 'update'; item: Y.Item; sub: string | null }
  | { at: 'root'; name: string; sub: string | null }
  /** Its neighbour was garbage-collected: Yjs drops the item, so it changes nothing. */
  | { at: 'collected' };

export interface PlanUpdateCheck {
  /** Nothing new: every struct and deletion is known already (a retried update). */
  noop: boolean;
  /** The Yjs client ids that write new content (to bind to the sender). */
  clients: number[];
  /** What the update's new content names, for the caller to check against the coalition. */
  references: PlanReferences;
}

/** Organisations and recommendations a plan's content names (by id). */
export interface PlanReferences {
  organisations: string[];
  recommendations: string[];
}

/** The fields whose values name organisations or recommendations of the coalition. */
const REFERENCE_FIELDS: Record<string, keyof PlanReferences> = {
  leadOrganisationId: 'organisations',
  supportingOrganisationIds: 'organisations',
  recommendationIds: 'recommendations',
};

export interface PlanUpdateCheckOptions {
  /** Who owns a Yjs client id in this plan, if anyone does yet. */
  ownerOf: (client: number) => string | undefined;
  /** The sender. */
  userId: string;
}

const idKey = (id: Y.ID): string => `${id.client}:${id.clock}`;

function roleOf(spec: FieldSpec | undefined, field: string): Role | null {
  if (!spec) return null;
  switch (spec.type) {
    case 'text':
      return { kind: 'text', max: spec.max, field };
    case 'list':
      return { kind: 'list', item: spec.item, max: spec.max, field };
    case 'records':
      return { kind: 'records', of: spec.of, max: spec.max, field };
    case 'id':
    case 'scalar':
      return null;
  }
}

/** The role of a child type: a key of a record, or an element of a records array. */
function childRole(parent: Role | null, sub: string | null): Role | null {
  if (!parent) return null;
  if (parent.kind === 'record' && sub !== null) return roleOf(RECORD_SPECS[parent.of][sub], sub);
  if (parent.kind === 'records' && sub === null) return { kind: 'record', of: parent.of };
  return null;
}

function typeMatches(role: Role, type: Y.AbstractType<unknown>): boolean {
  switch (role.kind) {
    case 'text':
      return type instanceof Y.Text;
    case 'list':
    case 'records':
      return type instanceof Y.Array;
    case 'record':
      return type instanceof Y.Map;
  }
}

function withArticle(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

function describe(role: Role): string {
  switch (role.kind) {
    case 'record':
      return role.of === 'plan' ? 'the plan' : withArticle(role.of);
    case 'text':
      return `the text ${role.field}`;
    case 'list':
    case 'records':
      return `the list ${role.field}`;
  }
}

/**
 * Checks an incoming Yjs update against a plan document BEFORE it is applied, by reading its
 * structs: every new item must land where the layout allows it (text in texts, valid values in
 * lists and fields, maps in action/milestone/indicator lists, nothing written to the plan map
 * itself or outside it), new records must be complete with a fresh id, fields stay within their
 * limits, deletions may remove text, list entries and records but never a field's structure,
 * and nobody writes as another editor's Yjs client. Throws PlanUpdateRefusal.
 */
export function checkPlanUpdate(
  doc: Y.Doc,
  update: Uint8Array,
  options: PlanUpdateCheckOptions,
): PlanUpdateCheck {
  let decoded: { structs: Struct[]; ds: DeleteSet };
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    throw new PlanUpdateRefusal('invalid', 'update is not a Yjs update (v1 encoding)');
  }
  return new UpdateCheck(doc, decoded.structs, decoded.ds, options).run();
}

class UpdateCheck {
  private readonly store: Y.Doc['store'];
  private readonly byClient = new Map<number, Struct[]>();
  private readonly parents = new Map<Y.Item, ParentRef>();
  private readonly newRoles = new Map<Y.Item, Role | null>();
  /** Per parent type: its role, its current size and what the update adds. */
  private readonly growth = new Map<string, { role: Role; current: number; added: number }>();
  /** New record maps: the keys the update sets on them. */
  private readonly newRecords = new Map<Y.Item, { kind: RecordKind; keys: Set<string> }>();
  /** `parentKey|sub` of map entries the update sets (a replaced value may be deleted). */
  private readonly setEntries = new Set<string>();
  /** New record ids per records array. */
  private readonly newIds = new Map<string, { ids: string[]; existing?: Y.Array<unknown> }>();
  private readonly clients = new Set<number>();
  private readonly references = {
    organisations: new Set<string>(),
    recommendations: new Set<string>(),
  };
  private changes = false;

  constructor(
    private readonly doc: Y.Doc,
    private readonly structs: Struct[],
    private readonly ds: DeleteSet,
    private readonly options: PlanUpdateCheckOptions,
  ) {
    this.store = doc.store;
    for (const struct of structs) {
      const list = this.byClient.get(struct.id.client) ?? [];
      list.push(struct);
      this.byClient.set(struct.id.client, list);
    }
  }

  run(): PlanUpdateCheck {
    this.checkContinuity();
    for (const struct of this.structs) this.checkStruct(struct);
    this.checkDeletions();
    this.checkGrowth();
    this.checkNewRecords();
    return {
      noop: !this.changes,
      clients: [...this.clients],
      references: {
        organisations: [...this.references.organisations],
        recommendations: [...this.references.recommendations],
      },
    };
  }

  /** Notes a value that names an organisation or recommendation (see REFERENCE_FIELDS). */
  private named(field: string, value: unknown): void {
    const kind = REFERENCE_FIELDS[field];
    if (kind && typeof value === 'string') this.references[kind].add(value);
  }

  private fail(message: string): never {
    throw new PlanUpdateRefusal('invalid', message);
  }

  private missing(): never {
    throw new PlanUpdateRefusal(
      'missing',
      'update builds on changes this plan does not have; open the plan again and resend',
    );
  }

  /**
   * Each client's new content must follow what this document has of that client: Yjs would keep
   * anything after a gap pending (stored, acknowledged, yet invisible), e.g. the edits a client
   * makes after one of its updates was refused.
   */
  private checkContinuity(): void {
    for (const [client, list] of this.byClient) {
      let known = this.stateOf(client);
      for (const struct of [...list].sort((a, b) => a.id.clock - b.id.clock)) {
        if (struct instanceof Y.Skip) continue; // a gap the update leaves: what follows must be known
        if (struct.id.clock > known) this.missing();
        known = Math.max(known, struct.id.clock + struct.length);
      }
    }
  }

  private stateOf(client: number): number {
    return Y.getState(this.store, client);
  }

  private checkStruct(struct: Struct): void {
    if (struct instanceof Y.Skip) return;
    const { client, clock } = struct.id;
    if (clock + struct.length <= this.stateOf(client)) return; // known already
    const owner = this.options.ownerOf(client);
    if (owner !== undefined && owner !== this.options.userId) {
      this.fail(
        `update writes as another editor's Yjs client ${client}; use a client id of your own`,
      );
    }
    this.clients.add(client);
    this.changes = true;
    if (struct instanceof Y.GC) return;
    const parent = this.parentOf(struct);
    if (parent.at === 'collected') return;
    const role = this.roleOfParent(parent);
    if (!role) this.fail('update writes outside the plan layout');
    this.checkItem(struct, role, parent);
  }

  private checkItem(item: Y.Item, role: Role, parent: Exclude<ParentRef, { at: 'collected' }>) {
    const content = item.content;
    const sub = parent.sub;
    const deleted = content instanceof Y.ContentDeleted;
    if (role.kind === 'record') {
      if (role.of === 'plan') {
        this.fail(
          "the plan's fields are created by the server; edit inside them, not the plan map itself",
        );
      }
      if (sub === null) this.fail(`${describe(role)} is a map; it has no list content`);
      const spec = RECORD_SPECS[role.of][sub];
      if (!spec) {
        this.fail(`${sub} is not a field of ${describe(role)}`);
      }
      const parentKey = this.parentKey(parent);
      this.setEntries.add(`${parentKey}|${sub}`);
      if (parent.at === 'update') this.newRecords.get(parent.item)?.keys.add(sub);
      if (deleted) return;
      this.checkEntry(item, spec, sub, role, parent);
      return;
    }
    if (sub !== null) this.fail(`${describe(role)} is not a map`);
    if (deleted) return;
    const grown = this.growthOf(parent, role);
    if (role.kind === 'text') {
      if (content instanceof Y.ContentFormat || content instanceof Y.ContentEmbed) {
        this.fail(`${role.field} is plain text: formatting and embeds are not supported`);
      }
      if (!(content instanceof Y.ContentString)) this.fail(`${role.field} takes text only`);
      grown.added += content.getLength();
      return;
    }
    if (role.kind === 'list') {
      if (!(content instanceof Y.ContentAny)) this.fail(`${role.field} takes plain values only`);
      for (const value of content.getContent()) {
        const problem = checkListItem(role.item, value);
        if (problem) this.fail(`each entry of ${role.field} ${problem}`);
        this.named(role.field, value);
      }
      grown.added += content.getLength();
      return;
    }
    // records: each element is a new map (an action, milestone or indicator)
    if (!(content instanceof Y.ContentType) || !(content.type instanceof Y.Map)) {
      this.fail(`each entry of ${role.field} must be ${withArticle(role.of)} map`);
    }
    grown.added += 1;
    this.newRecords.set(item, { kind: role.of, keys: new Set() });
  }

  private checkEntry(
    item: Y.Item,
    spec: FieldSpec,
    key: string,
    role: Extract<Role, { kind: 'record' }>,
    parent: Exclude<ParentRef, { at: 'collected' }>,
  ): void {
    const content = item.content;
    const where = `${key} of ${describe(role)}`;
    switch (spec.type) {
      case 'id': {
        if (parent.at !== 'update') this.fail(`${where} is stable: it cannot be changed`);
        const value = content instanceof Y.ContentAny ? content.getContent() : [];
        if (value.length !== 1 || typeof value[0] !== 'string' || !ITEM_ID_PATTERN.test(value[0])) {
          this.fail(`${where} must be 1–64 letters, digits, _ or -`);
        }
        this.recordId(parent.item, value[0]);
        return;
      }
      case 'scalar': {
        const value = content instanceof Y.ContentAny ? content.getContent() : [];
        if (value.length !== 1) this.fail(`${where} must be a single value`);
        const problem = spec.check(value[0]);
        if (problem) this.fail(`${where} ${problem}`);
        this.named(key, value[0]);
        return;
      }
      case 'text':
      case 'list':
      case 'records': {
        const childRole = roleOf(spec, key);
        if (
          !childRole ||
          !(content instanceof Y.ContentType) ||
          !typeMatches(childRole, content.type as Y.AbstractType<unknown>)
        ) {
          this.fail(`${where} must be a ${spec.type === 'text' ? 'Y.Text' : 'Y.Array'}`);
        }
      }
    }
  }

  private recordId(recordItem: Y.Item, id: string): void {
    const arrayParent = this.parentOf(recordItem);
    if (arrayParent.at === 'collected') return;
    const key = this.parentKey(arrayParent);
    const entry = this.newIds.get(key) ?? {
      ids: [],
      existing: arrayParent.at === 'doc' ? (arrayParent.type as Y.Array<unknown>) : undefined,
    };
    entry.ids.push(id);
    this.newIds.set(key, entry);
  }

  private growthOf(parent: Exclude<ParentRef, { at: 'collected' }>, role: Role) {
    const key = this.parentKey(parent);
    let entry = this.growth.get(key);
    if (!entry) {
      const current =
        parent.at === 'doc' ? (parent.type as unknown as { length: number }).length : 0;
      entry = { role, current, added: 0 };
      this.growth.set(key, entry);
    }
    return entry;
  }

  private parentKey(parent: Exclude<ParentRef, { at: 'collected' }>): string {
    switch (parent.at) {
      case 'doc':
        return parent.type._item ? idKey(parent.type._item.id) : 'root';
      case 'update':
        return idKey(parent.item.id);
      case 'root':
        return `root:${parent.name}`;
    }
  }

  /** Finds the struct holding `id`: in the document, else in the update; undefined if neither. */
  private find(id: Y.ID): { struct: Struct; inDoc: boolean } | undefined {
    if (id.clock < this.stateOf(id.client)) {
      return { struct: Y.getItem(this.store, id) as Struct, inDoc: true };
    }
    const list = this.byClient.get(id.client);
    const struct = list?.find((s) => s.id.clock <= id.clock && id.clock < s.id.clock + s.length);
    return struct ? { struct, inDoc: false } : undefined;
  }

  private parentOf(item: Y.Item): ParentRef {
    const known = this.parents.get(item);
    if (known) return known;
    const resolved = this.resolveParent(item);
    this.parents.set(item, resolved);
    return resolved;
  }

  private resolveParent(item: Y.Item): ParentRef {
    const parent = item.parent as Y.AbstractType<unknown> | Y.ID | string | null;
    if (typeof parent === 'string') return { at: 'root', name: parent, sub: item.parentSub };
    if (parent instanceof Y.ID) {
      const found = this.find(parent);
      if (!found) this.missing();
      const { struct, inDoc } = found;
      if (struct instanceof Y.GC) return { at: 'collected' };
      if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentType)) {
        this.fail('update names a parent that is not a shared type');
      }
      return inDoc
        ? { at: 'doc', type: struct.content.type as Y.AbstractType<unknown>, sub: item.parentSub }
        : { at: 'update', item: struct, sub: item.parentSub };
    }
    // No parent info: the item sits next to its origin and shares its parent.
    const neighbour = item.origin ?? item.rightOrigin;
    if (!neighbour) this.fail('update has an item without a place');
    const found = this.find(neighbour);
    if (!found) this.missing();
    const { struct, inDoc } = found;
    if (struct instanceof Y.GC) return { at: 'collected' };
    if (!(struct instanceof Y.Item)) this.missing();
    if (inDoc) {
      return {
        at: 'doc',
        type: struct.parent as Y.AbstractType<unknown>,
        sub: struct.parentSub,
      };
    }
    const shared = this.parentOf(struct);
    return shared; // the neighbour's own parent and key, already resolved
  }

  private roleOfParent(parent: Exclude<ParentRef, { at: 'collected' }>): Role | null {
    switch (parent.at) {
      case 'root':
        return parent.name === PLAN_ROOT ? { kind: 'record', of: 'plan' } : null;
      case 'doc':
        return roleOfType(parent.type);
      case 'update':
        return this.roleOfNewType(parent.item);
    }
  }

  private roleOfNewType(item: Y.Item): Role | null {
    if (this.newRoles.has(item)) return this.newRoles.get(item) ?? null;
    const parent = this.parentOf(item);
    const role =
      parent.at === 'collected' ? null : childRole(this.roleOfParent(parent), parent.sub);
    this.newRoles.set(item, role);
    return role;
  }

  private checkDeletions(): void {
    for (const [client, ranges] of this.ds.clients) {
      const state = this.stateOf(client);
      const structs = this.store.clients.get(client);
      for (const { clock, len } of ranges) {
        const end = clock + len;
        if (end > state) this.requireInUpdate(client, Math.max(clock, state), end);
        if (clock >= state || !structs) continue;
        for (let i = Y.findIndexSS(structs, clock); i < structs.length; i++) {
          const struct = structs[i];
          if (struct.id.clock >= end) break;
          if (struct instanceof Y.GC || struct.deleted) continue;
          this.checkDeletion(struct);
          this.changes = true;
        }
      }
    }
  }

  private requireInUpdate(client: number, from: number, to: number): void {
    const list = this.byClient.get(client) ?? [];
    const covered = list.some((s) => s.id.clock <= from && s.id.clock + s.length >= to);
    const spans = list.filter((s) => s.id.clock < to && s.id.clock + s.length > from);
    if (!covered && spans.reduce((n, s) => n + s.length, 0) < to - from) this.missing();
  }

  private checkDeletion(item: Y.Item): void {
    if (this.ancestorDeleted(item)) return;
    const parentType = item.parent as Y.AbstractType<unknown>;
    const role = roleOfType(parentType);
    if (!role) return; // outside the layout: nothing a client may rely on
    if (role.kind !== 'record') return; // text, list entries, records: removable
    if (role.of === 'plan') this.fail("the plan's fields cannot be removed");
    const key = item.parentSub ?? '';
    const spec = RECORD_SPECS[role.of][key];
    if (!spec || spec.type === 'scalar') return;
    const parentKey = parentType._item ? idKey(parentType._item.id) : 'root';
    if (spec.type !== 'id' && this.setEntries.has(`${parentKey}|${key}`)) return; // replaced
    this.fail(`${key} of ${describe(role)} cannot be removed`);
  }

  private ancestorDeleted(item: Y.Item): boolean {
    let type = item.parent as Y.AbstractType<unknown> | null;
    while (type?._item) {
      const owner = type._item;
      if (owner.deleted || inDeleteSet(this.ds, owner.id)) return true;
      type = owner.parent as Y.AbstractType<unknown> | null;
    }
    return false;
  }

  private checkGrowth(): void {
    for (const { role, current, added } of this.growth.values()) {
      if (role.kind === 'record') continue;
      if (current + added > role.max) {
        const unit = role.kind === 'text' ? 'characters' : 'entries';
        this.fail(`${role.field} may hold at most ${role.max} ${unit}`);
      }
    }
  }

  private checkNewRecords(): void {
    for (const { kind, keys } of this.newRecords.values()) {
      for (const [key, spec] of Object.entries(RECORD_SPECS[kind])) {
        if (spec.type !== 'scalar' && !keys.has(key)) {
          this.fail(`a new ${kind} needs ${key}`);
        }
      }
    }
    for (const { ids, existing } of this.newIds.values()) {
      const seen = new Set<string>();
      for (const entry of existing?.toArray() ?? []) {
        // A record the same update removes (a move: removed, then inserted again) frees its id.
        const removed =
          entry instanceof Y.Map && entry._item && inDeleteSet(this.ds, entry._item.id);
        if (entry instanceof Y.Map && !removed) seen.add(String(entry.get('id')));
      }
      for (const id of ids) {
        if (seen.has(id)) this.fail(`id ${id} is used already in this list`);
        seen.add(id);
      }
    }
  }
}

function inDeleteSet(ds: DeleteSet, id: Y.ID): boolean {
  const ranges = ds.clients.get(id.client);
  return !!ranges?.some((r) => r.clock <= id.clock && id.clock < r.clock + r.len);
}

const roles = new WeakMap<Y.AbstractType<unknown>, Role | null>();

/** Where an integrated type sits in the layout (null: outside it). */
export function roleOfType(type: Y.AbstractType<unknown>): Role | null {
  if (roles.has(type)) return roles.get(type) ?? null;
  let role: Role | null;
  const item = type._item;
  if (!item) {
    role = Y.findRootTypeKey(type) === PLAN_ROOT ? { kind: 'record', of: 'plan' } : null;
  } else {
    role = childRole(roleOfType(item.parent as Y.AbstractType<unknown>), item.parentSub);
    if (role && !typeMatches(role, type)) role = null;
  }
  roles.set(type, role);
  return role;
}
