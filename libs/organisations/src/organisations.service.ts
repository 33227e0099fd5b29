import { Inject, Injectable } from '@nestjs/common';
import { type AuthContext, normalizeEmail, UsersRepository } from '@accord/auth';
import { AuditService, organisationScope } from '@accord/audit';
import { AccordError, isObjectIdString, type Page } from '@accord/core';
import { Types } from 'mongoose';
import type { OrganisationRole } from './stakeholder-type';
import type {
  AddOrganisationMemberDto,
  CreateOrganisationDto,
  ListOrganisationsQueryDto,
  MyOrganisationDto,
  OrganisationMemberResponseDto,
  OrganisationResponseDto,
} from './dto/organisation.dto';
import { OrganisationAccessPolicy } from './organisation-access.policy';
import { toMemberResponse, toMyOrganisation, toOrganisationResponse } from './organisation.mapper';
import { normalizeOrganisationName, type OrganisationRecord } from './organisation.schema';
import { OrganisationsRepository } from './organisations.repository';

@Injectable()
export class OrganisationsService {
  constructor(
    @Inject(OrganisationsRepository) private readonly organisations: OrganisationsRepository,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async create(ctx: AuthContext, dto: CreateOrganisationDto): Promise<OrganisationResponseDto> {
    const org = await this.organisations.create({
      name: dto.name.replace(/\s+/g, ' '),
      nameNormalized: normalizeOrganisationName(dto.name),
      stakeholderType: dto.stakeholderType,
      country: dto.country,
      createdBy: ctx.userId,
    });
    await this.audit.record({
      scope: organisationScope(org._id.toString()),
      actorId: ctx.userId,
      action: 'organisation.created',
      target: { type: 'organisation', id: org._id.toString() },
      data: { name: org.name, stakeholderType: org.stakeholderType, country: org.country },
    });
    return this.present(ctx, org);
  }

  async list(
    ctx: AuthContext,
    query: ListOrganisationsQueryDto,
  ): Promise<Page<OrganisationResponseDto>> {
    const { items, total } = await this.organisations.list(
      {
        stakeholderType: query.stakeholderType,
        country: query.country,
        verified: query.verified,
        q: query.q,
      },
      query,
    );
    const ids = items.map((org) => org._id);
    const [counts, roles] = await Promise.all([
      this.organisations.countMembers(ids),
      this.organisations.membershipsOf(ctx.userId, ids),
    ]);
    return {
      items: items.map((org) =>
        toOrganisationResponse(org, {
          memberCount: counts.get(org._id.toString()) ?? 0,
          myRole: roles.get(org._id.toString()) ?? null,
        }),
      ),
      total,
      page: query.page,
      limit: query.limit,
    };
  }

  async get(ctx: AuthContext, id: string): Promise<OrganisationResponseDto> {
    return this.present(ctx, await this.require(id));
  }

  async addMember(
    ctx: AuthContext,
    id: string,
    dto: AddOrganisationMemberDto,
  ): Promise<OrganisationMemberResponseDto> {
    const org = await this.require(id);
    const myRole = (await this.organisations.findMembership(org._id, ctx.userId))?.role ?? null;
    if (!OrganisationAccessPolicy.canManageMembers(ctx, myRole)) {
      throw AccordError.forbidden('Only admins of this organisation can add members');
    }
    const user = await this.users.findByEmail(normalizeEmail(dto.email));
    if (!user) {
      throw AccordError.notFound(
        `No Accord account is registered with ${dto.email}; ask them to register first`,
      );
    }
    const added = await this.organisations.addMember(org._id, user._id, dto.role);
    if (!added)
      throw AccordError.conflict(`${user.displayName} is already a member of ${org.name}`);
    await this.audit.record({
      scope: organisationScope(org._id.toString()),
      actorId: ctx.userId,
      action: 'organisation.member.added',
      target: { type: 'user', id: user._id.toString() },
      data: { role: dto.role },
    });
    return toMemberResponse({ ...added, userId: { _id: user._id, displayName: user.displayName } });
  }

  async setVerified(
    ctx: AuthContext,
    id: string,
    verified: boolean,
  ): Promise<OrganisationResponseDto> {
    if (!OrganisationAccessPolicy.canVerify(ctx)) {
      throw AccordError.forbidden('Only platform admins can verify organisations');
    }
    const org = await this.organisations.setVerified(id, verified);
    if (!org) throw AccordError.notFound('Organisation not found');
    await this.audit.record({
      scope: organisationScope(org._id.toString()),
      actorId: ctx.userId,
      action: verified ? 'organisation.verified' : 'organisation.unverified',
      target: { type: 'organisation', id: org._id.toString() },
    });
    return this.present(ctx, org);
  }

  /** The user's role in the organisation, or null (for other domains' rules). */
  async roleOf(organisationId: string, userId: string): Promise<OrganisationRole | null> {
    if (!isObjectIdString(organisationId)) return null;
    return (
      (await this.organisations.findMembership(new Types.ObjectId(organisationId), userId))?.role ??
      null
    );
  }

  /** Organisations by id, in name order (unknown ids are skipped). */
  async findByIds(ids: (string | Types.ObjectId)[]): Promise<OrganisationRecord[]> {
    const valid = ids.map(String).filter(isObjectIdString);
    return this.organisations.findByIds([...new Set(valid)].map((id) => new Types.ObjectId(id)));
  }

  /** The user's organisations with their role in each (for /api/me). */
  async listMine(userId: string): Promise<MyOrganisationDto[]> {
    const memberships = await this.organisations.listMembershipsOfUser(userId);
    return memberships
      .filter((m) => m.organisationId !== null)
      .map((m) => toMyOrganisation(m.organisationId as OrganisationRecord, m.role))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private async require(id: string): Promise<OrganisationRecord> {
    const org = await this.organisations.findById(id);
    if (!org) throw AccordError.notFound('Organisation not found');
    return org;
  }

  private async present(
    ctx: AuthContext,
    org: OrganisationRecord,
  ): Promise<OrganisationResponseDto> {
    const myRole = (await this.organisations.findMembership(org._id, ctx.userId))?.role ?? null;
    const members = OrganisationAccessPolicy.canSeeMembers(ctx, myRole)
      ? await this.organisations.listMembers(org._id)
      : undefined;
    const memberCount =
      members?.length ??
      (await this.organisations.countMembers([org._id])).get(org._id.toString()) ??
      0;
    return toOrganisationResponse(org, { memberCount, myRole, members });
  }
}
