import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuditModule } from '@accord/audit';
import { AuthModule } from '@accord/auth';
import { CoalitionsModule } from '@accord/coalitions';
import {
  ActionPlan,
  ActionPlanSchema,
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

@Module({
  imports: [
    AuthModule,
    AuditModule,
    CoalitionsModule,
    MongooseModule.forFeature([
      { name: ActionPlan.name, schema: ActionPlanSchema },
      { name: PlanUpdate.name, schema: PlanUpdateSchema },
      { name: PlanSnapshot.name, schema: PlanSnapshotSchema },
    ]),
  ],
  controllers: [CoalitionPlansController, ActionPlansController],
  providers: [
    ActionPlansService,
    ActionPlansRepository,
    PlanLogRepository,
    PlanDocuments,
    PlanEvents,
    PlanRelay,
    PlanRateLimiter,
    PlansGateway,
  ],
  exports: [ActionPlansService],
})
export class ActionPlansModule {}
