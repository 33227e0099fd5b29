import { Inject, Injectable } from '@nestjs/common';
import { type AuthContext, normalizeEmail, UsersRepository } from '@accord/auth';
import { AccordError, type Page } from '@accord/core';
import type {
  AddOrganisationMemberDto,
  CreateOrganisationDto,
  ListOrganisationsQueryDto,
  OrganisationMemberResponseDto,
  OrganisationResponseDto,
} from './dto/organisation.dto';
import { OrganisationAccessPolicy } from './organisation-access.policy';
import { toMemberResponse, toOrganisationResponse } from './organisation.mapper';
import { normalizeOrganisationName, type OrganisationRecord } from './organisation.schema';
import { OrganisationsRepository } from './organisations.repository';

@Injectable()
export class OrganisationsService {
  constructor(
    @Inject(OrganisationsRepository) private readonly organisations: OrganisationsRepository,
    @Inject(UsersRepository) private readonly users: UsersRepository,
  ) {}

  async create(ctx: AuthContext, dto: CreateOrganisationDto): Promise<OrganisationResponseDto> {
    const org = await this.organisations.create({
      name: dto.name.replace(/\s+/g, ' '),
      nameNormalized: normalizeOrganisationName(dto.name),
      stakeholderType: dto.stakeholderType,
      country: dto.country,
      createdBy: ctx.userId,
    });
    return this.present(ctx, org);
  }

  async list(ctx: AuthContext, query: ListOrganisationsQueryDto): Promise<Page<OrganisationResponseDto>> {
    const { items, total } = await this.organisations.list(
      { stakeholderType: query.stakeholderType, country: query.country, verified: query.verified, q: query.q },
      query,
    );
    return {
      items: items.map((org) => toOrganisationResponse(org, ctx.userId)),
      total,
      page: query.page,
      limit: query.limit,
    };
  }

  async get(ctx: AuthContext, id: string): Promise<OrganisationResponseDto> {
    return this.present(ctx, await this.require(id));
  }

  async addMember(ctx: AuthContext, id: string, dto: AddOrganisationMemberDto): Promise<OrganisationMemberResponseDto> {
    const org = await this.require(id);
    if (!OrganisationAccessPolicy.canManageMembers(ctx, org)) {
      throw AccordError.forbidden('Only admins of this organisation can add members');
    }
    const user = await this.users.findByEmail(normalizeEmail(dto.email));
    if (!user) {
      throw AccordError.notFound(`No Accord account is registered with ${dto.email}; ask them to register first`);
    }
    const outcome = await this.organisations.addMember(id, user._id.toString(), dto.role);
    if (outcome === 'missing') throw AccordError.notFound('Organisation not found');
    if (outcome === 'already-member') {
      throw AccordError.conflict(`${user.displayName} is already a member of ${org.name}`);
    }
    const added = (await this.organisations.findMembers(id)).find((m) => {
      const ref = m.userId as { _id?: unknown } | null;
      return (ref?._id ?? ref)?.toString() === user._id.toString();
    });
    if (!added) throw AccordError.notFound('Organisation not found');
    return toMemberResponse(added);
  }

  async setVerified(ctx: AuthContext, id: string, verified: boolean): Promise<OrganisationResponseDto> {
    if (!OrganisationAccessPolicy.canVerify(ctx)) {
      throw AccordError.forbidden('Only platform admins can verify organisations');
    }
    const org = await this.organisations.setVerified(id, verified);
    if (!org) throw AccordError.notFound('Organisation not found');
    return this.present(ctx, org);
  }

  async listForUser(userId: string): Promise<OrganisationRecord[]> {
    return this.organisations.listForUser(userId);
  }

  private async require(id: string): Promise<OrganisationRecord> {
    const org = await this.organisations.findById(id);
    if (!org) throw AccordError.notFound('Organisation not found');
    return org;
  }

  private async present(ctx: AuthContext, org: OrganisationRecord): Promise<OrganisationResponseDto> {
    const members = OrganisationAccessPolicy.canSeeMembers(ctx, org)
      ? await this.organisations.findMembers(org._id.toString())
      : undefined;
    return toOrganisationResponse(org, ctx.userId, members);
  }
}
