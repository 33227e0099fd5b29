import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuditModule } from '@accord/audit';
import { AuthModule } from '@accord/auth';
import { CoalitionsModule } from '@accord/coalitions';
import { OrganisationsModule } from '@accord/organisations';
import {
  ActionPlan,
  ActionPlanSchema,
  PlanEndorsement,
  PlanEndorsementSchema,
  PlanVersion,
  PlanVersionSchema,
  PlanSnapshot,
  PlanSnapshotSchema,
  PlanUpdate,
  PlanUpdateSchema,
} from './action-plan.schema';
import { ActionPlansController, CoalitionPlansController } from './action-plans.controller';
import { ActionPlansRepository, PlanLogRepository } from './action-plans.repository';
import { ActionPlansService } from './action-plans.service';
import { PlanDocuments } from './plan-documents';
import { PlanEvents } from './plan-events';
import { PlanRateLimiter } from './plan-rate-limiter';
import { PlanRelay } from './plan-relay';
import { PlansGateway } from './plans.gateway';
import { PlanVersionsController } from './plan-versions.controller';
import { PlanVersionsRepository } from './plan-versions.repository';
import { PlanVersionsService } from './plan-versions.service';

@Module({
  imports: [
    AuthModule,
    AuditModule,
    CoalitionsModule,
    OrganisationsModule,
    MongooseModule.forFeature([
      { name: ActionPlan.name, schema: ActionPlanSchema },
      { name: PlanUpdate.name, schema: PlanUpdateSchema },
      { name: PlanSnapshot.name, schema: PlanSnapshotSchema },
      { name: PlanVersion.name, schema: PlanVersionSchema },
      { name: PlanEndorsement.name, schema: PlanEndorsementSchema },
    ]),
  ],
  controllers: [CoalitionPlansController, ActionPlansController, PlanVersionsController],
  providers: [
    ActionPlansService,
    ActionPlansRepository,
    PlanLogRepository,
    PlanDocuments,
    PlanEvents,
    PlanRelay,
    PlanRateLimiter,
    PlansGateway,
    PlanVersionsRepository,
    PlanVersionsService,
  ],
  exports: [ActionPlansService, PlanVersionsService],
})
export class ActionPlansModule {}
