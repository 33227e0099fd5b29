import {
  applyAwarenessUpdate,
  Awareness,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness';
import * as Y from 'yjs';
import { AccordSocketError, type AccordRealtime } from './realtime';
import type { PlanStatus } from './types';

/** The ack of plan:open. */
export interface PlanOpened {
  planId: string;
  update: Uint8Array;
  stateVector: Uint8Array;
  awareness: Uint8Array | null;
  readOnly: boolean;
  status: PlanStatus;
  seq: number;
}

/** Where a change came from, as the origin of Yjs transactions. */
const FROM_SERVER = Symbol('accord-server');

/** Binary from socket.io: a Buffer in Node, an ArrayBuffer in browsers. */
export function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError('expected binary data');
}

export interface PlanSessionOptions {
  /** An existing document to sync (e.g. one edited offline); a new one by default. */
  doc?: Y.Doc;
  /** Called when the server refuses one of this session's updates or awareness messages. */
  onError?: (error: Error) => void;
  /** Called when `status` or `readOnly` may have changed (plan:status, plan:access, an open). */
  onState?: (session: PlanSession) => void;
}

/**
 * A live plan: a Yjs document kept in sync with Accord over the socket contract. Local changes
 * are sent as plan:update (each acknowledged once stored), the others' arrive as plan:update;
 * cursors travel as y-protocols awareness. After a reconnection the session opens the plan again
 * and both sides exchange what the other lacks.
 */
export class PlanSession {
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  readOnly = true;
  status: PlanStatus = 'draft';
  /** The server's seq as of the last open or acknowledged update. */
  seq = 0;
  /**
   * True once the server refused one of this document's changes: the document now holds
   * something the plan never will, and its later edits build on it. Show the person the plan
   * again from a new session (a new document); this one only receives from now on.
   */
  diverged = false;
  /** Why the server closed the plan for this person (e.g. `membership_ended`), if it did. */
  closedReason: string | null = null;
  private inFlight = new Set<Promise<unknown>>();
  /** This document's own updates not acknowledged yet, in the order they were made. */
  private readonly unacked = new Set<Uint8Array>();
  private readonly offs: (() => void)[] = [];
  private opened = false;
  private closed = false;

  constructor(
    readonly realtime: AccordRealtime,
    readonly planId: string,
    private readonly options: PlanSessionOptions = {},
  ) {
    this.doc = options.doc ?? new Y.Doc();
    this.awareness = new Awareness(this.doc);
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      // A diverged document's changes would all be refused: it only receives from now on.
      if (origin !== FROM_SERVER && this.opened && !this.closed && !this.diverged) {
        this.send(update);
      }
    };
    this.doc.on('update', onUpdate);
    this.offs.push(() => this.doc.off('update', onUpdate));
    const onAwareness = (
      changes: { added: number[]; updated: number[]; removed: number[] },
      origin: unknown,
    ) => {
      if (origin !== 'local' || !this.opened || this.closed) return;
      const ids = [...changes.added, ...changes.updated, ...changes.removed];
      this.track(
        this.realtime.request('plan:awareness', {
          planId: this.planId,
          update: encodeAwarenessUpdate(this.awareness, ids),
        }),
      );
    };
    this.awareness.on('update', onAwareness);
    this.offs.push(() => this.awareness.off('update', onAwareness));
    const socket = realtime.socket as unknown as {
      on(event: string, listener: (...args: unknown[]) => void): void;
      off(event: string, listener: (...args: unknown[]) => void): void;
    };
    const listen = (event: string, listener: (...args: unknown[]) => void) => {
      socket.on(event, listener);
      this.offs.push(() => socket.off(event, listener));
    };
    listen('plan:update', (payload) => {
      const { planId, update } = payload as { planId: string; update: unknown };
      if (planId === this.planId) Y.applyUpdate(this.doc, toBytes(update), FROM_SERVER);
    });
    listen('plan:awareness', (payload) => {
      const { planId, update } = payload as { planId: string; update: unknown };
      if (planId === this.planId)
        applyAwarenessUpdate(this.awareness, toBytes(update), FROM_SERVER);
    });
    listen('plan:status', (payload) => {
      const { planId, status, frozen } = payload as {
        planId: string;
        status: PlanStatus;
        frozen: boolean;
      };
      if (planId !== this.planId) return;
      this.status = status;
      if (frozen) this.readOnly = true;
      this.options.onState?.(this);
      // Back from a frozen status: whether this person may write again is theirs alone (their
      // role), which the server tells on a new open.
      if (!frozen && this.readOnly && this.opened && !this.closed) {
        this.open().catch((error: unknown) => this.options.onError?.(error as Error));
      }
    });
    listen('plan:access', (payload) => {
      const { planId, readOnly } = payload as { planId: string; readOnly: boolean };
      if (planId !== this.planId) return;
      this.readOnly = readOnly;
      this.options.onState?.(this);
    });
    listen('plan:closed', (payload) => {
      const { planId, reason } = payload as { planId: string; reason: string };
      if (planId !== this.planId) return;
      this.closedReason = reason;
      this.readOnly = true;
      this.dispose();
      this.options.onState?.(this);
    });
    listen('connect', () => {
      if (this.opened && !this.closed) {
        this.open().catch((error: unknown) => this.options.onError?.(error as Error));
      }
    });
  }

  /**
   * Opens (or re-opens) the plan: applies what the server has and this document lacks, then
   * sends what this document has and the server lacks (unless read-only).
   */
  async open(): Promise<this> {
    const opened = await this.realtime.request<PlanOpened>('plan:open', {
      planId: this.planId,
      stateVector: Y.encodeStateVector(this.doc),
    });
    Y.applyUpdate(this.doc, toBytes(opened.update), FROM_SERVER);
    if (opened.awareness) {
      applyAwarenessUpdate(this.awareness, toBytes(opened.awareness), FROM_SERVER);
    }
    this.readOnly = opened.readOnly;
    this.status = opened.status;
    this.seq = Math.max(this.seq, opened.seq);
    this.opened = true;
    const missing = Y.encodeStateAsUpdate(this.doc, toBytes(opened.stateVector));
    if (!this.readOnly && !this.diverged && hasContent(missing)) {
      if (missing.byteLength <= MAX_UPDATE_BYTES) {
        this.unacked.clear(); // all in this one
        this.send(missing);
      } else {
        this.sendInParts(missing);
      }
    }
    const local = this.awareness.getLocalState();
    if (local) this.awareness.setLocalState(local); // announce ourselves to the others
    this.options.onState?.(this);
    return this;
  }

  /** The plan's root map (DESIGN.md → Yjs layout). */
  get plan(): Y.Map<unknown> {
    return this.doc.getMap('plan');
  }

  /** Resolves when every update sent so far is acknowledged (rejects with the first refusal). */
  async flushed(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Sends one update as it is (for tests and tools); resolves with the ack. */
  sendRaw(update: Uint8Array): Promise<{ planId: string; seq: number; stored: boolean }> {
    return this.realtime.request('plan:update', { planId: this.planId, update });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    removeAwarenessStates(this.awareness, [this.doc.clientID], 'local');
    for (const off of this.offs) off();
    this.awareness.destroy();
    if (this.realtime.socket.connected) {
      await this.realtime.request('plan:close', { planId: this.planId }).catch(() => undefined);
    }
  }

  /** Stops listening and frees the session's timers, without telling the server. */
  dispose(): void {
    this.closed = true;
    for (const off of this.offs.splice(0)) off();
    this.awareness.destroy();
  }

  /**
   * Much changed while the connection was down: more than one update may carry. The changes go
   * again as they were made (each small), in order — if they are all of what the server lacks.
   */
  private sendInParts(missing: Uint8Array): void {
    const parts = [...this.unacked];
    const needed = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(missing));
    const held = Y.decodeStateVector(
      Y.encodeStateVectorFromUpdate(
        parts.length > 0 ? Y.mergeUpdates(parts) : new Uint8Array([0, 0]),
      ),
    );
    const covered = [...needed].every(([client, clock]) => (held.get(client) ?? 0) >= clock);
    if (!covered || parts.some((part) => part.byteLength > MAX_UPDATE_BYTES)) {
      this.diverged = true;
      this.options.onState?.(this);
      this.options.onError?.(
        new AccordSocketError(
          'plan:update',
          'PAYLOAD_TOO_LARGE',
          `${Math.round(missing.byteLength / 1024)} KB changed here while offline is more than one update carries`,
        ),
      );
      return;
    }
    this.unacked.clear();
    for (const part of parts) this.send(part);
  }

  private send(update: Uint8Array): void {
    this.unacked.add(update);
    this.track(
      this.sendRaw(update).then(
        (ack) => {
          this.unacked.delete(update);
          this.seq = Math.max(this.seq, ack.seq);
        },
        (error: unknown) => {
          // The server lacks what this update builds on (it reloaded the plan): opening again
          // sends everything it lacks, this update included — unless this document holds a
          // refused change, which the server will never take.
          // The same after a reconnection, when an update buffered while offline reaches the
          // server before the plan is opened again.
          if (!(error instanceof AccordSocketError) || this.diverged || this.closed) throw error;
          if (/open the plan (again|first)/i.test(error.message)) {
            return this.open().then(() => undefined);
          }
          if (error.code === 'RATE_LIMITED') {
            // Nothing is lost: the next open sends what the server lacks.
            return new Promise<void>((resolve) => setTimeout(resolve, 1000)).then(() =>
              this.closed ? undefined : this.open().then(() => undefined),
            );
          }
          if (REFUSALS.has(error.code)) {
            this.diverged = true;
            this.options.onState?.(this);
          }
          throw error;
        },
      ),
    );
  }

  private track(request: Promise<unknown>): void {
    const tracked: Promise<unknown> = request.then(
      () => {
        this.inFlight.delete(tracked);
      },
      (error: unknown) => {
        this.inFlight.delete(tracked);
        this.options.onError?.(error as Error);
        throw error;
      },
    );
    tracked.catch(() => undefined);
    this.inFlight.add(tracked);
  }
}

/**
 * Refusals that leave this document holding a change the plan will not take (invalid, too
 * large, or made while the plan was frozen or the person read-only): later changes build on it.
 */
const REFUSALS = new Set(['VALIDATION', 'PAYLOAD_TOO_LARGE', 'FORBIDDEN']);

/** The most one plan:update may carry (the server's limit). */
const MAX_UPDATE_BYTES = 48 * 1024;

/** An update that carries no structs and no deletions is 2 bytes ([0, 0]). */
function hasContent(update: Uint8Array): boolean {
  return update.byteLength > 2;
}
