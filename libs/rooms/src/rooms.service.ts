import { Inject, Injectable } from '@nestjs/common';
import type { AuthContext } from '@accord/auth';
import { CoalitionAccessPolicy, type CoalitionRole } from '@accord/coalitions';
import { AccordError, DocumentLocks, ErrorCode, isObjectIdString } from '@accord/core';
import { OrganisationsService } from '@accord/organisations';
import { Types } from 'mongoose';
import { type CommentView, toCommentView } from './comment-view';
import { CommentsRepository } from './comments.repository';
import { ModerationRepository } from './moderation.repository';
import { PlanRefsRepository } from './plan-refs.repository';
import { type FlagView, RoomEvents, toFlagView } from './room-events';
import {
  assertNotBanned,
  audienceOf,
  COMMENT_NOT_FOUND,
  commentLockKey,
  requireText,
  RoomGuard,
} from './room-guard';
import type {
  AnchorDto,
  CreateCommentDto,
  EditCommentDto,
  FlagCommentDto,
  ReactDto,
  SyncDto,
} from './dto/room.dto';
import type { RoomSeat } from './presence';

export type { CommentView } from './comment-view';

export interface RoomSnapshot {
  comments: CommentView[];
  seq: number;
  locked: boolean;
  slowModeSeconds: number;
  pinnedCommentId: string | null;
  role: CoalitionRole | null;
  /** When the caller's mute ends (null when not muted). */
  mutedUntil: string | null;
  /** Pass as `updatedSince` to the next `room:sync` to also get changes to older comments. */
  syncedAt: string;
}

export interface SyncResult {
  /** Comments with seq > afterSeq, in order. */
  comments: CommentView[];
  /** Older comments (seq ≤ afterSeq) changed since `updatedSince`: edits, deletions, hides. */
  updated: CommentView[];
  seq: number;
  syncedAt: string;
}

export const JOIN_HISTORY = 50;
export const SYNC_LIMIT = 500;
export const MAX_DISTINCT_REACTIONS = 20;
/** Clocks of API nodes may differ a little: replay changes from a bit earlier (clients dedupe by id). */
const CLOCK_MARGIN_MS = 5_000;

function slowModeLockKey(coalitionId: Types.ObjectId, userId: string): string {
  return `slow-mode:${coalitionId.toString()}:${userId}`;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export const ALREADY_HIDDEN = 'This comment is already hidden by a moderator';
export const ALREADY_DELETED = 'This comment is already deleted';

/** A coalition's live room: who may enter, what they see on entering, comments. */
@Injectable()
export class RoomsService {
  constructor(
    @Inject(OrganisationsService) private readonly organisations: OrganisationsService,
    @Inject(CommentsRepository) private readonly comments: CommentsRepository,
    @Inject(ModerationRepository) private readonly moderation: ModerationRepository,
    @Inject(RoomGuard) private readonly guard: RoomGuard,
    @Inject(RoomEvents) private readonly events: RoomEvents,
    @Inject(DocumentLocks) private readonly locks: DocumentLocks,
    @Inject(PlanRefsRepository) private readonly planRefs: PlanRefsRepository,
  ) {}

  /** Authorizes entering the room (NOT_FOUND for a private coalition's outsiders) and describes it. */
  async join(
    ctx: AuthContext,
    coalitionId: string,
  ): Promise<{ seat: RoomSeat; snapshot: RoomSnapshot; moderator: boolean }> {
    const syncedAt = new Date(Date.now() - CLOCK_MARGIN_MS).toISOString();
    const { coalition, member, role, standing } = await this.guard.enter(ctx, coalitionId);
    const [organisation, latest, state] = await Promise.all([
      member
        ? this.organisations.findByIds([member.organisationId]).then((found) => found[0])
        : Promise.resolve(undefined),
      this.comments.latest(coalition._id, JOIN_HISTORY),
      this.moderation.roomState(coalition._id),
    ]);
    return {
      seat: {
        coalitionId: coalition._id.toString(),
        userId: ctx.userId,
        displayName: ctx.displayName,
        organisationId: organisation?._id.toString() ?? '',
        stakeholderType: organisation?.stakeholderType ?? '',
      },
      snapshot: {
        comments: await this.guard.views(latest, audienceOf(role)),
        // The newest comment's seq: one scan fewer than asking for the room's last seq.
        seq: latest.length > 0 ? latest[latest.length - 1].seq : 0,
        locked: state.locked,
        slowModeSeconds: state.slowModeSeconds,
        pinnedCommentId: state.pinnedCommentId,
        role,
        mutedUntil: standing.mutedUntil?.toISOString() ?? null,
        syncedAt,
      },
      moderator: CoalitionAccessPolicy.canModerate(role),
    };
  }

  /** What a reconnecting client missed: comments after `afterSeq` in order, and later changes. */
  async sync(ctx: AuthContext, dto: SyncDto): Promise<SyncResult> {
    const syncedAt = new Date(Date.now() - CLOCK_MARGIN_MS).toISOString();
    const { coalition, role } = await this.guard.enter(ctx, dto.coalitionId);
    const [comments, seq, updated] = await Promise.all([
      this.comments.after(coalition._id, dto.afterSeq, SYNC_LIMIT),
      this.comments.lastSeq(coalition._id),
      dto.updatedSince
        ? this.comments.changedSince(
            coalition._id,
            new Date(dto.updatedSince),
            dto.afterSeq,
            SYNC_LIMIT,
          )
        : Promise.resolve([]),
    ]);
    const audience = audienceOf(role);
    return {
      comments: await this.guard.views(comments, audience),
      updated: await this.guard.views(
        updated.filter((c) => c.updatedAt.getTime() !== c.createdAt.getTime()),
        audience,
      ),
      seq,
      syncedAt,
    };
  }

  /** Stores a comment (once per clientMsgId); `created` is false for a retry. */
  async createComment(
    ctx: AuthContext,
    dto: CreateCommentDto,
  ): Promise<{ comment: CommentView; created: boolean }> {
    const access = await this.guard.access(ctx, dto.coalitionId);
    const { coalition, member, role } = access;
    const authorId = new Types.ObjectId(ctx.userId);
    const write = await this.guard.writeState(ctx, access);
    assertNotBanned(write.standing);
    try {
      this.guard.checkWrite(access, write);
    } catch (refusal) {
      // A retry of a comment stored before (say) a mute answers the stored comment. Looked up
      // only here: on the engine every lookup is a scan, and the insert below catches retries.
      const stored = await this.comments.findByClientMsgId(
        coalition._id,
        authorId,
        dto.clientMsgId,
      );
      if (stored) return { comment: toCommentView(stored, audienceOf(role)), created: false };
      throw refusal;
    }
    const { state } = write;
    const body = requireText(dto.body, 'body');
    let parentId: Types.ObjectId | null = null;
    if (dto.parentId) {
      parentId = isObjectIdString(dto.parentId) ? new Types.ObjectId(dto.parentId) : null;
      if (!parentId || !(await this.comments.existsInRoom(coalition._id, parentId))) {
        throw AccordError.invalidField('parentId', 'parentId must be a comment of this room');
      }
    }
    if (dto.anchor) await this.assertAnchorOf(coalition, dto.anchor);
    const store = () =>
      this.comments.create({
        coalitionId: coalition._id,
        authorId,
        organisationId: member?.organisationId ?? null,
        clientMsgId: dto.clientMsgId,
        body,
        parentId,
        anchor: dto.anchor
          ? { type: dto.anchor.type, id: dto.anchor.id, path: dto.anchor.path ?? null }
          : null,
      });
    const slow = state.slowModeSeconds > 0 && !CoalitionAccessPolicy.canModerate(role);
    // In slow mode the check and the insert are one step per person and room, on every node:
    // several comments sent at once store one.
    const { comment, created } = slow
      ? await this.locks.withLock(slowModeLockKey(coalition._id, ctx.userId), async () => {
          const again = await this.comments.findByClientMsgId(
            coalition._id,
            authorId,
            dto.clientMsgId,
          );
          if (again) return { comment: again, created: false };
          await this.assertSlowModeAllows(coalition._id, authorId, state.slowModeSeconds);
          return store();
        })
      : await store();
    const view = toCommentView(comment, 'public');
    if (created)
      this.events.emit({ type: 'comment.created', coalitionId: view.coalitionId, comment: view });
    return { comment: view, created };
  }

  /**
   * An anchor names something of this coalition: one of its recommendations, or one of its
   * action plans (never another coalition's: the same answer whether that exists or not).
   */
  private async assertAnchorOf(
    coalition: { _id: Types.ObjectId; recommendationIds: Types.ObjectId[] },
    anchor: AnchorDto,
  ): Promise<void> {
    if (anchor.type === 'recommendation') {
      if (!coalition.recommendationIds.some((id) => id.toString() === anchor.id)) {
        throw AccordError.invalidField(
          'anchor.id',
          "anchor.id must be one of this coalition's recommendations",
        );
      }
    } else if (!(await this.planRefs.isPlanOf(coalition._id, anchor.id))) {
      throw AccordError.invalidField(
        'anchor.id',
        'anchor.id must be an action plan of this coalition',
      );
    }
  }

  private async assertSlowModeAllows(
    coalitionId: Types.ObjectId,
    authorId: Types.ObjectId,
    slowModeSeconds: number,
  ): Promise<void> {
    const last = await this.comments.lastCommentAt(coalitionId, authorId);
    const waitMs = last ? last.getTime() + slowModeSeconds * 1000 - Date.now() : 0;
    if (waitMs <= 0) return;
    const seconds = Math.ceil(waitMs / 1000);
    throw new AccordError(
      ErrorCode.RATE_LIMITED,
      `Slow mode is on (one comment every ${slowModeSeconds} s): you can comment again in ${seconds} s`,
      { retryAfterSeconds: seconds },
    );
  }

  /** The author changes their comment's text. */
  async editComment(ctx: AuthContext, dto: EditCommentDto): Promise<CommentView> {
    const { comment, access } = await this.guard.comment(ctx, dto.commentId);
    if (comment.authorId.toString() !== ctx.userId)
      throw AccordError.forbidden('You can only edit your own comments');
    await this.guard.assertMayWrite(ctx, access);
    const body = requireText(dto.body, 'body');
    const { record } = await this.guard.changeComment(comment, (current) => {
      if (current.deletedAt) throw AccordError.conflict('This comment was deleted');
      if (current.body === body) return Promise.resolve(null);
      return this.comments.change(current._id, { body, editedAt: new Date() });
    });
    return this.viewOf(await this.guard.announce(record, 'comment:updated'), access.role);
  }

  /**
   * Deletes a comment, leaving a tombstone (seq, author, thread). The author may delete their
   * own; moderators may delete anyone's of a lower rank (audited).
   */
  async deleteComment(ctx: AuthContext, commentId: string): Promise<CommentView> {
    const { comment, access } = await this.guard.comment(ctx, commentId);
    const own = comment.authorId.toString() === ctx.userId;
    if (!own) {
      if (!CoalitionAccessPolicy.canModerate(access.role))
        throw AccordError.forbidden('You can only delete your own comments');
      await this.guard.assertOutranks(
        ctx,
        access,
        comment.authorId.toString(),
        'delete comments of',
      );
    } else if (!CoalitionAccessPolicy.canComment(access.role)) {
      throw AccordError.forbidden('Only members of this coalition can delete their comments');
    }
    const { record, changed } = await this.guard.changeComment(comment, (current) =>
      current.deletedAt
        ? Promise.resolve(null)
        : this.comments.change(current._id, {
            body: '',
            deletedAt: new Date(),
            deletedBy: own ? 'author' : 'moderator',
            deletedById: new Types.ObjectId(ctx.userId),
          }),
    );
    if (!changed) return toCommentView(record, audienceOf(access.role));
    if (!own) await this.guard.audit(ctx, access, 'room.comment.deleted', record, {});
    await this.guard.unpinIfPinned(ctx, access, record);
    this.events.emit({
      type: 'flags.resolved',
      coalitionId: record.coalitionId.toString(),
      commentId: record._id.toString(),
      resolution: 'deleted',
    });
    return this.viewOf(await this.guard.announce(record, 'comment:deleted'), access.role);
  }

  /** Adds (or with `remove`, takes back) the caller's reaction with one emoji. */
  async react(ctx: AuthContext, dto: ReactDto): Promise<CommentView> {
    if ([...graphemes.segment(dto.emoji)].length !== 1) {
      throw AccordError.invalidField('emoji', 'emoji must be a single emoji');
    }
    const { comment, access } = await this.guard.comment(ctx, dto.commentId);
    await this.guard.assertMayWrite(ctx, access);
    const { record, changed } = await this.guard.changeComment(comment, async (current) => {
      if (current.deletedAt) throw AccordError.conflict('Deleted comments cannot get reactions');
      if (current.hidden && !dto.remove)
        throw AccordError.conflict('Hidden comments cannot get reactions');
      let touched: boolean;
      if (dto.remove) {
        touched = await this.moderation.removeReaction(current._id, ctx.userId, dto.emoji);
      } else {
        const emojis = await this.moderation.distinctEmojis(current._id);
        if (!emojis.has(dto.emoji) && emojis.size >= MAX_DISTINCT_REACTIONS) {
          throw AccordError.conflict(
            `This comment already has ${MAX_DISTINCT_REACTIONS} different reactions; use one of them`,
          );
        }
        touched = await this.moderation.addReaction(current._id, ctx.userId, dto.emoji);
      }
      return touched ? this.comments.change(current._id, {}) : null;
    });
    if (!changed) return (await this.guard.views([record], audienceOf(access.role)))[0];
    return this.viewOf(await this.guard.announce(record, 'comment:updated'), access.role);
  }

  /**
   * Flags a comment for the room's moderators (once per person and comment). A comment hidden or
   * deleted already is refused (CONFLICT): its flags would be resolved the moment they are made.
   */
  async flag(
    ctx: AuthContext,
    dto: FlagCommentDto,
  ): Promise<{ flag: FlagView; alreadyFlagged: boolean }> {
    const { comment, access } = await this.guard.comment(ctx, dto.commentId);
    if (access.role === null)
      throw AccordError.forbidden('Only members of this coalition can flag comments');
    assertNotBanned(await this.moderation.standing(access.coalition._id, ctx.userId));
    if (comment.authorId.toString() === ctx.userId)
      throw AccordError.forbidden('You cannot flag your own comment');
    const reason = requireText(dto.reason, 'reason');
    // Under the comment's lock, as every hide and delete: a flag never lands on a comment a
    // moderator has just hidden.
    const { flag, created, current } = await this.locks.withLock(
      commentLockKey(comment._id),
      async () => {
        const fresh = await this.comments.findById(comment._id.toString());
        if (!fresh) throw AccordError.notFound(COMMENT_NOT_FOUND);
        if (fresh.deletedAt) throw AccordError.conflict(ALREADY_DELETED);
        if (fresh.hidden) throw AccordError.conflict(ALREADY_HIDDEN);
        const stored = await this.moderation.addFlag({
          coalitionId: access.coalition._id,
          commentId: fresh._id,
          userId: ctx.userId,
          reason,
        });
        return { ...stored, current: fresh };
      },
    );
    const view = toFlagView(flag);
    if (created) {
      const [forModerators] = await this.guard.views([current], 'moderator');
      this.events.emit({
        type: 'flag.created',
        coalitionId: view.coalitionId,
        flag: view,
        flaggedByName: ctx.displayName,
        comment: forModerators,
      });
    }
    return { flag: view, alreadyFlagged: !created };
  }

  /** Comments after `afterSeq` (REST), at most `limit`, with the room's current seq. */
  async listComments(
    ctx: AuthContext,
    coalitionId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ items: CommentView[]; seq: number }> {
    const { coalition, role } = await this.guard.enter(ctx, coalitionId);
    const [items, seq] = await Promise.all([
      this.comments.after(coalition._id, afterSeq, limit),
      this.comments.lastSeq(coalition._id),
    ]);
    return { items: await this.guard.views(items, audienceOf(role)), seq };
  }

  /** The caller's view among both views of a changed comment. */
  private viewOf(
    views: { forModerators: CommentView; forOthers: CommentView },
    role: CoalitionRole | null,
  ): CommentView {
    return audienceOf(role) === 'moderator' ? views.forModerators : views.forOthers;
  }
}
