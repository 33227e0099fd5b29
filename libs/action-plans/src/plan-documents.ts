import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import {
  ACCORD_LOGGER,
  AccordConfig,
  AccordError,
  type AccordLogger,
  DocumentLocks,
  ErrorCode,
  isDuplicateKeyError,
} from '@accord/core';
import { Types } from 'mongoose';
import {
  applyAwarenessUpdate,
  Awareness,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { ActionPlanRecord, ClientOwner, PlanUpdateRecord } from './action-plan.schema';
import { ActionPlansRepository, PlanLogRepository } from './action-plans.repository';
import { PlanEvents } from './plan-events';
import { PlanRelay, type RelayMessage } from './plan-relay';
import { planMap } from './plan-shape';
import { checkPlanUpdate, type PlanReferences, PlanUpdateRefusal } from './plan-update-guard';

/** Largest update a client may send in one event (the socket payload limit is 64 KB). */
export const PLAN_UPDATE_MAX_BYTES = 48 * 1024;
/** Largest awareness update (cursors, selections, a name and a colour). */
export const AWARENESS_MAX_BYTES = 8 * 1024;
/** Updates stored together at most, when several wait for the same plan. */
const MAX_BATCH = 64;
/** How long a write waits for more updates of the same plan to store with it. */
const WRITE_GATHER_MS = 40;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Owner of the Yjs client ids the server writes with (REST edits, restores). */
export const SERVER_OWNER = 'accord';

const REMOTE = Symbol('remote');
const SERVER = Symbol('server');

interface PendingWrite {
  update: Uint8Array;
  owners: ClientOwner[];
  /** The socket the update came from: it has it already. */
  except?: string;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
}

/** One plan's document as this node holds it in memory. */
export class LivePlan {
  readonly doc = new Y.Doc();
  readonly awareness: Awareness;
  /** The last stored update folded into `doc`. */
  seq = 0;
  snapshotSeq = 0;
  readonly owners = new Map<number, string>();
  readonly pending: PendingWrite[] = [];
  /** The store of pending writes while it runs. */
  draining?: Promise<void>;
  /** Log operations (append, catch-up, compaction) run one at a time per plan. */
  private chain: Promise<unknown> = Promise.resolve();
  lastChange = Date.now();
  lastUse = Date.now();
  closed = false;
  /** Awareness client ids each socket has announced (cleared when it leaves). */
  readonly awarenessBySocket = new Map<string, Set<number>>();

  constructor(
    readonly planId: string,
    readonly id: Types.ObjectId,
  ) {
    this.awareness = new Awareness(this.doc);
    this.awareness.setLocalState(null);
  }

  serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.catch(() => undefined).then(work);
    this.chain = run;
    return run;
  }

  addOwners(owners: ClientOwner[]): void {
    for (const { client, userId } of owners) {
      if (!this.owners.has(client)) this.owners.set(client, userId);
    }
  }

  ownerList(): ClientOwner[] {
    return [...this.owners].map(([client, userId]) => ({ client, userId }));
  }

  destroy(): void {
    this.closed = true;
    this.awareness.destroy();
    this.doc.destroy();
  }
}

export interface OpenedPlan {
  update: Uint8Array;
  stateVector: Uint8Array;
  awareness: Uint8Array | null;
  seq: number;
}

/**
 * The life of plan documents on this node (load → change → store → compact → leave memory),
 * after Hocuspocus' hooks: a document is loaded from its latest snapshot and the updates after
 * it; every accepted change is checked against the plan layout, applied in memory and passed to
 * this node's other sockets, then stored in the update log (the sender's ack waits for that,
 * updates arriving together are stored together) and relayed to the other nodes; after `planCompactAfter` updates, or when idle, it is folded into a snapshot; a
 * document nobody here has open leaves memory when idle.
 */
@Injectable()
export class PlanDocuments implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly live = new Map<string, LivePlan>();
  private readonly loading = new Map<string, Promise<LivePlan>>();
  private sweeper?: NodeJS.Timeout;
  private holders: (planId: string) => number = () => 0;

  constructor(
    @Inject(PlanLogRepository) private readonly log: PlanLogRepository,
    @Inject(ActionPlansRepository) private readonly plans: ActionPlansRepository,
    @Inject(PlanRelay) private readonly relay: PlanRelay,
    @Inject(PlanEvents) private readonly events: PlanEvents,
    @Inject(DocumentLocks) private readonly locks: DocumentLocks,
    @Inject(AccordConfig) private readonly config: AccordConfig,
    @Inject(ACCORD_LOGGER) private readonly logger: AccordLogger,
  ) {}

  private get idleMs(): number {
    return this.config.planIdleSeconds * 1000;
  }

  onModuleInit(): void {
    this.relay.onMessage((message) => this.onRelayed(message));
    this.relay.onReconnect(() => {
      for (const live of this.live.values()) this.catchUpLater(live);
    });
    this.sweeper = setInterval(() => this.sweep(), Math.min(this.idleMs / 2, 5_000));
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
    for (const live of [...this.live.values()]) this.evict(live);
  }

  /** Lets waiting writes finish and snapshots what changed, so the next start loads quickly. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.live.values()];
    await Promise.allSettled(all.map((live) => this.settled(live)));
    await Promise.allSettled(all.map((live) => this.compact(live)));
  }

  /** The plan's new document: the full structure, stored as its first snapshot. */
  /** Stores a new plan's first snapshot: the whole state of a document the server wrote. */
  async createDocument(planId: Types.ObjectId, state: Uint8Array, client: number): Promise<void> {
    checkNewDocumentSize(state);
    await this.log.saveSnapshot(planId, 0, state, [{ client, userId: SERVER_OWNER }]);
  }

  /** The plan's document in memory (loaded once, however many ask at the same time). */
  async get(planId: string): Promise<LivePlan> {
    const found = this.live.get(planId);
    if (found) {
      found.lastUse = Date.now();
      return found;
    }
    let loading = this.loading.get(planId);
    if (!loading) {
      loading = this.load(planId).finally(() => this.loading.delete(planId));
      this.loading.set(planId, loading);
    }
    return loading;
  }

  private async load(planId: string): Promise<LivePlan> {
    const live = new LivePlan(planId, new Types.ObjectId(planId));
    await this.readLog(live, REMOTE);
    live.doc.on('update', (update: Uint8Array, origin: unknown) => {
      live.lastChange = Date.now();
      // Changes read from the log or relayed by another node: this node's sockets need them.
      if (origin === REMOTE) this.events.emit({ type: 'plan.update', planId, update });
    });
    live.awareness.on(
      'update',
      (
        { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
        origin: unknown,
      ) => {
        if (typeof origin !== 'string') return;
        const ids = live.awarenessBySocket.get(origin) ?? new Set<number>();
        for (const id of [...added, ...updated]) ids.add(id);
        for (const id of removed) ids.delete(id);
        live.awarenessBySocket.set(origin, ids);
      },
    );
    this.live.set(planId, live);
    return live;
  }

  /**
   * Reads the latest snapshot and the updates after it into `live.doc`. A snapshot written by
   * another node between the two reads prunes the updates read for: then it reads again.
   */
  private async readLog(live: LivePlan, origin: unknown): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const snapshot = await this.log.latestSnapshot(live.id);
      if (!snapshot) throw AccordError.notFound('Action plan not found');
      const updates = await this.log.updatesAfter(live.id, snapshot.seq);
      if (!contiguous(snapshot.seq, updates)) continue;
      Y.applyUpdate(live.doc, snapshot.state, origin);
      live.addOwners(snapshot.owners);
      live.snapshotSeq = Math.max(live.snapshotSeq, snapshot.seq);
      live.seq = Math.max(live.seq, snapshot.seq);
      this.applyLogged(live, updates, origin);
      return;
    }
    throw new Error(`Plan ${live.planId}: its log kept changing while it was read`);
  }

  private applyLogged(live: LivePlan, updates: PlanUpdateRecord[], origin: unknown): void {
    for (const record of updates) {
      Y.applyUpdate(live.doc, record.update, origin);
      live.addOwners(record.owners);
      live.seq = Math.max(live.seq, record.seq);
    }
  }

  /** Folds in what other nodes stored since `live.seq` (from the snapshot if the log was pruned). */
  private async catchUpNow(live: LivePlan): Promise<void> {
    const [updates, snapshotSeq] = await Promise.all([
      this.log.updatesAfter(live.id, live.seq),
      this.log.latestSnapshotSeq(live.id),
    ]);
    // A snapshot past what this node has means the log up to it may be pruned: an empty or
    // gapped tail proves nothing, so read from the snapshot.
    if (snapshotSeq <= live.seq && contiguous(live.seq, updates)) {
      this.applyLogged(live, updates, REMOTE);
    } else {
      await this.readLog(live, REMOTE);
    }
  }

  private catchUpLater(live: LivePlan): void {
    live
      .serial(() => this.catchUpNow(live))
      .catch((error: unknown) =>
        this.logger.warn({ err: error, planId: live.planId }, 'plan catch-up failed'),
      );
  }

  /**
   * The plan's document with what every node stored so far (with several nodes, the log is read
   * after what this node has): for opens and reads.
   */
  async current(planId: string): Promise<LivePlan> {
    const live = await this.get(planId);
    if (this.relay.enabled) await live.serial(() => this.catchUpNow(live));
    return live;
  }

  open(live: LivePlan, stateVector?: Uint8Array): OpenedPlan {
    let update: Uint8Array;
    try {
      update = Y.encodeStateAsUpdate(live.doc, stateVector);
    } catch {
      throw AccordError.invalidField('stateVector', 'stateVector is not a Yjs state vector');
    }
    const clients = [...live.awareness.getStates().keys()];
    return {
      update,
      stateVector: Y.encodeStateVector(live.doc),
      awareness: clients.length ? encodeAwarenessUpdate(live.awareness, clients) : null,
      seq: live.seq,
    };
  }

  /** Tells how many sockets of this node have a plan open (the realtime layer knows). */
  countHolders(count: (planId: string) => number): void {
    this.holders = count;
  }

  /** A socket closed the plan: its cursors go too (announced to everyone else). */
  release(planId: string, socketId: string): void {
    const live = this.live.get(planId);
    if (!live) return;
    live.lastUse = Date.now();
    const ids = live.awarenessBySocket.get(socketId);
    live.awarenessBySocket.delete(socketId);
    if (!ids?.size) return;
    const gone = [...ids].filter((id) => live.awareness.getStates().has(id));
    if (!gone.length) return;
    removeAwarenessStates(live.awareness, gone, SERVER);
    const update = encodeAwarenessUpdate(live.awareness, gone);
    this.events.emit({ type: 'plan.awareness', planId, update });
    this.relay.publish({ kind: 'awareness', planId }, update);
  }

  /** As `release`, on whichever node holds the socket (a revocation decided on another node). */
  revoke(planId: string, socketId: string): void {
    this.release(planId, socketId);
    this.relay.publish({ kind: 'release', planId, socketId }, new Uint8Array(0));
  }

  /**
   * A client's update: checked against the layout and the sender's Yjs client ids, applied,
   * stored, then relayed. Resolves once stored; `stored: false` when it brought nothing new.
   */
  async submit(
    live: LivePlan,
    update: Uint8Array,
    userId: string,
    socketId?: string,
    verify?: (references: PlanReferences) => Promise<void>,
  ): Promise<{ seq: number; stored: boolean }> {
    if (update.byteLength > PLAN_UPDATE_MAX_BYTES) {
      throw new AccordError(
        ErrorCode.PAYLOAD_TOO_LARGE,
        `update is ${update.byteLength} bytes; send at most ${PLAN_UPDATE_MAX_BYTES} bytes per update`,
      );
    }
    let check;
    try {
      check = this.check(live, update, userId);
    } catch (error) {
      if (!(error instanceof PlanUpdateRefusal) || error.reason !== 'missing') throw refused(error);
      // Another node may have stored what the update builds on: read the log and look again.
      await live.serial(() => this.catchUpNow(live));
      try {
        check = this.check(live, update, userId);
      } catch (again) {
        throw refused(again);
      }
    }
    const { organisations, recommendations } = check.references;
    if (verify && !check.noop && organisations.length + recommendations.length > 0) {
      // What it names must belong to the coalition (as REST checks); then look again, since the
      // document may have moved on meanwhile.
      await verify(check.references);
      try {
        check = this.check(live, update, userId);
      } catch (again) {
        throw refused(again);
      }
    }
    if (live.closed) throw new AccordError(ErrorCode.CONFLICT, 'The plan was reloaded; send again');
    if (check.noop) return { seq: live.seq, stored: false };
    const owners = check.clients
      .filter((client) => !live.owners.has(client))
      .map((client) => ({ client, userId }));
    live.addOwners(owners);
    Y.applyUpdate(live.doc, update, socketId ?? SERVER);
    const seq = await this.enqueue(live, update, owners, socketId);
    return { seq, stored: true };
  }

  private check(live: LivePlan, update: Uint8Array, userId: string) {
    return checkPlanUpdate(live.doc, update, {
      userId,
      ownerOf: (client) => live.owners.get(client),
    });
  }

  /**
   * A change made by the server (REST edits, restores) as one Yjs transaction: live editors get
   * it like any other update. Resolves once stored.
   */
  async change<T>(live: LivePlan, edit: (plan: Y.Map<unknown>, doc: Y.Doc) => T): Promise<T> {
    const parts: Uint8Array[] = [];
    const capture = (update: Uint8Array, origin: unknown) => {
      if (origin === SERVER) parts.push(update);
    };
    live.doc.on('update', capture);
    let outcome: { result: T } | { error: unknown };
    try {
      outcome = { result: live.doc.transact(() => edit(planMap(live.doc), live.doc), SERVER) };
    } catch (error) {
      outcome = { error };
    } finally {
      live.doc.off('update', capture);
    }
    // Whatever the transaction changed is in memory: it is stored even if the edit then failed.
    if (parts.length > 0) {
      const owners = live.owners.has(live.doc.clientID)
        ? []
        : [{ client: live.doc.clientID, userId: SERVER_OWNER }];
      live.addOwners(owners);
      await this.enqueue(live, parts.length === 1 ? parts[0] : Y.mergeUpdates(parts), owners);
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.result;
  }

  /** Awareness from a socket: kept for later openers and relayed to everyone else. */
  awareness(live: LivePlan, update: Uint8Array, socketId: string): void {
    if (update.byteLength > AWARENESS_MAX_BYTES) {
      throw new AccordError(
        ErrorCode.PAYLOAD_TOO_LARGE,
        `awareness update is ${update.byteLength} bytes; send at most ${AWARENESS_MAX_BYTES}`,
      );
    }
    try {
      applyAwarenessUpdate(live.awareness, update, socketId);
    } catch {
      throw AccordError.invalidField('update', 'update is not a Yjs awareness update');
    }
    this.events.emit({ type: 'plan.awareness', planId: live.planId, update, except: socketId });
    this.relay.publish({ kind: 'awareness', planId: live.planId }, update);
  }

  private enqueue(
    live: LivePlan,
    update: Uint8Array,
    owners: ClientOwner[],
    except?: string,
  ): Promise<number> {
    // This node's other sockets get the change at once, as Hocuspocus relays before its
    // (debounced) store; the sender's ack, and other nodes, wait until it is stored.
    this.events.emit({ type: 'plan.update', planId: live.planId, update, except });
    return new Promise<number>((resolve, reject) => {
      live.pending.push({ update, owners, except, resolve, reject });
      live.draining ??= this.drain(live);
    });
  }

  /** Stores waiting updates in order, several at once when they queue up behind a write. */
  private async drain(live: LivePlan): Promise<void> {
    try {
      while (live.pending.length > 0) {
        // A moment to gather what else is on its way: one insert then stores several updates.
        if (live.pending.length < MAX_BATCH) await sleep(WRITE_GATHER_MS);
        const batch = live.pending.splice(0, MAX_BATCH);
        const update =
          batch.length === 1 ? batch[0].update : Y.mergeUpdates(batch.map((w) => w.update));
        const owners = batch.flatMap((w) => w.owners);
        let seq: number;
        try {
          seq = await live.serial(() => this.append(live, update, owners));
        } catch (error) {
          this.failWrites(live, [...batch, ...live.pending.splice(0)], error);
          return;
        }
        for (const write of batch) write.resolve(seq);
        this.relay.publish({ kind: 'update', planId: live.planId, seq, owners }, update);
      }
    } finally {
      // At once when the loop ends: an update queued from now on starts a new drain.
      live.draining = undefined;
    }
    if (live.seq - live.snapshotSeq >= this.config.planCompactAfter) {
      this.compact(live).catch((error: unknown) =>
        this.logger.warn({ err: error, planId: live.planId }, 'plan compaction failed'),
      );
    }
  }

  /**
   * The memory copy holds changes that could not be stored: refuse them and drop the copy, so the
   * next open reads the stored truth (the senders still have their changes and can send again).
   */
  private failWrites(live: LivePlan, writes: PendingWrite[], error: unknown): void {
    this.logger.error({ err: error, planId: live.planId }, 'plan updates could not be stored');
    for (const write of writes) write.reject(error);
    this.evict(live);
  }

  private async append(live: LivePlan, update: Uint8Array, owners: ClientOwner[]): Promise<number> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const seq = live.seq + 1;
      try {
        await this.log.append(live.id, seq, update, owners);
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        await this.catchUpNow(live); // another node stored this seq first
        continue;
      }
      // With other nodes, this one may have missed their updates (Redis away) while one of them
      // compacted past `seq` and pruned it: then the insert found a free place that no reader
      // will look at. A snapshot at or past `seq` shows it (a pruned place always lies below
      // one); take the record back, read the log again and store the update after it.
      if (this.relay.enabled && (await this.log.latestSnapshotSeq(live.id)) >= seq) {
        await this.log.remove(live.id, seq);
        this.logger.warn({ planId: live.planId, seq }, 'plan log was compacted past this node');
        await this.readLog(live, REMOTE);
        continue;
      }
      live.seq = Math.max(live.seq, seq);
      return seq;
    }
    throw new Error(`Plan ${live.planId}: could not take a place in the update log`);
  }

  /** Waits until nothing is queued or being written for the plan (its memory copy is stored). */
  async settled(live: LivePlan): Promise<void> {
    while (live.draining) await live.draining;
  }

  /** Folds the log into a snapshot at the current seq, drops what it replaces, refreshes the title. */
  async compact(live: LivePlan): Promise<void> {
    const compacted = await live.serial(async () => {
      if (live.seq <= live.snapshotSeq || live.closed) return false;
      const seq = live.seq;
      await this.log.saveSnapshot(live.id, seq, Y.encodeStateAsUpdate(live.doc), live.ownerList());
      await this.log.pruneBefore(live.id, seq);
      live.snapshotSeq = seq;
      return true;
    });
    if (compacted) await this.refreshRecord(live);
  }

  /** Copies the title (and when it was edited) from the document to the plan record, for lists. */
  async refreshRecord(live: LivePlan): Promise<ActionPlanRecord | null> {
    const title = (planMap(live.doc).get('title') as Y.Text | undefined)?.toJSON().trim() ?? '';
    const shown = title.slice(0, 300) || 'Untitled plan';
    return this.locks.withLock(planLockKey(live.planId), () =>
      this.plans.update(live.id, { title: shown, editedAt: new Date(live.lastChange) }),
    );
  }

  private onRelayed({ header, payload }: RelayMessage): void {
    const live = this.live.get(header.planId);
    if (!live) return; // not held here: nobody on this node has it open
    if (header.kind === 'release') {
      this.release(header.planId, header.socketId);
      return;
    }
    if (header.kind === 'awareness') {
      try {
        applyAwarenessUpdate(live.awareness, payload, REMOTE);
      } catch {
        return;
      }
      this.events.emit({ type: 'plan.awareness', planId: live.planId, update: payload });
      return;
    }
    if (header.seq > live.seq + 1) {
      this.catchUpLater(live); // missed one: read the log in order
      return;
    }
    live.addOwners(header.owners);
    Y.applyUpdate(live.doc, payload, REMOTE);
    live.seq = Math.max(live.seq, header.seq);
  }

  private sweep(): void {
    const now = Date.now();
    for (const live of this.live.values()) {
      const idle = now - live.lastChange >= this.idleMs;
      if (idle && live.seq > live.snapshotSeq && !live.draining) {
        this.compact(live).catch((error: unknown) =>
          this.logger.warn({ err: error, planId: live.planId }, 'idle plan compaction failed'),
        );
      } else if (
        this.holders(live.planId) === 0 &&
        now - live.lastUse >= 2 * this.idleMs &&
        now - live.lastChange >= 2 * this.idleMs &&
        !live.draining &&
        live.seq === live.snapshotSeq
      ) {
        this.evict(live);
      }
    }
  }

  private evict(live: LivePlan): void {
    if (this.live.get(live.planId) === live) this.live.delete(live.planId);
    live.destroy();
  }
}

export function planLockKey(planId: string): string {
  return `action-plan:${planId}`;
}

function contiguous(after: number, updates: PlanUpdateRecord[]): boolean {
  return updates.every((record, i) => record.seq === after + 1 + i);
}

function refused(error: unknown): unknown {
  if (!(error instanceof PlanUpdateRefusal)) return error;
  return AccordError.invalidField('update', `update refused: ${error.message}`);
}

/**
 * A new plan's first snapshot must fit one stored record (16 MB on MongoDB, with room to spare):
 * a larger one (an import of an enormous plan) is refused, naming its size.
 */
export const MAX_NEW_DOCUMENT_BYTES = 12 * 1024 * 1024;

function checkNewDocumentSize(state: Uint8Array): void {
  if (state.byteLength > MAX_NEW_DOCUMENT_BYTES) {
    const mb = (bytes: number) => `${Math.round(bytes / 1024 / 102.4) / 10} MB`;
    throw AccordError.invalidField(
      'content',
      `The plan is too large to store: ${mb(state.byteLength)} as a document, at most ${mb(MAX_NEW_DOCUMENT_BYTES)}`,
    );
  }
}
