import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentUser } from '@accord/auth';
import {
  ModerationService,
  type RoomBan,
  type RoomMute,
  type RoomRestrictions,
} from './moderation.service';

export class RoomBanDto implements RoomBan {
  @ApiProperty()
  userId!: string;

  @ApiProperty({ type: String, nullable: true })
  displayName!: string | null;

  @ApiProperty({ format: 'date-time' })
  bannedAt!: string;

  @ApiProperty({ description: 'The user id of the moderator who banned them' })
  bannedBy!: string;
}

export class RoomMuteDto implements RoomMute {
  @ApiProperty()
  userId!: string;

  @ApiProperty({ type: String, nullable: true })
  displayName!: string | null;

  @ApiProperty({ format: 'date-time', description: 'When the mute ends (always in the future)' })
  mutedUntil!: string;

  @ApiProperty({ description: 'The user id of the moderator who muted them' })
  mutedBy!: string;
}

export class RoomRestrictionsDto implements RoomRestrictions {
  @ApiProperty({ type: [RoomBanDto], description: 'Everyone banned from the room, newest first' })
  bans!: RoomBanDto[];

  @ApiProperty({
    type: [RoomMuteDto],
    description: 'Everyone muted in the room now (ended mutes are left out), newest first',
  })
  mutes!: RoomMuteDto[];
}

@ApiTags('rooms')
@ApiBearerAuth()
@Controller('coalitions/:id/restrictions')
export class RestrictionsController {
  constructor(@Inject(ModerationService) private readonly moderation: ModerationService) {}

  /** Who is banned from the room and who is muted in it now (moderators and organisers). */
  @Get()
  @ApiOkResponse({ type: RoomRestrictionsDto })
  list(@CurrentUser() ctx: AuthContext, @Param('id') id: string): Promise<RoomRestrictions> {
    return this.moderation.restrictions(ctx, id);
  }
}
