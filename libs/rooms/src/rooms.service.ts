import { Inject, Injectable } from '@nestjs/common';
import type { AuthContext } from '@accord/auth';
import { CoalitionAccessPolicy, type CoalitionRole, CoalitionsService } from '@accord/coalitions';
import { AccordError, isObjectIdString } from '@accord/core';
import { OrganisationsService } from '@accord/organisations';
import { Types } from 'mongoose';
import type { CommentRecord } from './comment.schema';
import { CommentsRepository } from './comments.repository';
import { RoomEvents } from './room-events';
import type { CreateCommentDto } from './dto/room.dto';
import type { RoomSeat } from './presence';

export interface CommentView {
  id: string;
  coalitionId: string;
  seq: number;
  authorId: string;
  organisationId: string | null;
  body: string;
  parentId: string | null;
  anchor: { type: string; id: string; path: string | null } | null;
  createdAt: string;
}

export interface RoomSnapshot {
  comments: CommentView[];
  seq: number;
  locked: boolean;
  slowModeSeconds: number;
  role: CoalitionRole | null;
}

export const JOIN_HISTORY = 50;
export const SYNC_LIMIT = 500;

export function toCommentView(c: CommentRecord): CommentView {
  return {
    id: c._id.toString(),
    coalitionId: c.coalitionId.toString(),
    seq: c.seq,
    authorId: c.authorId.toString(),
    organisationId: c.organisationId ? c.organisationId.toString() : null,
    body: c.body,
    parentId: c.parentId ? c.parentId.toString() : null,
    anchor: c.anchor ? { type: c.anchor.type, id: c.anchor.id, path: c.anchor.path ?? null } : null,
    createdAt: new Date(c.createdAt).toISOString(),
  };
}

/** A coalition's live room: who may enter, what they see on entering, comments. */
@Injectable()
export class RoomsService {
  constructor(
    @Inject(CoalitionsService) private readonly coalitions: CoalitionsService,
    @Inject(OrganisationsService) private readonly organisations: OrganisationsService,
    @Inject(CommentsRepository) private readonly comments: CommentsRepository,
    @Inject(RoomEvents) private readonly events: RoomEvents,
  ) {}

  /** Authorizes entering the room (NOT_FOUND for a private coalition's outsiders) and describes it. */
  async join(
    ctx: AuthContext,
    coalitionId: string,
  ): Promise<{ seat: RoomSeat; snapshot: RoomSnapshot }> {
    const { coalition, member, role } = await this.coalitions.access(ctx, coalitionId);
    const organisation = member
      ? (await this.organisations.findByIds([member.organisationId]))[0]
      : undefined;
    const latest = await this.comments.latest(coalition._id, JOIN_HISTORY);
    return {
      seat: {
        coalitionId: coalition._id.toString(),
        userId: ctx.userId,
        displayName: ctx.displayName,
        organisationId: organisation?._id.toString() ?? '',
        stakeholderType: organisation?.stakeholderType ?? '',
      },
      snapshot: {
        comments: latest.map(toCommentView),
        seq: await this.comments.lastSeq(coalition._id),
        locked: false,
        slowModeSeconds: 0,
        role,
      },
    };
  }

  /** What a reconnecting client missed: comments after `afterSeq`, in order. */
  async sync(
    ctx: AuthContext,
    coalitionId: string,
    afterSeq: number,
  ): Promise<{ comments: CommentView[]; seq: number }> {
    const { coalition } = await this.coalitions.access(ctx, coalitionId);
    const [comments, seq] = await Promise.all([
      this.comments.after(coalition._id, afterSeq, SYNC_LIMIT),
      this.comments.lastSeq(coalition._id),
    ]);
    return { comments: comments.map(toCommentView), seq };
  }

  /** Stores a comment (once per clientMsgId); `created` is false for a retry. */
  async createComment(
    ctx: AuthContext,
    dto: CreateCommentDto,
  ): Promise<{ comment: CommentView; created: boolean }> {
    const { coalition, member, role } = await this.coalitions.access(ctx, dto.coalitionId);
    if (!CoalitionAccessPolicy.canComment(role)) {
      throw AccordError.forbidden(
        role === 'observer'
          ? 'Observers can read but not comment'
          : 'Only members of this coalition can comment',
      );
    }
    const body = dto.body.trim();
    if (!body)
      throw AccordError.validation('body must not be empty', [
        { field: 'body', message: 'body must not be empty' },
      ]);
    let parentId: Types.ObjectId | null = null;
    if (dto.parentId) {
      parentId = isObjectIdString(dto.parentId) ? new Types.ObjectId(dto.parentId) : null;
      if (!parentId || !(await this.comments.existsInRoom(coalition._id, parentId))) {
        throw AccordError.validation('parentId must be a comment of this room', [
          { field: 'parentId', message: 'parentId must be a comment of this room' },
        ]);
      }
    }
    const { comment, created } = await this.comments.create({
      coalitionId: coalition._id,
      authorId: new Types.ObjectId(ctx.userId),
      organisationId: member?.organisationId ?? null,
      clientMsgId: dto.clientMsgId,
      body,
      parentId,
      anchor: dto.anchor
        ? { type: dto.anchor.type, id: dto.anchor.id, path: dto.anchor.path ?? null }
        : null,
    });
    const view = toCommentView(comment);
    if (created)
      this.events.emit({ type: 'comment.created', coalitionId: view.coalitionId, comment: view });
    return { comment: view, created };
  }

  /** Comments after `afterSeq` (REST), at most `limit`, with the room's current seq. */
  async listComments(
    ctx: AuthContext,
    coalitionId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ items: CommentView[]; seq: number }> {
    const { coalition } = await this.coalitions.access(ctx, coalitionId);
    const [items, seq] = await Promise.all([
      this.comments.after(coalition._id, afterSeq, limit),
      this.comments.lastSeq(coalition._id),
    ]);
    return { items: items.map(toCommentView), seq };
  }
}
