import { Inject, Injectable } from '@nestjs/common';
import { type AuthContext, UsersRepository } from '@accord/auth';
import { CoalitionAccessPolicy, type CoalitionAccess, CoalitionsService } from '@accord/coalitions';
import { AccordError, DocumentLocks, type Page } from '@accord/core';
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

/** Someone banned from a room: until a moderator unbans them. */
export interface RoomBan {
  userId: string;
  displayName: string | null;
  bannedAt: string;
  /** The moderator who banned them (user id). */
  bannedBy: string;
}

/** Someone muted in a room now. */
export interface RoomMute {
  userId: string;
  displayName: string | null;
  mutedUntil: string;
  /** The moderator who muted them (user id). */
  mutedBy: string;
}

/** Who moderators may unban or unmute: active bans and mutes, newest first. */
export interface RoomRestrictions {
  bans: RoomBan[];
  mutes: RoomMute[];
}

export const NOT_BANNED = 'This person is not banned from this room';
export const NOT_MUTED = 'This person is not muted in this room';

function standingLockKey(coalitionId: Types.ObjectId, userId: string): string {
  return `room-standing:${coalitionId.toString()}:${userId}`;
}

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
    @Inject(DocumentLocks) private readonly locks: DocumentLocks,
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

  /**
   * Mutes someone for `minutes`: they read but cannot write (`MUTED`). 0 lifts the mute that
   * stands (NOT_FOUND when none does: nothing stored, nothing audited).
   */
  async mute(
    ctx: AuthContext,
    dto: MuteDto,
  ): Promise<{ userId: string; mutedUntil: string | null }> {
    const access = await this.target(ctx, dto, 'mute');
    const user = { type: 'user', id: dto.userId } as const;
    let mutedUntil: string | null = null;
    if (dto.minutes === 0) {
      await this.lift(ctx, access, dto.userId, 'unmute');
      await this.guard.audit(ctx, access, 'room.user.unmuted', user, {});
    } else {
      const until = new Date(Date.now() + dto.minutes * 60_000);
      await this.moderation.addSanction({
        coalitionId: access.coalition._id,
        userId: dto.userId,
        kind: 'mute',
        until,
        byId: ctx.userId,
      });
      mutedUntil = until.toISOString();
      await this.guard.audit(ctx, access, 'room.user.muted', user, {
        minutes: dto.minutes,
        until: mutedUntil,
      });
    }
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

  /** Lets someone banned back in (NOT_FOUND when they are not banned: nothing stored or audited). */
  async unban(ctx: AuthContext, dto: RoomUserDto): Promise<{ userId: string; banned: false }> {
    const access = await this.target(ctx, dto, 'unban');
    await this.lift(ctx, access, dto.userId, 'unban');
    await this.guard.audit(ctx, access, 'room.user.unbanned', { type: 'user', id: dto.userId }, {});
    return { userId: dto.userId, banned: false };
  }

  /**
   * Who is banned from the room and who is muted in it now (moderators and organisers, as the
   * flag queue), so that unban and unmute are offered where they apply.
   */
  async restrictions(ctx: AuthContext, coalitionId: string): Promise<RoomRestrictions> {
    const access = await this.coalitions.access(ctx, coalitionId);
    if (!CoalitionAccessPolicy.canModerate(access.role))
      throw AccordError.forbidden('Only moderators and organisers can see who is banned or muted');
    const { bans, mutes } = await this.moderation.restrictionsOf(access.coalition._id);
    const userIds = [...new Set([...bans, ...mutes].map((s) => s.userId.toString()))];
    const names = new Map(
      (await this.users.findByIds(userIds)).map((u) => [u._id.toString(), u.displayName] as const),
    );
    return {
      bans: bans.map((ban) => ({
        userId: ban.userId.toString(),
        displayName: names.get(ban.userId.toString()) ?? null,
        bannedAt: new Date(ban.createdAt).toISOString(),
        bannedBy: ban.byId.toString(),
      })),
      mutes: mutes.map((mute) => ({
        userId: mute.userId.toString(),
        displayName: names.get(mute.userId.toString()) ?? null,
        mutedUntil: new Date(mute.until).toISOString(),
        mutedBy: mute.byId.toString(),
      })),
    };
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

  /**
   * Stores the lifting of a ban or a mute, when one stands: decided on the person's standing read
   * fresh under a lock per person and room, so two moderators lifting it at once lift it once.
   */
  private async lift(
    ctx: AuthContext,
    access: CoalitionAccess,
    userId: string,
    kind: 'unban' | 'unmute',
  ): Promise<void> {
    const coalitionId = access.coalition._id;
    await this.locks.withLock(standingLockKey(coalitionId, userId), async () => {
      const standing = await this.moderation.standing(coalitionId, userId, { fresh: true });
      if (kind === 'unban' && !standing.banned) throw AccordError.notFound(NOT_BANNED);
      if (kind === 'unmute' && !standing.mutedUntil) throw AccordError.notFound(NOT_MUTED);
      await this.moderation.addSanction({
        coalitionId,
        userId,
        kind,
        until: null,
        byId: ctx.userId,
      });
    });
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
