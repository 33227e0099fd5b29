import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsMongoId,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ANCHOR_TYPES, type AnchorType } from '../comment.schema';

export const MAX_COMMENT_LENGTH = 10_000;

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

  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, {
    message: 'clientMsgId must be 1–64 letters, digits or . _ : -',
  })
  @IsString()
  clientMsgId!: string;
}
