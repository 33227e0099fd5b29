import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuditModule } from '@accord/audit';
import { AuthModule } from '@accord/auth';
import { CoalitionsModule } from '@accord/coalitions';
import { OrganisationsModule } from '@accord/organisations';
import { Comment, CommentSchema } from './comment.schema';
import { CommentsController } from './comments.controller';
import { CommentsRepository } from './comments.repository';
import { EventRateLimiter } from './event-rate-limiter';
import { FlagsController } from './flags.controller';
import { ModerationRepository } from './moderation.repository';
import {
  CommentFlag,
  CommentFlagSchema,
  CommentReaction,
  CommentReactionSchema,
  FlagDismissal,
  FlagDismissalSchema,
  RoomSanction,
  RoomSanctionSchema,
  RoomSettings,
  RoomSettingsSchema,
} from './moderation.schema';
import { ModerationService } from './moderation.service';
import { PlanRef, PlanRefSchema } from './plan-ref.schema';
import { PlanRefsRepository } from './plan-refs.repository';
import { RestrictionsController } from './restrictions.controller';
import { RoomEvents } from './room-events';
import { RoomGuard } from './room-guard';
import { RoomsGateway } from './rooms.gateway';
import { RoomsService } from './rooms.service';

@Module({
  imports: [
    AuthModule,
    AuditModule,
    CoalitionsModule,
    OrganisationsModule,
    MongooseModule.forFeature([
      { name: Comment.name, schema: CommentSchema },
      { name: RoomSettings.name, schema: RoomSettingsSchema },
      { name: RoomSanction.name, schema: RoomSanctionSchema },
      { name: CommentFlag.name, schema: CommentFlagSchema },
      { name: CommentReaction.name, schema: CommentReactionSchema },
      { name: FlagDismissal.name, schema: FlagDismissalSchema },
      { name: PlanRef.name, schema: PlanRefSchema },
    ]),
  ],
  controllers: [CommentsController, FlagsController, RestrictionsController],
  providers: [
    RoomsGateway,
    RoomsService,
    ModerationService,
    RoomGuard,
    CommentsRepository,
    ModerationRepository,
    PlanRefsRepository,
    RoomEvents,
    { provide: EventRateLimiter, useFactory: () => new EventRateLimiter() },
  ],
  exports: [RoomsService, ModerationService],
})
export class RoomsModule {}
