import { Inject, Injectable } from '@nestjs/common';
import type { AuthContext } from '@accord/auth';
import { AuditService, coalitionScope } from '@accord/audit';
import { AccordError, DocumentLocks, type Page } from '@accord/core';
import { OrganisationsService } from '@accord/organisations';
import { Types } from 'mongoose';
import { CoalitionAccessPolicy } from './coalition-access.policy';
import { toJoinRequestDto } from './coalition.mapper';
import { CoalitionsService, membersLockKey } from './coalitions.service';
import type {
  CreateJoinRequestDto,
  JoinRequestDto,
  ListJoinRequestsQueryDto,
} from './dto/coalition.dto';
import { JoinRequestsRepository } from './join-requests.repository';

@Injectable()
export class JoinRequestsService {
  constructor(
    @Inject(CoalitionsService) private readonly coalitions: CoalitionsService,
    @Inject(JoinRequestsRepository) private readonly requests: JoinRequestsRepository,
    @Inject(OrganisationsService) private readonly organisations: OrganisationsService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(DocumentLocks) private readonly locks: DocumentLocks,
  ) {}

  /** Asks to join a public coalition, on behalf of an organisation the caller belongs to. */
  async create(
    ctx: AuthContext,
    coalitionId: string,
    dto: CreateJoinRequestDto,
  ): Promise<JoinRequestDto> {
    const { coalition, role } = await this.coalitions.access(ctx, coalitionId);
    if (role !== null) throw AccordError.conflict('You are already a member of this coalition');
    if (!CoalitionAccessPolicy.canRequestToJoin(coalition, role)) {
      throw AccordError.forbidden('This coalition takes members by invitation only');
    }
    if ((await this.organisations.roleOf(dto.organisationId, ctx.userId)) === null) {
      throw AccordError.forbidden('You can only join on behalf of an organisation you belong to');
    }
    const request = await this.requests.create({
      coalitionId: coalition._id,
      userId: new Types.ObjectId(ctx.userId),
      organisationId: new Types.ObjectId(dto.organisationId),
      message: dto.message ?? null,
    });
    if (!request)
      throw AccordError.conflict('You already have a pending request to join this coalition');
    await this.audit.record({
      scope: coalitionScope(coalition._id.toString()),
      actorId: ctx.userId,
      action: 'coalition.join_request.created',
      target: { type: 'join_request', id: request._id.toString() },
      data: { organisationId: dto.organisationId },
    });
    return toJoinRequestDto({
      ...request,
      userId: { _id: request.userId, displayName: ctx.displayName },
    });
  }

  async list(
    ctx: AuthContext,
    coalitionId: string,
    query: ListJoinRequestsQueryDto,
  ): Promise<Page<JoinRequestDto>> {
    const { coalition } = await this.coalitions.accessWith(
      ctx,
      coalitionId,
      CoalitionAccessPolicy.canDecideJoinRequests,
      'Only moderators and organisers can see join requests',
    );
    const { items, total } = await this.requests.list(coalition._id, query.status, query);
    return { items: items.map(toJoinRequestDto), total, page: query.page, limit: query.limit };
  }

  async decide(
    ctx: AuthContext,
    coalitionId: string,
    requestId: string,
    decision: 'approved' | 'rejected',
  ): Promise<JoinRequestDto> {
    const { coalition } = await this.coalitions.accessWith(
      ctx,
      coalitionId,
      CoalitionAccessPolicy.canDecideJoinRequests,
      'Only moderators and organisers can decide join requests',
    );
    return this.locks.withLock(membersLockKey(coalition._id), async () => {
      const request = await this.requests.findInCoalition(coalition._id, requestId);
      if (!request) throw AccordError.notFound('Join request not found');
      if (request.status !== 'pending')
        throw AccordError.conflict(`This request was already ${request.status}`);
      if (decision === 'approved') {
        const stillInOrganisation = await this.organisations.roleOf(
          request.organisationId.toString(),
          request.userId.toString(),
        );
        if (stillInOrganisation === null) {
          throw AccordError.conflict(
            'The requester no longer belongs to the organisation they asked to join for',
          );
        }
        const added = await this.coalitions.addMember(
          ctx,
          coalition,
          {
            userId: request.userId.toString(),
            organisationId: request.organisationId.toString(),
            role: 'member',
          },
          'join_request',
        );
        if (!added)
          throw AccordError.conflict('The requester is already a member of this coalition');
      }
      const decided = await this.requests.decide(request, decision, new Types.ObjectId(ctx.userId));
      if (!decided) throw AccordError.conflict('This request was already decided');
      await this.audit.record({
        scope: coalitionScope(coalition._id.toString()),
        actorId: ctx.userId,
        action:
          decision === 'approved'
            ? 'coalition.join_request.approved'
            : 'coalition.join_request.rejected',
        target: { type: 'join_request', id: request._id.toString() },
        data: { userId: request.userId.toString() },
      });
      const view = await this.requests.findWithUser(request._id);
      return toJoinRequestDto(view ?? { ...decided, userId: null });
    });
  }
}
