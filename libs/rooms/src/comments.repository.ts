import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isDuplicateKeyError, isObjectIdString } from '@accord/core';
import { Model, trusted, Types } from 'mongoose';
import { Comment, type CommentAnchor, type CommentRecord } from './comment.schema';

export interface NewComment {
  coalitionId: Types.ObjectId;
  authorId: Types.ObjectId;
  organisationId: Types.ObjectId | null;
  clientMsgId: string;
  body: string;
  parentId: Types.ObjectId | null;
  anchor: CommentAnchor | null;
}

const MAX_SEQ_ATTEMPTS = 50;

@Injectable()
export class CommentsRepository {
  /** Per-room queues: this node allocates one seq at a time per room (others retry on clash). */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** The last seq this node stored per room: a hint for the next insert, never trusted alone. */
  private readonly lastSeqs = new Map<string, number>();

  constructor(@InjectModel(Comment.name) private readonly comments: Model<Comment>) {}

  /**
   * Stores a comment with the room's next seq. Returns `{ comment, created: false }` with the
   * stored one when the author already sent this clientMsgId (a retry).
   */
  async create(input: NewComment): Promise<{ comment: CommentRecord; created: boolean }> {
    const key = input.coalitionId.toString();
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.insertWithNextSeq(input));
    this.queues.set(key, run);
    try {
      return await run;
    } finally {
      if (this.queues.get(key) === run) this.queues.delete(key);
    }
  }

  /**
   * Insert first: the engine answers every query by scanning, so the common case is one insert
   * with the seq after the last one this node stored. A duplicate key means either a retry of
   * this clientMsgId (answer the stored comment) or another node took the seq (read the room's
   * last seq and go on) — the unique indexes decide, never the hint.
   */
  private async insertWithNextSeq(
    input: NewComment,
  ): Promise<{ comment: CommentRecord; created: boolean }> {
    const room = input.coalitionId.toString();
    let seq = (this.lastSeqs.get(room) ?? (await this.lastSeq(input.coalitionId))) + 1;
    for (let attempt = 0; attempt < MAX_SEQ_ATTEMPTS; attempt++) {
      try {
        const created = await this.comments.create({ ...input, seq });
        this.rememberSeq(room, seq);
        return { comment: created.toObject(), created: true };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const existing = await this.findByClientMsgId(
        input.coalitionId,
        input.authorId,
        input.clientMsgId,
      );
      if (existing) return { comment: existing, created: false };
      seq = Math.max(seq, await this.lastSeq(input.coalitionId)) + 1;
    }
    throw new Error(`Could not allocate a comment seq in room ${room}`);
  }

  private rememberSeq(room: string, seq: number): void {
    if ((this.lastSeqs.get(room) ?? 0) < seq) this.lastSeqs.set(room, seq);
    if (this.lastSeqs.size > 50_000) this.lastSeqs.clear();
  }

  async findByClientMsgId(
    coalitionId: Types.ObjectId,
    authorId: Types.ObjectId,
    clientMsgId: string,
  ): Promise<CommentRecord | null> {
    return this.comments
      .findOne({ coalitionId, authorId, clientMsgId })
      .lean<CommentRecord>()
      .exec();
  }

  async lastSeq(coalitionId: Types.ObjectId): Promise<number> {
    const last = await this.comments
      .findOne({ coalitionId })
      .sort({ seq: -1 })
      .select({ seq: 1 })
      .lean<{ seq: number }>()
      .exec();
    return last?.seq ?? 0;
  }

  async latest(coalitionId: Types.ObjectId, limit: number): Promise<CommentRecord[]> {
    const rows = await this.comments
      .find({ coalitionId })
      .sort({ seq: -1 })
      .limit(limit)
      .lean<CommentRecord[]>()
      .exec();
    return rows.reverse();
  }

  async after(
    coalitionId: Types.ObjectId,
    afterSeq: number,
    limit: number,
  ): Promise<CommentRecord[]> {
    return this.comments
      .find({ coalitionId, seq: trusted({ $gt: afterSeq }) })
      .sort({ seq: 1 })
      .limit(limit)
      .lean<CommentRecord[]>()
      .exec();
  }

  async findById(commentId: string): Promise<CommentRecord | null> {
    if (!isObjectIdString(commentId)) return null;
    return this.comments.findById(commentId).lean<CommentRecord>().exec();
  }

  async findByIds(commentIds: string[]): Promise<CommentRecord[]> {
    const ids = commentIds.filter(isObjectIdString).map((id) => new Types.ObjectId(id));
    if (ids.length === 0) return [];
    return this.comments
      .find({ _id: trusted({ $in: ids }) })
      .lean<CommentRecord[]>()
      .exec();
  }

  /**
   * Applies a change to one comment and returns it as stored. The caller holds the comment's
   * lock: every writer of a comment does, so concurrent changes never overwrite each other.
   */
  async change(
    commentId: Types.ObjectId,
    set: Partial<
      Pick<
        CommentRecord,
        'body' | 'editedAt' | 'deletedAt' | 'deletedBy' | 'deletedById' | 'hidden' | 'anchor'
      >
    >,
  ): Promise<CommentRecord> {
    const updated = await this.comments
      .findOneAndUpdate(
        { _id: commentId },
        { $set: { ...set, updatedAt: new Date() } },
        { returnDocument: 'after', timestamps: false },
      )
      .lean<CommentRecord>()
      .exec();
    if (!updated) throw new Error(`Comment ${commentId.toString()} vanished while being changed`);
    return updated;
  }

  /** Comments up to `maxSeq` changed at or after `since` (edits, deletions, hides, reactions). */
  async changedSince(
    coalitionId: Types.ObjectId,
    since: Date,
    maxSeq: number,
    limit: number,
  ): Promise<CommentRecord[]> {
    return this.comments
      .find({
        coalitionId,
        seq: trusted({ $lte: maxSeq }),
        updatedAt: trusted({ $gte: since }),
      })
      .sort({ seq: 1 })
      .limit(limit)
      .lean<CommentRecord[]>()
      .exec();
  }

  /** When this person last commented in the room (slow mode). */
  async lastCommentAt(coalitionId: Types.ObjectId, authorId: Types.ObjectId): Promise<Date | null> {
    const last = await this.comments
      .findOne({ coalitionId, authorId })
      .sort({ seq: -1 })
      .select({ createdAt: 1 })
      .lean<{ createdAt: Date }>()
      .exec();
    return last?.createdAt ?? null;
  }

  async existsInRoom(coalitionId: Types.ObjectId, commentId: Types.ObjectId): Promise<boolean> {
    return (await this.comments.exists({ _id: commentId, coalitionId }).exec()) !== null;
  }
}
