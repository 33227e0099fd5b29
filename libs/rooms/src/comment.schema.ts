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

  @Prop({ type: String, required: true, maxlength: 10_000 })
  body!: string;

  @Prop({ type: Types.ObjectId, default: null })
  parentId!: Types.ObjectId | null;

  @Prop({ type: CommentAnchorSchema, default: null })
  anchor!: CommentAnchor | null;

  createdAt!: Date;
  updatedAt!: Date;
}

export const CommentSchema = SchemaFactory.createForClass(Comment);
CommentSchema.index({ coalitionId: 1, seq: 1 }, { unique: true });
CommentSchema.index({ coalitionId: 1, authorId: 1, clientMsgId: 1 }, { unique: true });
export type CommentRecord = Comment & { _id: Types.ObjectId };
