import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CoalitionsModule } from '@accord/coalitions';
import { OrganisationsModule } from '@accord/organisations';
import { Comment, CommentSchema } from './comment.schema';
import { CommentsController } from './comments.controller';
import { CommentsRepository } from './comments.repository';
import { EventRateLimiter } from './event-rate-limiter';
import { RoomEvents } from './room-events';
import { RoomsGateway } from './rooms.gateway';
import { RoomsService } from './rooms.service';

@Module({
  imports: [
    CoalitionsModule,
    OrganisationsModule,
    MongooseModule.forFeature([{ name: Comment.name, schema: CommentSchema }]),
  ],
  controllers: [CommentsController],
  providers: [
    RoomsGateway,
    RoomsService,
    CommentsRepository,
    RoomEvents,
    { provide: EventRateLimiter, useFactory: () => new EventRateLimiter() },
  ],
  exports: [RoomsService],
})
export class RoomsModule {}
