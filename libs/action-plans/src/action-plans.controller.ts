import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentUser } from '@accord/auth';
import type { Page } from '@accord/core';
import {
  CreateActionDto,
  CreateIndicatorDto,
  CreateMilestoneDto,
  CreatePlanDto,
  ListPlansQueryDto,
  MoveDto,
  UpdateActionDto,
  UpdateIndicatorDto,
  UpdateMilestoneDto,
  UpdatePlanDto,
} from './dto/action-plan.dto';
import {
  ActionPlansService,
  type PlanSummary,
  type PlanView,
  type RecordsRef,
} from './action-plans.service';

@ApiTags('action-plans')
@ApiBearerAuth()
@Controller('coalitions/:id/action-plans')
export class CoalitionPlansController {
  constructor(@Inject(ActionPlansService) private readonly plans: ActionPlansService) {}

  @Post()
  @HttpCode(201)
  create(
    @CurrentUser() ctx: AuthContext,
    @Param('id') coalitionId: string,
    @Body() dto: CreatePlanDto,
  ): Promise<PlanView> {
    return this.plans.create(ctx, coalitionId, dto);
  }

  @Get()
  list(
    @CurrentUser() ctx: AuthContext,
    @Param('id') coalitionId: string,
    @Query() query: ListPlansQueryDto,
  ): Promise<Page<PlanSummary>> {
    return this.plans.list(ctx, coalitionId, query);
  }
}

const ACTIONS: RecordsRef = { kind: 'action' };
const milestonesOf = (actionId: string): RecordsRef => ({ kind: 'milestone', actionId });
const indicatorsOf = (actionId: string): RecordsRef => ({ kind: 'indicator', actionId });

/**
 * REST over the live document: every write is one server-side Yjs transaction, so people editing
 * the plan live see it at once.
 */
@ApiTags('action-plans')
@ApiBearerAuth()
@Controller('action-plans/:id')
export class ActionPlansController {
  constructor(@Inject(ActionPlansService) private readonly plans: ActionPlansService) {}

  @Get()
  get(@CurrentUser() ctx: AuthContext, @Param('id') id: string): Promise<PlanView> {
    return this.plans.get(ctx, id);
  }

  @Patch()
  update(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Body() dto: UpdatePlanDto,
  ): Promise<PlanView> {
    return this.plans.update(ctx, id, dto);
  }

  @Post('actions')
  @HttpCode(201)
  addAction(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Body() dto: CreateActionDto,
  ) {
    return this.plans.addRecord(ctx, id, ACTIONS, { ...dto });
  }

  @Patch('actions/:actionId')
  editAction(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Param('actionId') actionId: string,
    @Body() dto: UpdateActionDto,
  ) {
    return this.plans.editRecord(ctx, id, ACTIONS, actionId, { ...dto });
  }

  @Delete('actions/:actionId')
  @HttpCode(204)
  async removeAction(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Param('actionId') actionId: string,
  ): Promise<void> {
    await this.plans.removeRecord(ctx, id, ACTIONS, actionId);
  }

  @Post('actions/:actionId/move')
  @HttpCode(200)
  moveAction(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Param('actionId') actionId: string,
    @Body() dto: MoveDto,
  ) {
    return this.plans.moveRecord(ctx, id, ACTIONS, actionId, dto.index);
  }

  @Post('actions/:actionId/milestones')
  @HttpCode(201)
  addMilestone(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Param('actionId') actionId: string,
    @Body() dto: CreateMilestoneDto,
  ) {
    return this.plans.addRecord(ctx, id, milestonesOf(actionId), { ...dto });
  }

  @Patch('actions/:actionId/milestones/:milestoneId')
  editMilestone(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Param('actionId') actionId: string,
    @Param('milestoneId') milestoneId: string,
    @Body() dto: UpdateMilestoneDto,
  ) {
    return this.plans.editRecord(ctx, id, milestonesOf(actionId), milestoneId, {
      ...dto,
    });
  }

  @Delete('actions/:actionId/milestones/:milestoneId')
  @HttpCode(204)
  async removeMilestone(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Param('actionId') actionId: string,
    @Param('milestoneId') milestoneId: string,
  ): Promise<void> {
    await this.plans.removeRecord(ctx, id, milestonesOf(actionId), milestoneId);
  }

  @Post('actions/:actionId/milestones/:milestoneId/move')
  @HttpCode(200)
  moveMilestone(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Param('actionId') actionId: string,
    @Param('milestoneId') milestoneId: string,
    @Body() dto: MoveDto,
  ) {
    return this.plans.moveRecord(ctx, id, milestonesOf(actionId), milestoneId, dto.index);
  }

  @Post('actions/:actionId/indicators')
  @HttpCode(201)
  addIndicator(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Param('actionId') actionId: string,
    @Body() dto: CreateIndicatorDto,
  ) {
    return this.plans.addRecord(ctx, id, indicatorsOf(actionId), { ...dto });
  }

  @Patch('actions/:actionId/indicators/:indicatorId')
  editIndicator(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Param('actionId') actionId: string,
    @Param('indicatorId') indicatorId: string,
    @Body() dto: UpdateIndicatorDto,
  ) {
    return this.plans.editRecord(ctx, id, indicatorsOf(actionId), indicatorId, {
      ...dto,
    });
  }

  @Delete('actions/:actionId/indicators/:indicatorId')
  @HttpCode(204)
  async removeIndicator(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Param('actionId') actionId: string,
    @Param('indicatorId') indicatorId: string,
  ): Promise<void> {
    await this.plans.removeRecord(ctx, id, indicatorsOf(actionId), indicatorId);
  }

  @Post('actions/:actionId/indicators/:indicatorId/move')
  @HttpCode(200)
  moveIndicator(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Param('actionId') actionId: string,
    @Param('indicatorId') indicatorId: string,
    @Body() dto: MoveDto,
  ) {
    return this.plans.moveRecord(ctx, id, indicatorsOf(actionId), indicatorId, dto.index);
  }
}
