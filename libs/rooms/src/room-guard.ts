import { Inject, Injectable } from '@nestjs/common';
import type { AuthContext } from '@accord/auth';
import {
  CoalitionAccessPolicy,
  type CoalitionAccess,
  type CoalitionRole,
  CoalitionsService,
} from '@accord/coalitions';
import { AuditService, coalitionScope } from '@accord/audit';
import { AccordError, DocumentLocks, ErrorCode, isObjectIdString } from '@accord/core';
import { Types } from 'mongoose';
import type { CommentRecord } from './comment.schema';
import { type Audience, type CommentView, toCommentView } from './comment-view';
import { CommentsRepository } from './comments.repository';
import { ModerationRepository, type RoomState, type Standing } from './moderation.repository';
import { RoomEvents } from './room-events';

export const COMMENT_NOT_FOUND = 'Comment not found';

/** A change of room settings decided under the settings lock: what to store and how to audit it. */
export interface RoomStateChange {
  next: RoomState;
  action: string;
  data: Record<string, unknown>;
  /** The audit entry's target: the room unless a comment is named. */
  target?: CommentRecord;
}

/** Trimmed text that must not be empty (VALIDATION naming the field otherwise). */
export function requireText(value: string, field: string): string {
  const text = value.trim();
  if (!text) throw AccordError.invalidField(field, `${field} must not be empty`);
  return text;
}

export function assertNotBanned(standing: Standing): void {
  if (standing.banned) throw AccordError.forbidden('You are banned from this room');
}

export function audienceOf(role: CoalitionRole | null): Audience {
  return CoalitionAccessPolicy.canModerate(role) ? 'moderator' : 'public';
}

export function commentLockKey(commentId: Types.ObjectId | string): string {
  return `comment:${commentId.toString()}`;
}

export function roomSettingsLockKey(coalitionId: Types.ObjectId | string): string {
  return `room-settings:${coalitionId.toString()}`;
}

/**
 * The room rules every service shares: who may see a comment, who may write (bans, mutes,
 * locks), and how comments are shown to whom. Built on the coalition access policy.
 */
@Injectable()
export class RoomGuard {
  constructor(
    @Inject(CoalitionsService) private readonly coalitions: CoalitionsService,
    @Inject(CommentsRepository) private readonly comments: CommentsRepository,
    @Inject(ModerationRepository) private readonly moderation: ModerationRepository,
    @Inject(AuditService) private readonly auditLog: AuditService,
    @Inject(DocumentLocks) private readonly locks: DocumentLocks,
    @Inject(RoomEvents) private readonly events: RoomEvents,
  ) {}

  /**
   * A deleted or hidden comment stops being the room's pinned one: announced as room:updated
   * and audited as an unpin by the person who deleted or hid it.
   */
  async unpinIfPinned(
    ctx: AuthContext,
    access: CoalitionAccess,
    comment: CommentRecord,
  ): Promise<void> {
    const id = comment._id.toString();
    if ((await this.moderation.roomState(comment.coalitionId)).pinnedCommentId !== id) return;
    await this.changeRoomState(ctx, access, (current) =>
      current.pinnedCommentId === id
        ? {
            next: { ...current, pinnedCommentId: null },
            action: 'room.comment.unpinned',
            data: { commentId: id, because: comment.deletedAt ? 'deleted' : 'hidden' },
            target: comment,
          }
        : null,
    );
  }

  /**
   * Changes a room's settings under its lock (read fresh, `decide`, store), then audits the
   * change and announces room:updated. The caller has checked that the person may.
   */
  async changeRoomState(
    ctx: AuthContext,
    access: CoalitionAccess,
    decide: (state: RoomState) => RoomStateChange | null,
  ): Promise<RoomState> {
    const id = access.coalition._id;
    const { state, change } = await this.locks.withLock(roomSettingsLockKey(id), async () => {
      const current = await this.moderation.roomState(id, { fresh: true });
      const decided = decide(current);
      if (decided) await this.moderation.saveRoomState(id, decided.next);
      return { state: decided?.next ?? current, change: decided };
    });
    if (change) {
      await this.audit(
        ctx,
        access,
        change.action,
        change.target ?? { type: 'room', id: id.toString() },
        change.data,
      );
      this.events.emit({ type: 'room.updated', coalitionId: id.toString(), state });
    }
    return state;
  }

  /**
   * Runs a change of one comment under its lock, on the comment read fresh inside it (every
   * writer of a comment goes through here). `work` answers null when there is nothing to do.
   */
  async changeComment(
    comment: CommentRecord,
    work: (current: CommentRecord) => Promise<CommentRecord | null>,
  ): Promise<{ record: CommentRecord; changed: boolean }> {
    return this.locks.withLock(commentLockKey(comment._id), async () => {
      const current = await this.comments.findById(comment._id.toString());
      if (!current) throw AccordError.notFound(COMMENT_NOT_FOUND);
      const next = await work(current);
      return next ? { record: next, changed: true } : { record: current, changed: false };
    });
  }

  /** Broadcasts a changed comment (each audience its view) and answers both views. */
  async announce(
    record: CommentRecord,
    event: 'comment:updated' | 'comment:deleted' | 'comment:hidden',
  ): Promise<{ forModerators: CommentView; forOthers: CommentView }> {
    const views = await this.bothViews(record);
    this.events.emit({
      type: 'comment.changed',
      coalitionId: record.coalitionId.toString(),
      event,
      ...views,
    });
    return views;
  }

  /**
   * Rank rule of moderation: the caller must moderate the room and rank above the target
   * (outsiders of a public room rank lowest). Answers the target's role.
   */
  async assertOutranks(
    ctx: AuthContext,
    access: CoalitionAccess,
    targetUserId: string,
    action: string,
  ): Promise<CoalitionRole | null> {
    if (!CoalitionAccessPolicy.canModerate(access.role))
      throw AccordError.forbidden(`Only moderators and organisers can ${action}`);
    if (targetUserId === ctx.userId) throw AccordError.forbidden(`You cannot ${action} yourself`);
    const target = await this.coalitions.roleOf(access.coalition._id, targetUserId);
    if (!CoalitionAccessPolicy.canModerateUser(access.role, target)) {
      throw AccordError.forbidden(
        `A ${access.role ?? 'non-member'} cannot ${action} a ${target ?? 'non-member'}: nobody acts on an equal or higher rank`,
      );
    }
    return target;
  }

  /** Writes a moderation action to the coalition's audit log. */
  async audit(
    ctx: AuthContext,
    access: CoalitionAccess,
    action: string,
    target: CommentRecord | { type: 'user' | 'room'; id: string },
    data: Record<string, unknown>,
  ): Promise<void> {
    const isComment = 'seq' in target;
    await this.auditLog.record({
      scope: coalitionScope(access.coalition._id.toString()),
      actorId: ctx.userId,
      action,
      target: isComment
        ? { type: 'comment', id: target._id.toString() }
        : { type: target.type, id: target.id },
      data: isComment ? { seq: target.seq, authorId: target.authorId.toString(), ...data } : data,
    });
  }

  /** The coalition as the caller sees it, and their standing; refuses people banned from its room. */
  async enter(
    ctx: AuthContext,
    coalitionId: string,
  ): Promise<CoalitionAccess & { standing: Standing }> {
    const [access, standing] = await Promise.all([
      this.coalitions.access(ctx, coalitionId),
      // An invalid id never gets here: access() answers NOT_FOUND for it first.
      isObjectIdString(coalitionId)
        ? this.moderation.standing(new Types.ObjectId(coalitionId), ctx.userId)
        : Promise.resolve({ banned: false, mutedUntil: null }),
    ]);
    assertNotBanned(standing);
    return { ...access, standing };
  }

  /** A comment and the caller's access to its room; NOT_FOUND alike for unknown and unseeable. */
  async comment(
    ctx: AuthContext,
    commentId: string,
  ): Promise<{ comment: CommentRecord; access: CoalitionAccess }> {
    const comment = await this.comments.findById(commentId);
    if (!comment) throw AccordError.notFound(COMMENT_NOT_FOUND);
    try {
      return { comment, access: await this.coalitions.access(ctx, comment.coalitionId.toString()) };
    } catch (error) {
      if (error instanceof AccordError && error.code === ErrorCode.NOT_FOUND)
        throw AccordError.notFound(COMMENT_NOT_FOUND);
      throw error;
    }
  }

  /**
   * Refuses a write (comment, edit, reaction) by someone who may not write now: not a member
   * (observers read), banned, muted, or a locked room for non-moderators.
   */
  async assertMayWrite(
    ctx: AuthContext,
    access: CoalitionAccess,
  ): Promise<{ state: RoomState; standing: Standing }> {
    const write = await this.writeState(ctx, access);
    this.checkWrite(access, write);
    return write;
  }

  /** What decides whether the caller may write now: the room's settings and their standing. */
  async writeState(
    ctx: AuthContext,
    access: CoalitionAccess,
  ): Promise<{ state: RoomState; standing: Standing }> {
    const [state, standing] = await Promise.all([
      this.moderation.roomState(access.coalition._id),
      this.moderation.standing(access.coalition._id, ctx.userId),
    ]);
    return { state, standing };
  }

  /** The write rules, in the order a person should hear about them. */
  checkWrite(access: CoalitionAccess, write: { state: RoomState; standing: Standing }): void {
    if (!CoalitionAccessPolicy.canComment(access.role)) {
      throw AccordError.forbidden(
        access.role === 'observer'
          ? 'Observers can read but not comment'
          : 'Only members of this coalition can comment',
      );
    }
    const { state, standing } = write;
    assertNotBanned(standing);
    if (standing.mutedUntil) {
      throw new AccordError(
        ErrorCode.MUTED,
        `You are muted in this room until ${standing.mutedUntil.toISOString()}`,
        { details: { mutedUntil: standing.mutedUntil.toISOString() } },
      );
    }
    if (state.locked && !CoalitionAccessPolicy.canModerate(access.role)) {
      throw new AccordError(
        ErrorCode.ROOM_LOCKED,
        'This room is locked: only moderators can write until it is unlocked',
      );
    }
  }

  /** The coalition as the caller sees it (NOT_FOUND when they may not see it). */
  access(ctx: AuthContext, coalitionId: string): Promise<CoalitionAccess> {
    return this.coalitions.access(ctx, coalitionId);
  }

  /** Views of these comments for one audience, with their reactions. */
  async views(records: CommentRecord[], audience: Audience): Promise<CommentView[]> {
    const reactions = await this.moderation.reactionsOf(records.map((r) => r._id));
    return records.map((r) => toCommentView(r, audience, reactions.get(r._id.toString()) ?? []));
  }

  /** The two views of one comment, for a broadcast to moderators and to everyone else. */
  async bothViews(
    record: CommentRecord,
  ): Promise<{ forModerators: CommentView; forOthers: CommentView }> {
    const reactions =
      (await this.moderation.reactionsOf([record._id])).get(record._id.toString()) ?? [];
    return {
      forModerators: toCommentView(record, 'moderator', reactions),
      forOthers: toCommentView(record, 'public', reactions),
    };
  }
}
