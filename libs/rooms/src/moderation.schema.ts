import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * A room's settings, one document per coalition (`_id` = the coalition id). Written only under
 * the room's settings lock, so two moderators changing different settings never lose one.
 */
@Schema({ collection: 'room_settings', timestamps: true })
export class RoomSettings {
  @Prop({ type: Types.ObjectId, required: true })
  _id!: Types.ObjectId;

  @Prop({ type: Boolean, default: false })
  locked!: boolean;

  @Prop({ type: Number, default: 0 })
  slowModeSeconds!: number;

  @Prop({ type: Types.ObjectId, default: null })
  pinnedCommentId!: Types.ObjectId | null;
}
export const RoomSettingsSchema = SchemaFactory.createForClass(RoomSettings);
export type RoomSettingsRecord = RoomSettings & { updatedAt?: Date };

export const SANCTION_KINDS = ['mute', 'unmute', 'ban', 'unban'] as const;
export type SanctionKind = (typeof SANCTION_KINDS)[number];

/**
 * Mutes and bans, append-only: a person's standing in a room is the latest entry of each pair
 * (mute/unmute, ban/unban). Nothing is updated in place, so nothing can be lost to a race.
 */
@Schema({ collection: 'room_sanctions', timestamps: { createdAt: true, updatedAt: false } })
export class RoomSanction {
  @Prop({ type: Types.ObjectId, required: true })
  coalitionId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  userId!: Types.ObjectId;

  @Prop({ type: String, enum: SANCTION_KINDS, required: true })
  kind!: SanctionKind;

  /** End of a mute; null for the others. */
  @Prop({ type: Date, default: null })
  until!: Date | null;

  @Prop({ type: Types.ObjectId, required: true })
  byId!: Types.ObjectId;

  createdAt!: Date;
}
export const RoomSanctionSchema = SchemaFactory.createForClass(RoomSanction);
RoomSanctionSchema.index({ coalitionId: 1, userId: 1, createdAt: -1 });
export type RoomSanctionRecord = RoomSanction & { _id: Types.ObjectId };

/** One person's flag on one comment (unique: flagging twice keeps the first). */
@Schema({ collection: 'comment_flags', timestamps: { createdAt: true, updatedAt: false } })
export class CommentFlag {
  @Prop({ type: Types.ObjectId, required: true })
  coalitionId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  commentId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  userId!: Types.ObjectId;

  @Prop({ type: String, required: true })
  reason!: string;

  createdAt!: Date;
}
export const CommentFlagSchema = SchemaFactory.createForClass(CommentFlag);
CommentFlagSchema.index({ commentId: 1, userId: 1 }, { unique: true });
CommentFlagSchema.index({ coalitionId: 1, createdAt: -1 });
export type CommentFlagRecord = CommentFlag & { _id: Types.ObjectId };

/** One person's reaction with one emoji on one comment (unique, so a retry adds nothing). */
@Schema({ collection: 'comment_reactions', timestamps: { createdAt: true, updatedAt: false } })
export class CommentReaction {
  @Prop({ type: Types.ObjectId, required: true })
  commentId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  userId!: Types.ObjectId;

  @Prop({ type: String, required: true })
  emoji!: string;

  createdAt!: Date;
}
export const CommentReactionSchema = SchemaFactory.createForClass(CommentReaction);
CommentReactionSchema.index({ commentId: 1, userId: 1, emoji: 1 }, { unique: true });
export type CommentReactionRecord = CommentReaction & { _id: Types.ObjectId };

/**
 * A moderator's review of a comment's flags that kept the comment ("dismissed"): flags made
 * before it are resolved; a later flag opens the comment again. Append-only.
 */
@Schema({ collection: 'flag_dismissals', timestamps: { createdAt: true, updatedAt: false } })
export class FlagDismissal {
  @Prop({ type: Types.ObjectId, required: true })
  coalitionId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  commentId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  byId!: Types.ObjectId;

  @Prop({ type: String, default: null })
  reason!: string | null;

  createdAt!: Date;
}
export const FlagDismissalSchema = SchemaFactory.createForClass(FlagDismissal);
FlagDismissalSchema.index({ coalitionId: 1, commentId: 1, createdAt: -1 });
export type FlagDismissalRecord = FlagDismissal & { _id: Types.ObjectId };
