import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuthModule } from '@accord/auth';
import { OrganisationsModule } from '@accord/organisations';
import { RecommendationsModule, RecommendationUsageRegistry } from '@accord/recommendations';
import {
  Coalition,
  CoalitionMember,
  CoalitionMemberSchema,
  CoalitionSchema,
  Invitation,
  InvitationSchema,
  JoinRequest,
  JoinRequestSchema,
} from './coalition.schema';
import { CoalitionsController, InvitationsController } from './coalitions.controller';
import { CoalitionsRepository } from './coalitions.repository';
import { CoalitionsService } from './coalitions.service';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { JoinRequestsRepository } from './join-requests.repository';
import { JoinRequestsService } from './join-requests.service';

@Module({
  imports: [
    AuthModule,
    OrganisationsModule,
    RecommendationsModule,
    MongooseModule.forFeature([
      { name: Coalition.name, schema: CoalitionSchema },
      { name: CoalitionMember.name, schema: CoalitionMemberSchema },
      { name: JoinRequest.name, schema: JoinRequestSchema },
      { name: Invitation.name, schema: InvitationSchema },
    ]),
  ],
  controllers: [CoalitionsController, InvitationsController],
  providers: [
    CoalitionsService,
    JoinRequestsService,
    InvitationsService,
    CoalitionsRepository,
    JoinRequestsRepository,
    InvitationsRepository,
  ],
  exports: [CoalitionsService],
})
export class CoalitionsModule implements OnModuleInit {
  constructor(
    @Inject(RecommendationUsageRegistry) private readonly usage: RecommendationUsageRegistry,
    @Inject(CoalitionsService) private readonly coalitions: CoalitionsService,
  ) {}

  onModuleInit(): void {
    // Recommendation pages show the coalitions working on them, as far as the caller may see.
    this.usage.register({
      visibleCoalitions: (ctx, recommendationId) =>
        this.coalitions.visibleForRecommendation(ctx, recommendationId),
    });
  }
}
