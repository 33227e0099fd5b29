import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentUser } from '@accord/auth';
import { type Page, PageQueryDto } from '@accord/core';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { MAX_REASON_LENGTH } from './dto/room.dto';
import { type FlagQueueItem, type FlagStatusFilter, ModerationService } from './moderation.service';

const FLAG_STATUSES = ['open', 'resolved', 'all'] as const;

export class FlagQueueQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: FLAG_STATUSES,
    default: 'open',
    description: 'open: the comment is still shown; resolved: it was hidden or deleted',
  })
  @IsOptional()
  @IsIn(FLAG_STATUSES, { message: `status must be one of ${FLAG_STATUSES.join(', ')}` })
  status: FlagStatusFilter = 'open';
}

export class DismissFlagsBodyDto {
  @ApiPropertyOptional({ maxLength: MAX_REASON_LENGTH, description: 'Why the comment stays' })
  @IsOptional()
  @MaxLength(MAX_REASON_LENGTH, {
    message: `reason must be at most ${MAX_REASON_LENGTH} characters`,
  })
  @IsString({ message: 'reason must be text' })
  reason?: string;
}

@ApiTags('rooms')
@ApiBearerAuth()
@Controller('coalitions/:id/flags')
export class FlagsController {
  constructor(@Inject(ModerationService) private readonly moderation: ModerationService) {}

  /** The room's flag queue, newest first (moderators and organisers). */
  @Get()
  @ApiOkResponse({ description: '{ items, total, page, limit }: flags with their comment' })
  list(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Query() query: FlagQueueQueryDto,
  ): Promise<Page<FlagQueueItem>> {
    return this.moderation.flags(ctx, id, query);
  }

  /**
   * Keeps the flagged comment: resolves every flag of that comment made until now (moderators
   * outranking its author). Audited; moderators in the room get `flag:resolved`.
   */
  @Post(':flagId/dismiss')
  @HttpCode(200)
  @ApiOkResponse({ description: '{ commentId, resolution: "dismissed" }' })
  dismiss(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Param('flagId') flagId: string,
    @Body() body: DismissFlagsBodyDto,
  ) {
    return this.moderation.dismissFlags(ctx, id, flagId, body.reason?.trim() || null);
  }
}
