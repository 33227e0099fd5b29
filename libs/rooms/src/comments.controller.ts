import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  OmitType,
} from '@nestjs/swagger';
import { type AuthContext, CurrentUser } from '@accord/auth';
import { AccordError } from '@accord/core';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { CLIENT_KEY_PATTERN, CLIENT_KEY_RULE, CreateCommentDto } from './dto/room.dto';
import { type CommentView, RoomsService, SYNC_LIMIT } from './rooms.service';

export class ListCommentsQueryDto {
  @ApiPropertyOptional({ default: 0, description: 'Comments with a seq above this' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'afterSeq must be a whole number' })
  @Min(0)
  afterSeq: number = 0;

  @ApiPropertyOptional({ default: 50, maximum: SYNC_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(SYNC_LIMIT)
  limit: number = 50;
}

export class PostCommentDto extends OmitType(CreateCommentDto, [
  'coalitionId',
  'clientMsgId',
] as const) {}

export class CommentListDto {
  @ApiProperty({ description: 'Comments in seq order' })
  items!: CommentView[];

  @ApiProperty({ description: "The room's latest seq" })
  seq!: number;
}

@ApiTags('rooms')
@ApiBearerAuth()
@Controller('coalitions/:id/comments')
export class CommentsController {
  constructor(@Inject(RoomsService) private readonly rooms: RoomsService) {}

  @Get()
  @ApiOkResponse({ type: CommentListDto })
  list(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Query() query: ListCommentsQueryDto,
  ): Promise<CommentListDto> {
    return this.rooms.listComments(ctx, id, query.afterSeq, query.limit);
  }

  @Post()
  @HttpCode(201)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retry with the same key stores the comment once',
  })
  @ApiCreatedResponse({ description: 'The comment, also broadcast to the room as comment:created' })
  async create(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Body() dto: PostCommentDto,
    @Headers('idempotency-key') key?: string,
  ): Promise<CommentView> {
    if (key !== undefined && !CLIENT_KEY_PATTERN.test(key)) {
      throw AccordError.invalidField(
        'Idempotency-Key',
        `Idempotency-Key must be ${CLIENT_KEY_RULE}`,
      );
    }
    const { comment } = await this.rooms.createComment(ctx, {
      ...dto,
      coalitionId: id,
      clientMsgId: key ?? randomUUID(),
    });
    return comment;
  }
}
