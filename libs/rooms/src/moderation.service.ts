import { Inject, Injectable } from '@nestjs/common';
import { type AuthContext, UsersRepository } from '@accord/auth';
import { CoalitionAccessPolicy, type CoalitionAccess, CoalitionsService } from '@accord/coalitions';
import { AccordError, type Page } from '@accord/core';
import { Types } from 'mongoose';
import type { CommentView } from './comment-view';
import type { CommentRecord } from './comment.schema';
import { CommentsRepository } from './comments.repository';
import { ModerationRepository, type RoomState } from './moderation.repository';
import { type FlagView, RoomEvents, toFlagView } from './room-events';
import { requireText, RoomGuard, type RoomStateChange } from './room-guard';
import type {
  HideCommentDto,
  LockDto,
  MuteDto,
  PinDto,
  RoomUserDto,
  SlowModeDto,
  UnhideCommentDto,
} from './dto/room.dto';

export interface FlagQueueItem extends FlagView {
  flaggedByName: string | null;
  /** The comment as moderators see it (hidden ones with their reason). */
  comment: CommentView;
  /** Open until the comment is hidden or deleted, or its flags are dismissed. */
  status: 'open' | 'resolved';
  resolution: 'hidden' | 'deleted' | 'dismissed' | null;
}

export type FlagStatusFilter = 'open' | 'resolved' | 'all';

const MODERATORS_ONLY = 'Only moderators and organisers can moderate this room';

/** Room moderation: hide, mute, kick, ban, lock, slow mode, pin, and the flag queue. All audited. */
@Injectable()
export class ModerationService {
  constructor(
    @Inject(CoalitionsService) private readonly coalitions: CoalitionsService,
    @Inject(CommentsRepository) private readonly comments: CommentsRepository,
    @Inject(ModerationRepository) private readonly moderation: ModerationRepository,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(RoomGuard) private readonly guard: RoomGuard,
    @Inject(RoomEvents) private readonly events: RoomEvents,
  ) {}

  /** Hides a comment: moderators keep seeing it with the reason, everyone else a placeholder. */
  async hide(ctx: AuthContext, dto: HideCommentDto): Promise<CommentView> {
    const { comment, access } = await this.guard.comment(ctx, dto.commentId);
    await this.guard.assertOutranks(ctx, access, comment.authorId.toString(), 'hide comments of');
    const reason = requireText(dto.reason, 'reason');
    const { record, changed } = await this.guard.changeComment(comment, (current) => {
      if (current.deletedAt) throw AccordError.conflict('This comment was deleted');
      if (current.hidden?.reason === reason) return Promise.resolve(null);
      return this.comments.change(current._id, {
        hidden: { byId: new Types.ObjectId(ctx.userId), reason, at: new Date() },
      });
    });
    if (!changed) return this.moderatorView(record);
    await this.guard.audit(ctx, access, 'room.comment.hidden', record, { reason });
    const views = await this.guard.announce(record, 'comment:hidden');
    this.events.emit({
      type: 'flags.resolved',
      coalitionId: record.coalitionId.toString(),
      commentId: record._id.toString(),
      resolution: 'hidden',
    });
    await this.guard.unpinIfPinned(ctx, access, record);
    return views.forModerators;
  }

  async unhide(ctx: AuthContext, dto: UnhideCommentDto): Promise<CommentView> {
    const { comment, access } = await this.guard.comment(ctx, dto.commentId);
    await this.guard.assertOutranks(ctx, access, comment.authorId.toString(), 'unhide comments of');
    const { record, changed } = await this.guard.changeComment(comment, (current) =>
      current.hidden ? this.comments.change(current._id, { hidden: null }) : Promise.resolve(null),
    );
    if (!changed) return this.moderatorView(record);
    await this.guard.audit(ctx, access, 'room.comment.unhidden', record, {
      reason: dto.reason?.trim() || null,
    });
    return (await this.guard.announce(record, 'comment:updated')).forModerators;
  }

  /** Mutes someone for `minutes` (0 lifts the mute): they read but cannot write (`MUTED`). */
  async mute(
    ctx: AuthContext,
    dto: MuteDto,
  ): Promise<{ userId: string; mutedUntil: string | null }> {
    const access = await this.target(ctx, dto, 'mute');
    const until = dto.minutes > 0 ? new Date(Date.now() + dto.minutes * 60_000) : null;
    await this.moderation.addSanction({
      coalitionId: access.coalition._id,
      userId: dto.userId,
      kind: until ? 'mute' : 'unmute',
      until,
      byId: ctx.userId,
    });
    const mutedUntil = until?.toISOString() ?? null;
    await this.guard.audit(
      ctx,
      access,
      until ? 'room.user.muted' : 'room.user.unmuted',
      { type: 'user', id: dto.userId },
      until ? { minutes: dto.minutes, until: mutedUntil } : {},
    );
    this.events.emit({
      type: 'room.muted',
      coalitionId: dto.coalitionId,
      userId: dto.userId,
      until: mutedUntil,
    });
    return { userId: dto.userId, mutedUntil };
  }

  /** Puts someone out of the live room now (all their sockets, every node); they may rejoin. */
  async kick(ctx: AuthContext, dto: RoomUserDto): Promise<{ userId: string }> {
    const access = await this.target(ctx, dto, 'kick');
    await this.guard.audit(ctx, access, 'room.user.kicked', { type: 'user', id: dto.userId }, {});
    this.events.emit({
      type: 'room.removed',
      coalitionId: dto.coalitionId,
      userId: dto.userId,
      reason: 'kicked',
    });
    return { userId: dto.userId };
  }

  /** As kick, and they cannot come back (room and its REST routes) until unbanned. */
  async ban(ctx: AuthContext, dto: RoomUserDto): Promise<{ userId: string; banned: true }> {
    const access = await this.target(ctx, dto, 'ban');
    await this.moderation.addSanction({
      coalitionId: access.coalition._id,
      userId: dto.userId,
      kind: 'ban',
      until: null,
      byId: ctx.userId,
    });
    await this.guard.audit(ctx, access, 'room.user.banned', { type: 'user', id: dto.userId }, {});
    this.events.emit({
      type: 'room.removed',
      coalitionId: dto.coalitionId,
      userId: dto.userId,
      reason: 'banned',
    });
    return { userId: dto.userId, banned: true };
  }

  async unban(ctx: AuthContext, dto: RoomUserDto): Promise<{ userId: string; banned: false }> {
    const access = await this.target(ctx, dto, 'unban');
    await this.moderation.addSanction({
      coalitionId: access.coalition._id,
      userId: dto.userId,
      kind: 'unban',
      until: null,
      byId: ctx.userId,
    });
    await this.guard.audit(ctx, access, 'room.user.unbanned', { type: 'user', id: dto.userId }, {});
    return { userId: dto.userId, banned: false };
  }

  /** Locks the room (only moderators write: `ROOM_LOCKED` for others) or unlocks it. */
  async lock(ctx: AuthContext, dto: LockDto): Promise<RoomState & { coalitionId: string }> {
    return this.changeSettings(ctx, dto.coalitionId, (state) =>
      state.locked === dto.locked
        ? null
        : {
            next: { ...state, locked: dto.locked },
            action: dto.locked ? 'room.locked' : 'room.unlocked',
            data: {},
          },
    );
  }

  /** Slow mode: non-moderators may comment once every `seconds` (0 turns it off). */
  async slowMode(ctx: AuthContext, dto: SlowModeDto): Promise<RoomState & { coalitionId: string }> {
    return this.changeSettings(ctx, dto.coalitionId, (state) =>
      state.slowModeSeconds === dto.seconds
        ? null
        : {
            next: { ...state, slowModeSeconds: dto.seconds },
            action: 'room.slow_mode_changed',
            data: { from: state.slowModeSeconds, to: dto.seconds },
          },
    );
  }

  /** Pins a comment at the top of the room (one at a time), or unpins it with `pinned: false`. */
  async pin(ctx: AuthContext, dto: PinDto): Promise<RoomState & { coalitionId: string }> {
    const { comment, access } = await this.guard.comment(ctx, dto.commentId);
    if (!CoalitionAccessPolicy.canModerate(access.role))
      throw AccordError.forbidden(MODERATORS_ONLY);
    const pinned = dto.pinned ?? true;
    if (pinned && (comment.deletedAt || comment.hidden))
      throw AccordError.conflict('Deleted or hidden comments cannot be pinned');
    const id = comment._id.toString();
    return this.changeSettings(ctx, access, (state) => {
      if (pinned ? state.pinnedCommentId === id : state.pinnedCommentId !== id) return null;
      return {
        next: { ...state, pinnedCommentId: pinned ? id : null },
        action: pinned ? 'room.comment.pinned' : 'room.comment.unpinned',
        data: { commentId: id, seq: comment.seq },
      };
    });
  }

  /** The flag queue: flags of this room's comments, newest first, with the comment. */
  async flags(
    ctx: AuthContext,
    coalitionId: string,
    query: { status: FlagStatusFilter; page: number; limit: number },
  ): Promise<Page<FlagQueueItem>> {
    const access = await this.coalitions.access(ctx, coalitionId);
    if (!CoalitionAccessPolicy.canModerate(access.role))
      throw AccordError.forbidden('Only moderators and organisers can read the flag queue');
    const flags = await this.moderation.flagsOf(access.coalition._id);
    const commentIds = [...new Set(flags.map((f) => f.commentId.toString()))];
    const present = await this.comments.findByIds(commentIds);
    const views = new Map(
      (await this.guard.views(present, 'moderator')).map((v) => [v.id, v] as const),
    );
    const flaggers = new Map(
      (await this.users.findByIds([...new Set(flags.map((f) => f.userId.toString()))])).map(
        (u) => [u._id.toString(), u.displayName] as const,
      ),
    );
    const dismissed = await this.moderation.lastDismissals(access.coalition._id);
    const items: FlagQueueItem[] = [];
    for (const flag of flags) {
      const comment = views.get(flag.commentId.toString());
      if (!comment) continue;
      const dismissedAt = dismissed.get(flag.commentId.toString());
      const resolution = comment.deleted
        ? 'deleted'
        : comment.hidden
          ? 'hidden'
          : dismissedAt && dismissedAt >= new Date(flag.createdAt)
            ? 'dismissed'
            : null;
      const status = resolution ? 'resolved' : 'open';
      if (query.status !== 'all' && status !== query.status) continue;
      items.push({
        ...toFlagView(flag),
        flaggedByName: flaggers.get(flag.userId.toString()) ?? null,
        comment,
        status,
        resolution,
      });
    }
    const start = (query.page - 1) * query.limit;
    return {
      items: items.slice(start, start + query.limit),
      total: items.length,
      page: query.page,
      limit: query.limit,
    };
  }

  /**
   * Keeps a flagged comment: resolves every flag of its comment made until now (a later flag
   * opens it again). Audited; the room's moderators get `flag:resolved`.
   */
  async dismissFlags(
    ctx: AuthContext,
    coalitionId: string,
    flagId: string,
    reason: string | null,
  ): Promise<{ commentId: string; resolution: 'dismissed' }> {
    const access = await this.coalitions.access(ctx, coalitionId);
    if (!CoalitionAccessPolicy.canModerate(access.role))
      throw AccordError.forbidden('Only moderators and organisers can dismiss flags');
    const flag = await this.moderation.findFlag(access.coalition._id, flagId);
    if (!flag) throw AccordError.notFound('Flag not found');
    const comment = await this.comments.findById(flag.commentId.toString());
    if (!comment) throw AccordError.notFound('Flag not found');
    await this.guard.assertOutranks(
      ctx,
      access,
      comment.authorId.toString(),
      'dismiss flags on comments of',
    );
    await this.moderation.addDismissal({
      coalitionId: access.coalition._id,
      commentId: comment._id,
      byId: ctx.userId,
      reason,
    });
    await this.guard.audit(ctx, access, 'room.flags.dismissed', comment, { reason });
    this.events.emit({
      type: 'flags.resolved',
      coalitionId: access.coalition._id.toString(),
      commentId: comment._id.toString(),
      resolution: 'dismissed',
    });
    return { commentId: comment._id.toString(), resolution: 'dismissed' };
  }

  /**
   * The room and the person a moderation action names: rank first (a member learns nothing
   * about a user id from the answer), then that the person exists.
   */
  private async target(
    ctx: AuthContext,
    dto: RoomUserDto,
    action: string,
  ): Promise<CoalitionAccess> {
    const access = await this.coalitions.access(ctx, dto.coalitionId);
    await this.guard.assertOutranks(ctx, access, dto.userId, action);
    if (!(await this.users.findById(dto.userId))) throw AccordError.notFound('No such user');
    return access;
  }

  private async moderatorView(record: CommentRecord): Promise<CommentView> {
    return (await this.guard.views([record], 'moderator'))[0];
  }

  /** Changes room settings (moderators only): see RoomGuard.changeRoomState. */
  private async changeSettings(
    ctx: AuthContext,
    room: string | CoalitionAccess,
    decide: (state: RoomState) => RoomStateChange | null,
  ): Promise<RoomState & { coalitionId: string }> {
    const access = typeof room === 'string' ? await this.coalitions.access(ctx, room) : room;
    if (!CoalitionAccessPolicy.canModerate(access.role))
      throw AccordError.forbidden(MODERATORS_ONLY);
    const state = await this.guard.changeRoomState(ctx, access, decide);
    return { coalitionId: access.coalition._id.toString(), ...state };
  }
}
