import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsISO8601,
  IsNotEmpty,
  IsIn,
  IsInt,
  IsMongoId,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ANCHOR_TYPES, type AnchorType } from '../comment.schema';

export const MAX_COMMENT_LENGTH = 10_000;

/** A client's key for a retried write: `clientMsgId` on sockets, `Idempotency-Key` over REST. */
export const CLIENT_KEY_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
export const CLIENT_KEY_RULE = '1–64 letters, digits or . _ : -';

export class RoomRefDto {
  @IsMongoId({ message: 'coalitionId must be a coalition id' })
  coalitionId!: string;
}

export class TypingDto extends RoomRefDto {
  @IsBoolean({ message: 'isTyping must be true or false' })
  isTyping!: boolean;
}

export class SyncDto extends RoomRefDto {
  @IsInt({ message: 'afterSeq must be a whole number' })
  @Min(0, { message: 'afterSeq must be 0 or more' })
  afterSeq!: number;

  /** The `syncedAt` of the previous join or sync: also replay changes to older comments since. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'updatedSince must be an ISO 8601 date-time' })
  updatedSince?: string;
}

export class AnchorDto {
  @IsIn(ANCHOR_TYPES, { message: `anchor.type must be one of ${ANCHOR_TYPES.join(', ')}` })
  type!: AnchorType;

  @MaxLength(100)
  @IsString()
  id!: string;

  @IsOptional()
  @MaxLength(200)
  @IsString()
  path?: string;
}

export class CreateCommentDto extends RoomRefDto {
  @MaxLength(MAX_COMMENT_LENGTH, {
    message: `body must be at most ${MAX_COMMENT_LENGTH} characters`,
  })
  @IsString()
  body!: string;

  @IsOptional()
  @IsMongoId({ message: 'parentId must be a comment id' })
  parentId?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => AnchorDto)
  anchor?: AnchorDto;

  @Matches(CLIENT_KEY_PATTERN, { message: `clientMsgId must be ${CLIENT_KEY_RULE}` })
  @IsString()
  clientMsgId!: string;
}

export const MAX_REASON_LENGTH = 500;
export const MAX_MUTE_MINUTES = 30 * 24 * 60;
export const MAX_SLOW_MODE_SECONDS = 3600;

export class CommentRefDto {
  @IsMongoId({ message: 'commentId must be a comment id' })
  commentId!: string;
}

export class EditCommentDto extends CommentRefDto {
  @MaxLength(MAX_COMMENT_LENGTH, {
    message: `body must be at most ${MAX_COMMENT_LENGTH} characters`,
  })
  @IsString()
  body!: string;
}

/** One emoji (with its skin tone, variation or joiner sequence, or a keycap), not text. */
export const EMOJI_PATTERN =
  /^(?:(?=.*[\p{Extended_Pictographic}\p{Regional_Indicator}])(?:[\p{Extended_Pictographic}\p{Regional_Indicator}\p{Emoji_Modifier}]|\u200d|\ufe0f)+|[#*0-9]\ufe0f?\u20e3)$/u;

export class ReactDto extends CommentRefDto {
  @Matches(EMOJI_PATTERN, { message: 'emoji must be a single emoji' })
  @MaxLength(32, { message: 'emoji must be a single emoji' })
  @IsString({ message: 'emoji must be a single emoji' })
  emoji!: string;

  /** Take the reaction back instead of adding it. */
  @IsOptional()
  @IsBoolean({ message: 'remove must be true or false' })
  remove?: boolean;
}

export class ReasonedCommentDto extends CommentRefDto {
  @MaxLength(MAX_REASON_LENGTH, {
    message: `reason must be at most ${MAX_REASON_LENGTH} characters`,
  })
  @IsNotEmpty({ message: 'reason must not be empty' })
  @IsString({ message: 'reason must be text' })
  reason!: string;
}

export class FlagCommentDto extends ReasonedCommentDto {}
export class HideCommentDto extends ReasonedCommentDto {}

export class UnhideCommentDto extends CommentRefDto {
  @IsOptional()
  @MaxLength(MAX_REASON_LENGTH, {
    message: `reason must be at most ${MAX_REASON_LENGTH} characters`,
  })
  @IsString({ message: 'reason must be text' })
  reason?: string;
}

export class RoomUserDto extends RoomRefDto {
  @IsMongoId({ message: 'userId must be a user id' })
  userId!: string;
}

export class MuteDto extends RoomUserDto {
  @IsInt({ message: 'minutes must be a whole number' })
  @Min(0, { message: 'minutes must be 0 (lift the mute) or more' })
  @Max(MAX_MUTE_MINUTES, { message: `minutes must be at most ${MAX_MUTE_MINUTES} (30 days)` })
  minutes!: number;
}

export class LockDto extends RoomRefDto {
  @IsBoolean({ message: 'locked must be true or false' })
  locked!: boolean;
}

export class SlowModeDto extends RoomRefDto {
  @IsInt({ message: 'seconds must be a whole number' })
  @Min(0, { message: 'seconds must be 0 (off) or more' })
  @Max(MAX_SLOW_MODE_SECONDS, { message: `seconds must be at most ${MAX_SLOW_MODE_SECONDS}` })
  seconds!: number;
}

export class PinDto extends CommentRefDto {
  /** false unpins (when this comment is the pinned one). */
  @IsOptional()
  @IsBoolean({ message: 'pinned must be true or false' })
  pinned?: boolean;
}

export class DismissFlagsDto extends RoomRefDto {
  @IsMongoId({ message: 'flagId must be a flag id' })
  flagId!: string;

  @IsOptional()
  @MaxLength(MAX_REASON_LENGTH, {
    message: `reason must be at most ${MAX_REASON_LENGTH} characters`,
  })
  @IsString({ message: 'reason must be text' })
  reason?: string;
}
