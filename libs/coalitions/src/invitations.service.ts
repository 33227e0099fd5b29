import { Inject, Injectable } from '@nestjs/common';
import type { AuthContext } from '@accord/auth';
import { AuditService, coalitionScope } from '@accord/audit';
import { AccordError, DocumentLocks, isObjectIdString, type Page } from '@accord/core';
import { OrganisationsService } from '@accord/organisations';
import { createHash, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { CoalitionAccessPolicy } from './coalition-access.policy';
import { toInvitationDto } from './coalition.mapper';
import { CoalitionsRepository } from './coalitions.repository';
import { CoalitionsService, membersLockKey } from './coalitions.service';
import type {
  AcceptInvitationDto,
  CoalitionDetailDto,
  CreatedInvitationDto,
  CreateInvitationDto,
  InvitationDto,
  MyInvitationDto,
} from './dto/coalition.dto';
import { InvitationsRepository } from './invitations.repository';

export const INVITATION_TTL_DAYS = 14;

export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

@Injectable()
export class InvitationsService {
  constructor(
    @Inject(CoalitionsService) private readonly coalitions: CoalitionsService,
    @Inject(CoalitionsRepository) private readonly coalitionRecords: CoalitionsRepository,
    @Inject(InvitationsRepository) private readonly invitations: InvitationsRepository,
    @Inject(OrganisationsService) private readonly organisations: OrganisationsService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(DocumentLocks) private readonly locks: DocumentLocks,
  ) {}

  /**
   * Invites someone by email. The answer carries the token, shown this once, for the inviter to
   * share; an invitation to an email without an account waits for them to register.
   */
  async create(
    ctx: AuthContext,
    coalitionId: string,
    dto: CreateInvitationDto,
  ): Promise<CreatedInvitationDto> {
    const { coalition, role } = await this.coalitions.access(ctx, coalitionId);
    if (!CoalitionAccessPolicy.canInvite(role, dto.role)) {
      throw AccordError.forbidden(
        CoalitionAccessPolicy.canModerate(role)
          ? `A ${role} cannot invite a ${dto.role}`
          : 'Only moderators and organisers can invite people',
      );
    }
    if (
      dto.organisationId &&
      (await this.organisations.findByIds([dto.organisationId])).length === 0
    ) {
      throw AccordError.invalidField('organisationId', 'No organisation has that id');
    }
    const token = randomBytes(24).toString('base64url');
    const invitation = await this.invitations.create({
      coalitionId: coalition._id,
      email: dto.email.trim().toLowerCase(),
      organisationId: dto.organisationId ? new Types.ObjectId(dto.organisationId) : null,
      role: dto.role,
      tokenHash: hashInvitationToken(token),
      expiresAt: new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000),
      invitedBy: new Types.ObjectId(ctx.userId),
    });
    await this.audit.record({
      scope: coalitionScope(coalition._id.toString()),
      actorId: ctx.userId,
      action: 'coalition.invitation.created',
      target: { type: 'invitation', id: invitation._id.toString() },
      data: {
        email: invitation.email,
        role: invitation.role,
        organisationId: dto.organisationId ?? null,
      },
    });
    return { ...toInvitationDto(invitation), token };
  }

  async listForCoalition(
    ctx: AuthContext,
    coalitionId: string,
    page: { page: number; limit: number },
  ): Promise<Page<InvitationDto>> {
    const { coalition } = await this.coalitions.accessWith(
      ctx,
      coalitionId,
      CoalitionAccessPolicy.canModerate,
      'Only moderators and organisers can see invitations',
    );
    const { items, total } = await this.invitations.listForCoalition(coalition._id, page);
    return {
      items: items.map((i) => toInvitationDto(i)),
      total,
      page: page.page,
      limit: page.limit,
    };
  }

  /** Pending invitations to the caller's email (including those sent before they registered). */
  async mine(ctx: AuthContext): Promise<MyInvitationDto[]> {
    const pending = await this.invitations.pendingForEmail(
      ctx.email.trim().toLowerCase(),
      new Date(),
    );
    const coalitions = await this.coalitionRecords.findByIds(pending.map((i) => i.coalitionId));
    const nameOf = new Map(coalitions.map((c) => [c._id.toString(), c.name]));
    return pending.flatMap((invitation) => {
      const coalitionName = nameOf.get(invitation.coalitionId.toString());
      return coalitionName === undefined ? [] : [{ ...toInvitationDto(invitation), coalitionName }];
    });
  }

  async accept(
    ctx: AuthContext,
    token: string,
    dto: AcceptInvitationDto,
  ): Promise<CoalitionDetailDto> {
    const invitation = await this.invitations.findByTokenHash(hashInvitationToken(token));
    if (
      !invitation ||
      invitation.status !== 'pending' ||
      new Date(invitation.expiresAt) <= new Date()
    ) {
      throw AccordError.notFound(
        'This invitation does not exist, was already used, or has expired',
      );
    }
    if (invitation.email !== ctx.email.trim().toLowerCase()) {
      throw AccordError.forbidden('This invitation was sent to another email address');
    }
    const organisationId = invitation.organisationId?.toString() ?? dto.organisationId;
    if (!organisationId || !isObjectIdString(organisationId)) {
      throw AccordError.validation('Choose the organisation you will act for', [
        {
          field: 'organisationId',
          message: 'organisationId is required: this invitation names no organisation',
        },
      ]);
    }
    if (dto.organisationId && invitation.organisationId && dto.organisationId !== organisationId) {
      throw AccordError.validation('This invitation is for another organisation', [
        {
          field: 'organisationId',
          message: 'The invitation names its organisation; leave organisationId out',
        },
      ]);
    }
    if ((await this.organisations.roleOf(organisationId, ctx.userId)) === null) {
      throw AccordError.forbidden('You can only join on behalf of an organisation you belong to');
    }
    const coalition = await this.coalitionRecords.findById(invitation.coalitionId.toString());
    if (!coalition)
      throw AccordError.notFound(
        'This invitation does not exist, was already used, or has expired',
      );
    await this.locks.withLock(membersLockKey(coalition._id), async () => {
      const current = await this.invitations.findByTokenHash(invitation.tokenHash);
      if (current?.status !== 'pending')
        throw AccordError.conflict('This invitation was already used');
      const added = await this.coalitions.addMember(
        ctx,
        coalition,
        { userId: ctx.userId, organisationId, role: invitation.role },
        'invitation',
      );
      if (!added) throw AccordError.conflict('You are already a member of this coalition');
      await this.invitations.markAccepted(invitation._id, new Types.ObjectId(ctx.userId));
      await this.audit.record({
        scope: coalitionScope(coalition._id.toString()),
        actorId: ctx.userId,
        action: 'coalition.invitation.accepted',
        target: { type: 'invitation', id: invitation._id.toString() },
        data: { role: invitation.role, organisationId },
      });
    });
    return this.coalitions.get(ctx, coalition._id.toString());
  }
}
