import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentUser } from '@accord/auth';
import { type Page, PageQueryDto } from '@accord/core';
import { IsIn, IsOptional } from 'class-validator';
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
}
