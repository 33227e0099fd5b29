import { PlanSession, type PlanSessionOptions } from './plan-session';
import { io, type Socket } from 'socket.io-client';
import type { CoalitionRole, PlanStatus } from './types';

/** The ack error of a socket event: the contract's code and a message a person can act on. */
export class AccordSocketError extends Error {
  constructor(
    readonly event: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AccordSocketError';
  }
}

export interface CommentAnchor {
  type: 'recommendation' | 'plan-section';
  id: string;
  path?: string | null;
}

export interface Reaction {
  emoji: string;
  count: number;
  userIds: string[];
}

export interface RoomComment {
  id: string;
  coalitionId: string;
  seq: number;
  authorId: string;
  organisationId: string | null;
  body: string;
  parentId: string | null;
  anchor: { type: string; id: string; path: string | null } | null;
  createdAt: string;
  updatedAt: string;
  editedAt: string | null;
  deleted: boolean;
  deletedBy: 'author' | 'moderator' | null;
  hidden: boolean;
  hiddenReason?: string;
  hiddenById?: string;
  hiddenAt?: string;
  reactions: Reaction[];
}

export interface PresenceUser {
  userId: string;
  displayName: string;
  organisationId: string;
  stakeholderType: string;
}

export interface RoomState {
  coalitionId: string;
  locked: boolean;
  slowModeSeconds: number;
  pinnedCommentId: string | null;
}

export interface RoomSnapshot {
  presence: PresenceUser[];
  comments: RoomComment[];
  seq: number;
  locked: boolean;
  slowModeSeconds: number;
  pinnedCommentId: string | null;
  role: CoalitionRole | null;
  mutedUntil: string | null;
  syncedAt: string;
}

export interface RoomSync {
  comments: RoomComment[];
  updated: RoomComment[];
  seq: number;
  syncedAt: string;
}

export interface RoomFlag {
  id: string;
  coalitionId: string;
  commentId: string;
  userId: string;
  reason: string;
  createdAt: string;
}

/** Server → client events (DESIGN.md → Realtime). */
export interface RoomServerEvents {
  'presence:update': (p: { coalitionId: string; users: PresenceUser[] }) => void;
  typing: (p: { coalitionId: string; userId: string; isTyping: boolean }) => void;
  'comment:created': (c: RoomComment) => void;
  'comment:updated': (c: RoomComment) => void;
  'comment:deleted': (c: RoomComment) => void;
  'comment:hidden': (c: RoomComment) => void;
  'room:updated': (s: RoomState) => void;
  'room:removed': (p: { coalitionId: string; reason: string }) => void;
  'room:muted': (p: { coalitionId: string; mutedUntil: string | null }) => void;
  'room:role': (p: { coalitionId: string; role: CoalitionRole | null }) => void;
  /** `flaggedByName`: who flagged, as in the REST flag queue. */
  'flag:created': (f: RoomFlag & { flaggedByName: string; comment: RoomComment }) => void;
  'plan:update': (p: { planId: string; update: Uint8Array }) => void;
  'plan:awareness': (p: { planId: string; update: Uint8Array }) => void;
  'plan:status': (p: { planId: string; status: PlanStatus; frozen: boolean }) => void;
  'plan:endorsed': (p: { planId: string; organisationId: string; versionId: string }) => void;
  'plan:access': (p: { planId: string; role: CoalitionRole; readOnly: boolean }) => void;
  'plan:closed': (p: { planId: string; reason: string }) => void;
  'flag:resolved': (p: {
    coalitionId: string;
    commentId: string;
    resolution: 'dismissed' | 'hidden' | 'deleted';
  }) => void;
}

type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

/** An access token, or a function giving the current one. */
export type AccessToken = string | (() => string | undefined);

export interface RealtimeOptions {
  /** Milliseconds to wait for each ack (default 10 s). */
  ackTimeoutMs?: number;
  /** socket.io transports (default websocket first, then polling). */
  transports?: ('websocket' | 'polling')[];
  /** Reconnect automatically (default true); rejoin and replay with `room.sync`. */
  reconnection?: boolean;
}

/**
 * A typed socket.io client for Accord's live rooms. Every method resolves with the ack's data or
 * rejects with an {@link AccordSocketError} carrying the contract's code.
 */
export class AccordRealtime {
  readonly socket: Socket<RoomServerEvents>;
  private readonly ackTimeoutMs: number;

  constructor(baseUrl: string, accessToken: AccessToken, options: RealtimeOptions = {}) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.socket = io(baseUrl, {
      // Asked at every (re)connection, so a refreshed token is the one a reconnect sends.
      auth: (send) =>
        send({ token: typeof accessToken === 'function' ? accessToken() : accessToken }),
      transports: options.transports ?? ['websocket', 'polling'],
      reconnection: options.reconnection ?? true,
      forceNew: true,
    });
  }

  /** Resolves once connected; rejects with the handshake error (`unauthorized`). */
  connected(): Promise<this> {
    if (this.socket.connected) return Promise.resolve(this);
    return new Promise((resolve, reject) => {
      const onConnect = (): void => {
        this.socket.off('connect_error', onError);
        resolve(this);
      };
      const onError = (error: Error): void => {
        this.socket.off('connect', onConnect);
        reject(error);
      };
      this.socket.once('connect', onConnect);
      this.socket.once('connect_error', onError);
    });
  }

  on<E extends keyof RoomServerEvents>(event: E, listener: RoomServerEvents[E]): () => void {
    this.socket.on(event, listener as never);
    return () => this.socket.off(event, listener as never);
  }

  close(): void {
    this.socket.disconnect();
  }

  /** Sends an event and resolves with its ack data (rejects with its error). */
  async request<T>(event: string, payload: unknown): Promise<T> {
    const socket = this.socket as unknown as Socket;
    const ack = (await socket.timeout(this.ackTimeoutMs).emitWithAck(event, payload)) as Ack<T>;
    if (!ack.ok) throw new AccordSocketError(event, ack.error.code, ack.error.message);
    return ack.data;
  }

  /** A live plan over this connection; call `open()` on it. */
  plan(planId: string, options: PlanSessionOptions = {}): PlanSession {
    return new PlanSession(this, planId, options);
  }

  readonly room = {
    join: (coalitionId: string) => this.request<RoomSnapshot>('room:join', { coalitionId }),
    leave: (coalitionId: string) =>
      this.request<{ coalitionId: string }>('room:leave', { coalitionId }),
    /** What was missed since `afterSeq`, and changes to older comments since `updatedSince`. */
    sync: (coalitionId: string, afterSeq: number, updatedSince?: string) =>
      this.request<RoomSync>(
        'room:sync',
        updatedSince ? { coalitionId, afterSeq, updatedSince } : { coalitionId, afterSeq },
      ),
    typing: (coalitionId: string, isTyping: boolean) =>
      this.request<{ coalitionId: string; relayed: boolean }>('typing', { coalitionId, isTyping }),
  };

  readonly comments = {
    create: (input: {
      coalitionId: string;
      body: string;
      clientMsgId: string;
      parentId?: string;
      anchor?: CommentAnchor;
    }) => this.request<RoomComment>('comment:create', input),
    edit: (commentId: string, body: string) =>
      this.request<RoomComment>('comment:edit', { commentId, body }),
    delete: (commentId: string) => this.request<RoomComment>('comment:delete', { commentId }),
    react: (commentId: string, emoji: string, remove = false) =>
      this.request<RoomComment>(
        'comment:react',
        remove ? { commentId, emoji, remove } : { commentId, emoji },
      ),
    flag: (commentId: string, reason: string) =>
      this.request<{ flag: RoomFlag; alreadyFlagged: boolean }>('comment:flag', {
        commentId,
        reason,
      }),
  };

  readonly moderation = {
    hide: (commentId: string, reason: string) =>
      this.request<RoomComment>('mod:hide', { commentId, reason }),
    unhide: (commentId: string, reason?: string) =>
      this.request<RoomComment>(
        'mod:unhide',
        reason === undefined ? { commentId } : { commentId, reason },
      ),
    mute: (coalitionId: string, userId: string, minutes: number) =>
      this.request<{ userId: string; mutedUntil: string | null }>('mod:mute', {
        coalitionId,
        userId,
        minutes,
      }),
    kick: (coalitionId: string, userId: string) =>
      this.request<{ userId: string }>('mod:kick', { coalitionId, userId }),
    ban: (coalitionId: string, userId: string) =>
      this.request<{ userId: string; banned: true }>('mod:ban', { coalitionId, userId }),
    unban: (coalitionId: string, userId: string) =>
      this.request<{ userId: string; banned: false }>('mod:unban', { coalitionId, userId }),
    lock: (coalitionId: string, locked: boolean) =>
      this.request<RoomState>('mod:lock', { coalitionId, locked }),
    slowMode: (coalitionId: string, seconds: number) =>
      this.request<RoomState>('mod:slow', { coalitionId, seconds }),
    /** Keeps a flagged comment: resolves its flags so far. */
    dismissFlags: (coalitionId: string, flagId: string, reason?: string) =>
      this.request<{ commentId: string; resolution: 'dismissed' }>(
        'mod:dismiss',
        reason === undefined ? { coalitionId, flagId } : { coalitionId, flagId, reason },
      ),
    pin: (commentId: string, pinned = true) =>
      this.request<RoomState>('mod:pin', { commentId, pinned }),
  };
}
