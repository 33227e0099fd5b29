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
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthContext, CurrentUser } from '@accord/auth';
import { type Page, PageQueryDto } from '@accord/core';
import { CoalitionsService } from './coalitions.service';
import {
  AcceptInvitationDto,
  AuditPageDto,
  ChangeRoleDto,
  CoalitionDetailDto,
  CoalitionMemberDto,
  CoalitionPageDto,
  type CoalitionResponseDto,
  CreatedInvitationDto,
  CreateCoalitionDto,
  CreateInvitationDto,
  CreateJoinRequestDto,
  InvitationDto,
  JoinRequestDto,
  ListCoalitionsQueryDto,
  ListJoinRequestsQueryDto,
  MyInvitationDto,
} from './dto/coalition.dto';
import { InvitationsService } from './invitations.service';
import { JoinRequestsService } from './join-requests.service';

const HIDDEN = 'No such coalition, or a private one the caller is not a member of';

@ApiTags('coalitions')
@ApiBearerAuth()
@Controller('coalitions')
export class CoalitionsController {
  constructor(
    @Inject(CoalitionsService) private readonly coalitions: CoalitionsService,
    @Inject(JoinRequestsService) private readonly joinRequests: JoinRequestsService,
    @Inject(InvitationsService) private readonly invitations: InvitationsService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: CoalitionDetailDto, description: 'The creator is its organiser' })
  @ApiForbiddenResponse({ description: 'The creator does not belong to organisationId' })
  create(
    @CurrentUser() ctx: AuthContext,
    @Body() dto: CreateCoalitionDto,
  ): Promise<CoalitionDetailDto> {
    return this.coalitions.create(ctx, dto);
  }

  @Get()
  @ApiOkResponse({
    type: CoalitionPageDto,
    description: 'Public coalitions and those the caller belongs to',
  })
  list(
    @CurrentUser() ctx: AuthContext,
    @Query() query: ListCoalitionsQueryDto,
  ): Promise<Page<CoalitionResponseDto>> {
    return this.coalitions.list(ctx, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: CoalitionDetailDto })
  @ApiNotFoundResponse({ description: HIDDEN })
  get(@CurrentUser() ctx: AuthContext, @Param('id') id: string): Promise<CoalitionDetailDto> {
    return this.coalitions.get(ctx, id);
  }

  @Post(':id/join-requests')
  @HttpCode(201)
  @ApiCreatedResponse({ type: JoinRequestDto })
  @ApiConflictResponse({ description: 'Already a member, or a request is pending' })
  @ApiNotFoundResponse({ description: HIDDEN })
  requestToJoin(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Body() dto: CreateJoinRequestDto,
  ): Promise<JoinRequestDto> {
    return this.joinRequests.create(ctx, id, dto);
  }

  @Get(':id/join-requests')
  @ApiOkResponse({ description: 'Moderators and organisers' })
  listJoinRequests(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Query() query: ListJoinRequestsQueryDto,
  ): Promise<Page<JoinRequestDto>> {
    return this.joinRequests.list(ctx, id, query);
  }

  @Post(':id/join-requests/:requestId/approve')
  @HttpCode(200)
  @ApiOkResponse({ type: JoinRequestDto, description: 'The requester becomes a member' })
  approve(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Param('requestId') requestId: string,
  ): Promise<JoinRequestDto> {
    return this.joinRequests.decide(ctx, id, requestId, 'approved');
  }

  @Post(':id/join-requests/:requestId/reject')
  @HttpCode(200)
  @ApiOkResponse({ type: JoinRequestDto })
  reject(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Param('requestId') requestId: string,
  ): Promise<JoinRequestDto> {
    return this.joinRequests.decide(ctx, id, requestId, 'rejected');
  }

  @Post(':id/invitations')
  @HttpCode(201)
  @ApiCreatedResponse({
    type: CreatedInvitationDto,
    description: 'With the token to share (shown once)',
  })
  @ApiForbiddenResponse({
    description: 'Organisers invite any role; moderators invite members and observers',
  })
  invite(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Body() dto: CreateInvitationDto,
  ): Promise<CreatedInvitationDto> {
    return this.invitations.create(ctx, id, dto);
  }

  @Get(':id/invitations')
  @ApiOkResponse({ description: 'Moderators and organisers' })
  listInvitations(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<InvitationDto>> {
    return this.invitations.listForCoalition(ctx, id, query);
  }

  @Patch(':id/members/:userId')
  @ApiOkResponse({ type: CoalitionMemberDto })
  @ApiForbiddenResponse({
    description: 'Nobody acts on an equal or higher rank; one may only step down oneself',
  })
  @ApiConflictResponse({ description: 'The last organiser cannot step down' })
  changeRole(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Param('userId') userId: string,
    @Body() dto: ChangeRoleDto,
  ): Promise<CoalitionMemberDto> {
    return this.coalitions.changeRole(ctx, id, userId, dto.role);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Removed (or left, when userId is the caller)' })
  @ApiConflictResponse({ description: 'The last organiser cannot leave' })
  async removeMember(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Param('userId') userId: string,
  ): Promise<void> {
    await this.coalitions.removeMember(ctx, id, userId);
  }

  @Post(':id/leave')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The caller leaves the coalition' })
  async leave(@CurrentUser() ctx: AuthContext, @Param('id') id: string): Promise<void> {
    await this.coalitions.removeMember(ctx, id, ctx.userId);
  }

  @Get(':id/audit')
  @ApiOkResponse({
    type: AuditPageDto,
    description: 'Organisers; newest first, with the chain check',
  })
  audit(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Query() query: PageQueryDto,
  ): Promise<AuditPageDto> {
    return this.coalitions.auditLog(ctx, id, query);
  }
}

@ApiTags('coalitions')
@ApiBearerAuth()
@Controller('invitations')
export class InvitationsController {
  constructor(@Inject(InvitationsService) private readonly invitations: InvitationsService) {}

  @Get()
  @ApiOkResponse({
    type: [MyInvitationDto],
    description: "Pending invitations to the caller's email",
  })
  mine(@CurrentUser() ctx: AuthContext): Promise<MyInvitationDto[]> {
    return this.invitations.mine(ctx);
  }

  @Post(':token/accept')
  @HttpCode(200)
  @ApiOkResponse({ type: CoalitionDetailDto, description: 'The caller is now a member' })
  @ApiNotFoundResponse({ description: 'Unknown, used or expired invitation' })
  @ApiForbiddenResponse({
    description: 'Sent to another email, or the caller does not belong to the organisation',
  })
  accept(
    @CurrentUser() ctx: AuthContext,
    @Param('token') token: string,
    @Body() dto: AcceptInvitationDto,
  ): Promise<CoalitionDetailDto> {
    return this.invitations.accept(ctx, token, dto);
  }
}
