import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthContext, AuthService, CurrentUser, toUserResponse } from '@accord/auth';
import type { Page } from '@accord/core';
import {
  AddOrganisationMemberDto,
  CreateOrganisationDto,
  ListOrganisationsQueryDto,
  MeResponseDto,
  OrganisationMemberResponseDto,
  OrganisationPageDto,
  OrganisationResponseDto,
  UpdateOrganisationDto,
} from './dto/organisation.dto';
import { OrganisationsService } from './organisations.service';

@ApiTags('organisations')
@ApiBearerAuth()
@Controller('organisations')
export class OrganisationsController {
  constructor(@Inject(OrganisationsService) private readonly organisations: OrganisationsService) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({
    type: OrganisationResponseDto,
    description: 'The creator becomes its admin',
  })
  @ApiConflictResponse({ description: 'An organisation with this name already exists' })
  create(
    @CurrentUser() ctx: AuthContext,
    @Body() dto: CreateOrganisationDto,
  ): Promise<OrganisationResponseDto> {
    return this.organisations.create(ctx, dto);
  }

  @Get()
  @ApiOkResponse({ type: OrganisationPageDto })
  list(
    @CurrentUser() ctx: AuthContext,
    @Query() query: ListOrganisationsQueryDto,
  ): Promise<Page<OrganisationResponseDto>> {
    return this.organisations.list(ctx, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: OrganisationResponseDto })
  @ApiNotFoundResponse()
  get(@CurrentUser() ctx: AuthContext, @Param('id') id: string): Promise<OrganisationResponseDto> {
    return this.organisations.get(ctx, id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: OrganisationResponseDto })
  @ApiForbiddenResponse({ description: 'Platform admins only' })
  update(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Body() dto: UpdateOrganisationDto,
  ): Promise<OrganisationResponseDto> {
    return this.organisations.setVerified(ctx, id, dto.verified);
  }

  @Post(':id/members')
  @HttpCode(201)
  @ApiCreatedResponse({ type: OrganisationMemberResponseDto })
  @ApiForbiddenResponse({ description: 'Organisation admins only' })
  @ApiNotFoundResponse({ description: 'No such organisation, or no account with that email' })
  @ApiConflictResponse({ description: 'Already a member' })
  addMember(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Body() dto: AddOrganisationMemberDto,
  ): Promise<OrganisationMemberResponseDto> {
    return this.organisations.addMember(ctx, id, dto);
  }
}

@ApiTags('auth')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(OrganisationsService) private readonly organisations: OrganisationsService,
  ) {}

  @Get()
  @ApiOkResponse({
    type: MeResponseDto,
    description: 'The signed-in user with their organisations',
  })
  async me(@CurrentUser() ctx: AuthContext): Promise<MeResponseDto> {
    const [user, organisations] = await Promise.all([
      this.auth.getUser(ctx.userId),
      this.organisations.listMine(ctx.userId),
    ]);
    return { ...toUserResponse(user, ctx.isPlatformAdmin), organisations };
  }
}
