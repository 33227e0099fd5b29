import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export const ANCHOR_TYPES = ['recommendation', 'plan-section'] as const;
export type AnchorType = (typeof ANCHOR_TYPES)[number];

@Schema({ _id: false })
export class CommentAnchor {
  @Prop({ type: String, enum: ANCHOR_TYPES, required: true })
  type!: AnchorType;

  @Prop({ type: String, required: true })
  id!: string;

  @Prop({ type: String, default: null })
  path!: string | null;
}

const CommentAnchorSchema = SchemaFactory.createForClass(CommentAnchor);

/** A moderator's hiding: the comment stays for moderators (with the reason), a placeholder for others. */
@Schema({ _id: false })
export class CommentHidden {
  @Prop({ type: Types.ObjectId, required: true })
  byId!: Types.ObjectId;

  @Prop({ type: String, required: true })
  reason!: string;

  @Prop({ type: Date, required: true })
  at!: Date;
}

const CommentHiddenSchema = SchemaFactory.createForClass(CommentHidden);

/**
 * A comment in a coalition's room. `seq` increases by one per room: allocated by inserting
 * under the unique `(coalitionId, seq)` index (retrying on a clash), so it never repeats or
 * skips. `(coalitionId, authorId, clientMsgId)` is unique too: a retried create stores once.
 */
@Schema({ collection: 'comments', timestamps: true })
export class Comment {
  @Prop({ type: Types.ObjectId, required: true })
  coalitionId!: Types.ObjectId;

  @Prop({ type: Number, required: true })
  seq!: number;

  @Prop({ type: Types.ObjectId, ref: 'User', required: true })
  authorId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, default: null })
  organisationId!: Types.ObjectId | null;

  @Prop({ type: String, required: true })
  clientMsgId!: string;

  /** Empty once deleted (the tombstone keeps seq, author and thread in place). */
  @Prop({ type: String, default: '', maxlength: 10_000 })
  body!: string;

  @Prop({ type: Types.ObjectId, default: null })
  parentId!: Types.ObjectId | null;

  @Prop({ type: CommentAnchorSchema, default: null })
  anchor!: CommentAnchor | null;

  @Prop({ type: Date, default: null })
  editedAt!: Date | null;

  @Prop({ type: Date, default: null })
  deletedAt!: Date | null;

  /** Who deleted it: the author, or a moderator (then `deletedById` says who). */
  @Prop({ type: String, enum: ['author', 'moderator', null], default: null })
  deletedBy!: 'author' | 'moderator' | null;

  @Prop({ type: Types.ObjectId, default: null })
  deletedById!: Types.ObjectId | null;

  @Prop({ type: CommentHiddenSchema, default: null })
  hidden!: CommentHidden | null;

  createdAt!: Date;
  /** Moves on every change (edit, delete, hide, reaction): what `room:sync` replays. */
  updatedAt!: Date;
}

export const CommentSchema = SchemaFactory.createForClass(Comment);
CommentSchema.index({ coalitionId: 1, seq: 1 }, { unique: true });
CommentSchema.index({ coalitionId: 1, authorId: 1, clientMsgId: 1 }, { unique: true });
CommentSchema.index({ coalitionId: 1, updatedAt: 1 });
export type CommentRecord = Comment & { _id: Types.ObjectId };
