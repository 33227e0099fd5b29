import { Inject, Injectable } from '@nestjs/common';
import type { AuthContext } from '@accord/auth';
import { AuditService, coalitionScope } from '@accord/audit';
import {
  AccordError,
  DocumentLocks,
  DomainEvents,
  isObjectIdString,
  type Page,
} from '@accord/core';
import { OrganisationsService, type StakeholderType } from '@accord/organisations';
import { type CoalitionSummary, RecommendationsService } from '@accord/recommendations';
import { Types } from 'mongoose';
import { CoalitionAccessPolicy } from './coalition-access.policy';
import { type CoalitionFacts, toCoalitionResponse, toMemberDto } from './coalition.mapper';
import { type CoalitionRole } from './coalition-roles';
import type { CoalitionMemberRecord, CoalitionRecord } from './coalition.schema';
import { CoalitionsRepository } from './coalitions.repository';
import type {
  CoalitionDetailDto,
  CoalitionMemberDto,
  CoalitionResponseDto,
  CreateCoalitionDto,
  ListCoalitionsQueryDto,
} from './dto/coalition.dto';
import { stakeholderMixOf } from './stakeholder-mix';

/** A coalition as the caller sees it: the record and the caller's membership (or none). */
export interface CoalitionAccess {
  coalition: CoalitionRecord;
  member: CoalitionMemberRecord | null;
  role: CoalitionRole | null;
}

export const NOT_FOUND_MESSAGE = 'Coalition not found';

export function membersLockKey(coalitionId: Types.ObjectId | string): string {
  return `coalition-members:${coalitionId.toString()}`;
}

@Injectable()
export class CoalitionsService {
  constructor(
    @Inject(CoalitionsRepository) private readonly coalitions: CoalitionsRepository,
    @Inject(OrganisationsService) private readonly organisations: OrganisationsService,
    @Inject(RecommendationsService) private readonly recommendations: RecommendationsService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(DocumentLocks) private readonly locks: DocumentLocks,
    @Inject(DomainEvents) private readonly domainEvents: DomainEvents,
  ) {}

  /**
   * Resolves the caller's view of a coalition. A coalition the caller may not see answers
   * NOT_FOUND, exactly as one that does not exist. Every route and event starts here.
   */
  async access(ctx: AuthContext, coalitionId: string): Promise<CoalitionAccess> {
    if (!isObjectIdString(coalitionId)) throw AccordError.notFound(NOT_FOUND_MESSAGE);
    // Both reads at once: a membership of a coalition that does not exist cannot be found.
    const [coalition, member] = await Promise.all([
      this.coalitions.findById(coalitionId),
      this.coalitions.findMember(new Types.ObjectId(coalitionId), ctx.userId),
    ]);
    if (!coalition) throw AccordError.notFound(NOT_FOUND_MESSAGE);
    const role = member?.role ?? null;
    if (!CoalitionAccessPolicy.canView(coalition, role))
      throw AccordError.notFound(NOT_FOUND_MESSAGE);
    return { coalition, member, role };
  }

  /** Someone else's role in a coalition (null when not a member), for rank rules elsewhere. */
  async roleOf(coalitionId: Types.ObjectId, userId: string): Promise<CoalitionRole | null> {
    return (await this.coalitions.findMember(coalitionId, userId))?.role ?? null;
  }

  /** The organisations the coalition's members act for (each once). */
  async memberOrganisationIds(coalitionId: Types.ObjectId): Promise<string[]> {
    const members = await this.coalitions.listMembers(coalitionId);
    return [...new Set(members.map((m) => m.organisationId.toString()))];
  }

  /** As `access`, then FORBIDDEN (with `message`) unless `allowed(role)`. */
  async accessWith(
    ctx: AuthContext,
    coalitionId: string,
    allowed: (role: CoalitionRole | null) => boolean,
    message: string,
  ): Promise<CoalitionAccess> {
    const access = await this.access(ctx, coalitionId);
    if (!allowed(access.role)) throw AccordError.forbidden(message);
    return access;
  }

  async create(ctx: AuthContext, dto: CreateCoalitionDto): Promise<CoalitionDetailDto> {
    if ((await this.organisations.roleOf(dto.organisationId, ctx.userId)) === null) {
      throw AccordError.forbidden(
        'You can only create a coalition on behalf of an organisation you belong to',
      );
    }
    const recommendations = await this.recommendations.requireByIds(dto.recommendationIds);
    const coalition = await this.coalitions.create({
      name: dto.name,
      purpose: dto.purpose,
      visibility: dto.visibility,
      recommendationIds: recommendations.map((r) => r._id),
      searchText: `${dto.name}\n${dto.purpose}`.toLowerCase(),
      createdBy: new Types.ObjectId(ctx.userId),
    });
    const member = await this.coalitions.addMember({
      coalitionId: coalition._id,
      userId: new Types.ObjectId(ctx.userId),
      organisationId: new Types.ObjectId(dto.organisationId),
      role: 'organiser',
    });
    if (!member) {
      await this.coalitions.delete(coalition._id);
      throw new Error(
        `The creator of the new coalition ${coalition._id.toString()} was already its member`,
      );
    }
    const scope = coalitionScope(coalition._id.toString());
    await this.audit.record({
      scope,
      actorId: ctx.userId,
      action: 'coalition.created',
      target: { type: 'coalition', id: coalition._id.toString() },
      data: {
        name: coalition.name,
        visibility: coalition.visibility,
        recommendationIds: coalition.recommendationIds.map(String),
      },
    });
    await this.audit.record({
      scope,
      actorId: ctx.userId,
      action: 'coalition.member.added',
      target: { type: 'user', id: ctx.userId },
      data: { role: 'organiser', organisationId: dto.organisationId, via: 'creation' },
    });
    return this.detailFor({ coalition, member, role: 'organiser' });
  }

  async list(ctx: AuthContext, query: ListCoalitionsQueryDto): Promise<Page<CoalitionResponseDto>> {
    const memberOf = await this.coalitions.coalitionIdsOf(ctx.userId);
    const { items, total } = await this.coalitions.listVisible(
      memberOf,
      {
        recommendationId: query.recommendationId
          ? new Types.ObjectId(query.recommendationId)
          : undefined,
        q: query.q,
        visibility: query.visibility,
        onlyIds: query.mine === 'true' ? memberOf : undefined,
      },
      query,
    );
    const ids = items.map((c) => c._id);
    const [facts, roles] = await Promise.all([
      this.facts(ids),
      this.coalitions.rolesOf(ctx.userId, ids),
    ]);
    return {
      items: items.map((c) =>
        toCoalitionResponse(
          c,
          facts.get(c._id.toString()) ?? emptyFacts(),
          roles.get(c._id.toString()) ?? null,
        ),
      ),
      total,
      page: query.page,
      limit: query.limit,
    };
  }

  async get(ctx: AuthContext, coalitionId: string): Promise<CoalitionDetailDto> {
    return this.detailFor(await this.access(ctx, coalitionId));
  }

  /** The coalitions working on a recommendation that the caller may see (never others, not even as a count). */
  async visibleForRecommendation(
    ctx: AuthContext,
    recommendationId: string,
  ): Promise<CoalitionSummary[]> {
    const memberOf = await this.coalitions.coalitionIdsOf(ctx.userId);
    const coalitions = await this.coalitions.allVisible(memberOf, {
      recommendationId: new Types.ObjectId(recommendationId),
    });
    const facts = await this.facts(coalitions.map((c) => c._id));
    return coalitions.map((c) => {
      const f = facts.get(c._id.toString()) ?? emptyFacts();
      return {
        id: c._id.toString(),
        name: c.name,
        visibility: c.visibility,
        memberOrganisationCount: f.mix.organisations,
        multiStakeholder: f.mix.multiStakeholder,
      };
    });
  }

  /**
   * Changes a member's role. Rank rules: nobody acts on an equal or higher rank; one's own role
   * may only go down; the last organiser cannot step down.
   */
  async changeRole(
    ctx: AuthContext,
    coalitionId: string,
    userId: string,
    role: CoalitionRole,
  ): Promise<CoalitionMemberDto> {
    const { coalition } = await this.access(ctx, coalitionId);
    return this.locks.withLock(membersLockKey(coalition._id), async () => {
      // Read the caller's role inside the lock: a demotion that just happened counts.
      const myRole = await this.currentRole(coalition, ctx);
      if (myRole === null)
        throw AccordError.forbidden('Only members of this coalition can change roles');
      const target = await this.coalitions.findMember(coalition._id, userId, { fresh: true });
      if (!target) throw AccordError.notFound('That person is not a member of this coalition');
      const self = target.userId.toString() === ctx.userId;
      if (!self && !CoalitionAccessPolicy.canActOn(myRole, target.role)) {
        throw AccordError.forbidden(
          `A ${myRole} cannot change the role of a ${target.role}: nobody acts on an equal or higher rank`,
        );
      }
      if (target.role === role) return this.memberDto(coalition._id, target.userId.toString());
      const allowed = self
        ? CoalitionAccessPolicy.canChangeOwnRole(target.role, role)
        : CoalitionAccessPolicy.canChangeRole(myRole, target.role, role);
      if (!allowed) {
        throw AccordError.forbidden(
          self
            ? 'You can step down to a lower role, not raise your own'
            : `A ${myRole} cannot make someone a ${role}`,
        );
      }
      if (
        target.role === 'organiser' &&
        (await this.coalitions.countOrganisers(coalition._id)) <= 1
      ) {
        throw AccordError.conflict(
          'The last organiser cannot step down; make someone else organiser first',
        );
      }
      await this.coalitions.setRole(target, role);
      await this.audit.record({
        scope: coalitionScope(coalition._id.toString()),
        actorId: ctx.userId,
        action: 'coalition.member.role_changed',
        target: { type: 'user', id: target.userId.toString() },
        data: { from: target.role, to: role },
      });
      this.domainEvents.emit({
        type: 'coalition.member.role_changed',
        coalitionId: coalition._id.toString(),
        userId: target.userId.toString(),
        from: target.role,
        to: role,
      });
      return this.memberDto(coalition._id, target.userId.toString());
    });
  }

  /** Removes a member (rank rules), or lets the caller leave (`userId` is their own). */
  async removeMember(ctx: AuthContext, coalitionId: string, userId: string): Promise<void> {
    const { coalition } = await this.access(ctx, coalitionId);
    await this.locks.withLock(membersLockKey(coalition._id), async () => {
      const myRole = await this.currentRole(coalition, ctx);
      if (myRole === null)
        throw AccordError.forbidden('Only members of this coalition can remove members');
      const target = await this.coalitions.findMember(coalition._id, userId, { fresh: true });
      if (!target) throw AccordError.notFound('That person is not a member of this coalition');
      const self = target.userId.toString() === ctx.userId;
      if (!self && !CoalitionAccessPolicy.canRemove(myRole, target.role)) {
        throw AccordError.forbidden(
          `A ${myRole} cannot remove a ${target.role}: nobody acts on an equal or higher rank`,
        );
      }
      if (
        target.role === 'organiser' &&
        (await this.coalitions.countOrganisers(coalition._id)) <= 1
      ) {
        throw AccordError.conflict(
          'The last organiser cannot leave; make someone else organiser first',
        );
      }
      await this.coalitions.removeMember(target);
      await this.audit.record({
        scope: coalitionScope(coalition._id.toString()),
        actorId: ctx.userId,
        action: self ? 'coalition.member.left' : 'coalition.member.removed',
        target: { type: 'user', id: target.userId.toString() },
        data: { role: target.role, organisationId: target.organisationId.toString() },
      });
      this.domainEvents.emit({
        type: 'coalition.member.removed',
        coalitionId: coalition._id.toString(),
        userId: target.userId.toString(),
        visibility: coalition.visibility,
      });
    });
  }

  /** Adds a member (after an approved request or an accepted invitation); null if already one. */
  async addMember(
    ctx: AuthContext,
    coalition: CoalitionRecord,
    member: { userId: string; organisationId: string; role: CoalitionRole },
    via: string,
  ): Promise<CoalitionMemberRecord | null> {
    const added = await this.coalitions.addMember({
      coalitionId: coalition._id,
      userId: new Types.ObjectId(member.userId),
      organisationId: new Types.ObjectId(member.organisationId),
      role: member.role,
    });
    if (added) {
      await this.audit.record({
        scope: coalitionScope(coalition._id.toString()),
        actorId: ctx.userId,
        action: 'coalition.member.added',
        target: { type: 'user', id: member.userId },
        data: { role: member.role, organisationId: member.organisationId, via },
      });
    }
    return added;
  }

  async auditLog(ctx: AuthContext, coalitionId: string, page: { page: number; limit: number }) {
    const { coalition } = await this.accessWith(
      ctx,
      coalitionId,
      CoalitionAccessPolicy.canReadAudit,
      'Only organisers can read the audit log',
    );
    const scope = coalitionScope(coalition._id.toString());
    const [entries, integrity] = await Promise.all([
      this.audit.list(scope, page),
      this.audit.verify(scope),
    ]);
    return { ...entries, integrity };
  }

  /** The caller's role read now (inside a lock); NOT_FOUND if they may no longer see the coalition. */
  private async currentRole(
    coalition: CoalitionRecord,
    ctx: AuthContext,
  ): Promise<CoalitionRole | null> {
    const role =
      (await this.coalitions.findMember(coalition._id, ctx.userId, { fresh: true }))?.role ?? null;
    if (!CoalitionAccessPolicy.canView(coalition, role))
      throw AccordError.notFound(NOT_FOUND_MESSAGE);
    return role;
  }

  private async memberDto(
    coalitionId: Types.ObjectId,
    userId: string,
  ): Promise<CoalitionMemberDto> {
    const member = await this.coalitions.findMemberWithUser(coalitionId, userId);
    if (!member) throw AccordError.notFound('That person is not a member of this coalition');
    return toMemberDto(member);
  }

  /** The coalition as `get` answers it, for a caller whose access is already known. */
  async detailFor(access: CoalitionAccess): Promise<CoalitionDetailDto> {
    const { coalition, role } = access;
    const [members, recommendations] = await Promise.all([
      this.coalitions.listMembers(coalition._id),
      this.recommendations.findByIds(coalition.recommendationIds),
    ]);
    const organisations = await this.organisations.findByIds(members.map((m) => m.organisationId));
    const types = new Map<string, StakeholderType>(
      organisations.map((o) => [o._id.toString(), o.stakeholderType]),
    );
    const facts: CoalitionFacts = {
      mix: stakeholderMixOf(types),
      memberCount: members.length,
      organisationTypes: types,
    };
    return {
      ...toCoalitionResponse(coalition, facts, role),
      recommendations: recommendations.map((r) => ({
        id: r._id.toString(),
        code: r.code,
        theme: r.theme,
      })),
      organisations: organisations.map((o) => ({
        id: o._id.toString(),
        name: o.name,
        stakeholderType: o.stakeholderType,
        country: o.country,
        verified: o.verified,
      })),
      ...(CoalitionAccessPolicy.canSeeMembers(role) ? { members: members.map(toMemberDto) } : {}),
    };
  }

  /** Member counts and stakeholder mixes of several coalitions, in two queries. */
  private async facts(coalitionIds: Types.ObjectId[]): Promise<Map<string, CoalitionFacts>> {
    const pairs = await this.coalitions.memberOrganisations(coalitionIds);
    const organisations = await this.organisations.findByIds(pairs.map((p) => p.organisationId));
    const typeOf = new Map<string, StakeholderType>(
      organisations.map((o) => [o._id.toString(), o.stakeholderType]),
    );
    const byCoalition = new Map<string, { count: number; types: Map<string, StakeholderType> }>();
    for (const pair of pairs) {
      const key = pair.coalitionId.toString();
      const entry = byCoalition.get(key) ?? { count: 0, types: new Map<string, StakeholderType>() };
      entry.count++;
      const type = typeOf.get(pair.organisationId.toString());
      if (type) entry.types.set(pair.organisationId.toString(), type);
      byCoalition.set(key, entry);
    }
    return new Map(
      [...byCoalition].map(([key, entry]) => [
        key,
        {
          mix: stakeholderMixOf(entry.types),
          memberCount: entry.count,
          organisationTypes: entry.types,
        },
      ]),
    );
  }
}

function emptyFacts(): CoalitionFacts {
  return { mix: stakeholderMixOf(new Map()), memberCount: 0, organisationTypes: new Map() };
}
