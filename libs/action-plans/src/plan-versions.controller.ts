import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentUser } from '@accord/auth';
import { type Page, PageQueryDto } from '@accord/core';
import type { PlanSummary, PlanView } from './action-plans.service';
import {
  ChangeStatusDto,
  ChangesQueryDto,
  CreateVersionDto,
  EndorseDto,
} from './dto/action-plan.dto';
import {
  type EndorsementView,
  type PlanChanges,
  type VersionDetail,
  type VersionView,
  PlanVersionsService,
} from './plan-versions.service';

/** Versions, the comparison of versions, the workflow and endorsements of a plan. */
@ApiTags('action-plans')
@ApiBearerAuth()
@Controller('action-plans/:id')
export class PlanVersionsController {
  constructor(@Inject(PlanVersionsService) private readonly versions: PlanVersionsService) {}

  @Post('versions')
  @HttpCode(201)
  create(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Body() dto: CreateVersionDto,
  ): Promise<VersionView> {
    return this.versions.createVersion(ctx, id, dto.name);
  }

  @Get('versions')
  list(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<VersionView>> {
    return this.versions.listVersions(ctx, id, query);
  }

  @Get('versions/:versionId')
  get(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Param('versionId') versionId: string,
  ): Promise<VersionDetail> {
    return this.versions.getVersion(ctx, id, versionId);
  }

  @Post('versions/:versionId/restore')
  @HttpCode(200)
  restore(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Param('versionId') versionId: string,
  ): Promise<PlanView> {
    return this.versions.restore(ctx, id, versionId);
  }

  /** A readable list of what changed from one version to another (or to now). */
  @Get('changes')
  changes(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Query() query: ChangesQueryDto,
  ): Promise<PlanChanges> {
    return this.versions.changes(ctx, id, query.from, query.to);
  }

  @Post('status')
  @HttpCode(200)
  status(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Body() dto: ChangeStatusDto,
  ): Promise<PlanSummary> {
    return this.versions.changeStatus(ctx, id, dto.status);
  }

  @Post('endorsements')
  @HttpCode(201)
  endorse(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Body() dto: EndorseDto,
  ): Promise<EndorsementView> {
    return this.versions.endorse(ctx, id, dto.organisationId, dto.versionId);
  }

  @Get('endorsements')
  endorsements(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
  ): Promise<EndorsementView[]> {
    return this.versions.listEndorsements(ctx, id);
  }
}
