import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  escapeRegExp,
  isDuplicateKeyError,
  isObjectIdString,
  type SharedCache,
  SharedCaches,
  skipFor,
} from '@accord/core';
import { Inject } from '@nestjs/common';
import { Model, trusted, Types } from 'mongoose';
import type { CoalitionRole, CoalitionVisibility } from './coalition-roles';
import {
  Coalition,
  CoalitionMember,
  type CoalitionMemberRecord,
  type CoalitionRecord,
} from './coalition.schema';

export interface CoalitionFilter {
  recommendationId?: Types.ObjectId;
  q?: string;
  visibility?: CoalitionVisibility;
  /** Only coalitions with these ids (the caller's own). */
  onlyIds?: Types.ObjectId[];
}

/** Member with the user populated (display name only). */
export type MemberWithUser = Omit<CoalitionMemberRecord, 'userId'> & {
  userId: { _id: Types.ObjectId; displayName: string } | null;
};

@Injectable()
export class CoalitionsRepository {
  /** Coalitions are read on every event and never updated in place (created, deleted). */
  private readonly coalitionCache: SharedCache<CoalitionRecord | null>;
  /** One person's membership of one coalition, read on every event; writes invalidate it. */
  private readonly memberCache: SharedCache<CoalitionMemberRecord | null>;

  constructor(
    @InjectModel(Coalition.name) private readonly coalitions: Model<Coalition>,
    @InjectModel(CoalitionMember.name) private readonly members: Model<CoalitionMember>,
    @Inject(SharedCaches) caches: SharedCaches,
  ) {
    this.coalitionCache = caches.create('coalition', 60_000);
    this.memberCache = caches.create('coalition-member', 60_000);
  }

  async create(
    input: Omit<Coalition, 'createdAt' | 'updatedAt' | 'status'>,
  ): Promise<CoalitionRecord> {
    const created = (await this.coalitions.create(input)).toObject();
    this.coalitionCache.invalidate(created._id.toString());
    return created;
  }

  async delete(id: Types.ObjectId): Promise<void> {
    await this.coalitions.deleteOne({ _id: id }).exec();
    this.coalitionCache.invalidate(id.toString());
  }

  async findById(id: string): Promise<CoalitionRecord | null> {
    if (!isObjectIdString(id)) return null;
    return this.coalitionCache.get(id, () =>
      this.coalitions.findById(id).lean<CoalitionRecord>().exec(),
    );
  }

  /**
   * Coalitions the caller may see: public ones and those in `memberOf`. The visibility rule is
   * part of the query, so counts and pages never include what the caller may not see.
   */
  async listVisible(
    memberOf: Types.ObjectId[],
    filter: CoalitionFilter,
    page: { page: number; limit: number },
  ): Promise<{ items: CoalitionRecord[]; total: number }> {
    const query = this.visibleQuery(memberOf, filter);
    const [items, total] = await Promise.all([
      this.coalitions
        .find(query)
        .sort({ createdAt: -1, _id: -1 })
        .skip(skipFor(page))
        .limit(page.limit)
        .lean<CoalitionRecord[]>()
        .exec(),
      this.coalitions.countDocuments(query).exec(),
    ]);
    return { items, total };
  }

  async allVisible(
    memberOf: Types.ObjectId[],
    filter: CoalitionFilter,
  ): Promise<CoalitionRecord[]> {
    return this.coalitions
      .find(this.visibleQuery(memberOf, filter))
      .sort({ createdAt: -1, _id: -1 })
      .lean<CoalitionRecord[]>()
      .exec();
  }

  private visibleQuery(
    memberOf: Types.ObjectId[],
    filter: CoalitionFilter,
  ): Record<string, unknown> {
    const and: Record<string, unknown>[] = [
      { $or: [{ visibility: 'public' }, { _id: trusted({ $in: memberOf }) }] },
    ];
    if (filter.onlyIds) and.push({ _id: trusted({ $in: filter.onlyIds }) });
    if (filter.visibility) and.push({ visibility: filter.visibility });
    if (filter.recommendationId) and.push({ recommendationIds: filter.recommendationId });
    if (filter.q)
      and.push({ searchText: trusted({ $regex: escapeRegExp(filter.q.toLowerCase()) }) });
    return { $and: and };
  }

  // ---- members ----

  /** Adds a member; null when the person already is one (the unique index decides). */
  async addMember(member: {
    coalitionId: Types.ObjectId;
    userId: Types.ObjectId;
    organisationId: Types.ObjectId;
    role: CoalitionRole;
  }): Promise<CoalitionMemberRecord | null> {
    try {
      return (await this.members.create(member)).toObject();
    } catch (error) {
      if (isDuplicateKeyError(error)) return null;
      throw error;
    } finally {
      this.memberCache.invalidate(memberKey(member.coalitionId, member.userId));
    }
  }

  /**
   * A person's membership. `fresh` reads the database (for rules decided under a lock);
   * otherwise a cached answer at most a few seconds old, dropped on every change on any node.
   */
  async findMember(
    coalitionId: Types.ObjectId,
    userId: string,
    options: { fresh?: boolean } = {},
  ): Promise<CoalitionMemberRecord | null> {
    if (!isObjectIdString(userId)) return null;
    const read = () =>
      this.members
        .findOne({ coalitionId, userId: new Types.ObjectId(userId) })
        .lean<CoalitionMemberRecord>()
        .exec();
    return options.fresh ? read() : this.memberCache.get(memberKey(coalitionId, userId), read);
  }

  async coalitionIdsOf(userId: string): Promise<Types.ObjectId[]> {
    if (!isObjectIdString(userId)) return [];
    const rows = await this.members
      .find({ userId: new Types.ObjectId(userId) })
      .select({ coalitionId: 1 })
      .lean<{ coalitionId: Types.ObjectId }[]>()
      .exec();
    return rows.map((r) => r.coalitionId);
  }

  async rolesOf(
    userId: string,
    coalitionIds: Types.ObjectId[],
  ): Promise<Map<string, CoalitionRole>> {
    if (!isObjectIdString(userId) || coalitionIds.length === 0) return new Map();
    const rows = await this.members
      .find({ userId: new Types.ObjectId(userId), coalitionId: trusted({ $in: coalitionIds }) })
      .lean<CoalitionMemberRecord[]>()
      .exec();
    return new Map(rows.map((r) => [r.coalitionId.toString(), r.role]));
  }

  async findMemberWithUser(
    coalitionId: Types.ObjectId,
    userId: string,
  ): Promise<MemberWithUser | null> {
    if (!isObjectIdString(userId)) return null;
    return this.members
      .findOne({ coalitionId, userId: new Types.ObjectId(userId) })
      .populate({ path: 'userId', select: { displayName: 1 } })
      .lean<MemberWithUser>()
      .exec();
  }

  async findByIds(ids: Types.ObjectId[]): Promise<CoalitionRecord[]> {
    if (ids.length === 0) return [];
    return this.coalitions
      .find({ _id: trusted({ $in: ids }) })
      .lean<CoalitionRecord[]>()
      .exec();
  }

  async listMembers(coalitionId: Types.ObjectId): Promise<MemberWithUser[]> {
    return this.members
      .find({ coalitionId })
      .sort({ joinedAt: 1, _id: 1 })
      .populate({ path: 'userId', select: { displayName: 1 } })
      .lean<MemberWithUser[]>()
      .exec();
  }

  /** (coalition, organisation) pairs of the coalitions' members, for stakeholder mixes. */
  async memberOrganisations(
    coalitionIds: Types.ObjectId[],
  ): Promise<{ coalitionId: Types.ObjectId; organisationId: Types.ObjectId }[]> {
    if (coalitionIds.length === 0) return [];
    return this.members
      .find({ coalitionId: trusted({ $in: coalitionIds }) })
      .select({ coalitionId: 1, organisationId: 1 })
      .lean<{ coalitionId: Types.ObjectId; organisationId: Types.ObjectId }[]>()
      .exec();
  }

  async countOrganisers(coalitionId: Types.ObjectId): Promise<number> {
    return this.members.countDocuments({ coalitionId, role: 'organiser' }).exec();
  }

  async setRole(
    member: Pick<CoalitionMemberRecord, '_id' | 'coalitionId' | 'userId'>,
    role: CoalitionRole,
  ): Promise<CoalitionMemberRecord | null> {
    try {
      return await this.members
        .findByIdAndUpdate(member._id, { $set: { role } }, { returnDocument: 'after' })
        .lean<CoalitionMemberRecord>()
        .exec();
    } finally {
      this.memberCache.invalidate(memberKey(member.coalitionId, member.userId));
    }
  }

  async removeMember(
    member: Pick<CoalitionMemberRecord, '_id' | 'coalitionId' | 'userId'>,
  ): Promise<boolean> {
    try {
      const result = await this.members.deleteOne({ _id: member._id }).exec();
      return result.deletedCount === 1;
    } finally {
      this.memberCache.invalidate(memberKey(member.coalitionId, member.userId));
    }
  }
}

function memberKey(coalitionId: Types.ObjectId, userId: Types.ObjectId | string): string {
  return `${coalitionId.toString()}:${userId.toString()}`;
}
