import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  AccordError,
  escapeRegExp,
  isDuplicateKeyError,
  isObjectIdString,
  skipFor,
} from '@accord/core';
import { Model, trusted, Types } from 'mongoose';
import {
  normalizeOrganisationName,
  MembershipWithOrganisation,
  MemberWithUser,
  Organisation,
  OrganisationMember,
  OrganisationMemberRecord,
  OrganisationRecord,
} from './organisation.schema';
import type { OrganisationRole, StakeholderType } from './stakeholder-type';

export interface OrganisationFilter {
  stakeholderType?: StakeholderType;
  country?: string;
  verified?: boolean;
  q?: string;
}

@Injectable()
export class OrganisationsRepository {
  constructor(
    @InjectModel(Organisation.name) private readonly organisations: Model<Organisation>,
    @InjectModel(OrganisationMember.name) private readonly members: Model<OrganisationMember>,
  ) {}

  async create(input: {
    name: string;
    nameNormalized: string;
    stakeholderType: StakeholderType;
    country: string;
    createdBy: string;
  }): Promise<OrganisationRecord> {
    const createdBy = new Types.ObjectId(input.createdBy);
    let org: OrganisationRecord;
    try {
      org = (await this.organisations.create({ ...input, createdBy })).toObject();
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw AccordError.conflict(`An organisation named "${input.name}" already exists`, 'name');
      }
      throw error;
    }
    try {
      await this.members.create({ organisationId: org._id, userId: createdBy, role: 'admin' });
    } catch (error) {
      // No organisation without its first admin: undo rather than leave it unmanageable.
      await this.organisations.deleteOne({ _id: org._id }).exec();
      throw error;
    }
    return org;
  }

  async findById(id: string): Promise<OrganisationRecord | null> {
    if (!isObjectIdString(id)) return null;
    return this.organisations.findById(id).lean<OrganisationRecord>().exec();
  }

  async list(
    filter: OrganisationFilter,
    page: { page: number; limit: number },
  ): Promise<{ items: OrganisationRecord[]; total: number }> {
    const query: Record<string, unknown> = {};
    if (filter.stakeholderType) query.stakeholderType = filter.stakeholderType;
    if (filter.country) query.country = filter.country;
    if (filter.verified !== undefined) query.verified = filter.verified;
    if (filter.q)
      query.nameNormalized = trusted({ $regex: escapeRegExp(normalizeOrganisationName(filter.q)) });
    const [items, total] = await Promise.all([
      this.organisations
        .find(query)
        .sort({ nameNormalized: 1, _id: 1 })
        .skip(skipFor(page))
        .limit(page.limit)
        .lean<OrganisationRecord[]>()
        .exec(),
      this.organisations.countDocuments(query).exec(),
    ]);
    return { items, total };
  }

  async findByIds(ids: Types.ObjectId[]): Promise<OrganisationRecord[]> {
    if (ids.length === 0) return [];
    return this.organisations
      .find({ _id: trusted({ $in: ids }) })
      .sort({ nameNormalized: 1 })
      .lean<OrganisationRecord[]>()
      .exec();
  }

  async setVerified(id: string, verified: boolean): Promise<OrganisationRecord | null> {
    if (!isObjectIdString(id)) return null;
    return this.organisations
      .findByIdAndUpdate(id, { $set: { verified } }, { returnDocument: 'after' })
      .lean<OrganisationRecord>()
      .exec();
  }

  async findMembership(
    organisationId: Types.ObjectId,
    userId: string,
  ): Promise<OrganisationMemberRecord | null> {
    if (!isObjectIdString(userId)) return null;
    return this.members
      .findOne({ organisationId, userId: new Types.ObjectId(userId) })
      .lean<OrganisationMemberRecord>()
      .exec();
  }

  /** The caller's memberships among the given organisations, by organisation id. */
  async membershipsOf(
    userId: string,
    organisationIds: Types.ObjectId[],
  ): Promise<Map<string, OrganisationRole>> {
    if (organisationIds.length === 0 || !isObjectIdString(userId)) return new Map();
    const rows = await this.members
      .find({
        userId: new Types.ObjectId(userId),
        organisationId: trusted({ $in: organisationIds }),
      })
      .lean<OrganisationMemberRecord[]>()
      .exec();
    return new Map(rows.map((r) => [r.organisationId.toString(), r.role]));
  }

  /** Member counts by organisation id, in one `$group` aggregation. */
  async countMembers(organisationIds: Types.ObjectId[]): Promise<Map<string, number>> {
    if (organisationIds.length === 0) return new Map();
    const rows = await this.members
      .aggregate<{ _id: Types.ObjectId; count: number }>([
        { $match: { organisationId: { $in: organisationIds } } },
        { $group: { _id: '$organisationId', count: { $sum: 1 } } },
      ])
      .exec();
    return new Map(rows.map((r) => [r._id.toString(), r.count]));
  }

  /** The organisation's members with their display names (populate, not $lookup). */
  async listMembers(organisationId: Types.ObjectId): Promise<MemberWithUser[]> {
    return this.members
      .find({ organisationId })
      .sort({ addedAt: 1, _id: 1 })
      .populate({ path: 'userId', select: { displayName: 1 } })
      .lean<MemberWithUser[]>()
      .exec();
  }

  /** A user's memberships with their organisations populated. */
  async listMembershipsOfUser(userId: string): Promise<MembershipWithOrganisation[]> {
    if (!isObjectIdString(userId)) return [];
    return this.members
      .find({ userId: new Types.ObjectId(userId) })
      .populate({ path: 'organisationId' })
      .lean<MembershipWithOrganisation[]>()
      .exec();
  }

  /** Adds a member; false when they already are one (the unique index decides). */
  async addMember(
    organisationId: Types.ObjectId,
    userId: Types.ObjectId,
    role: OrganisationRole,
  ): Promise<OrganisationMemberRecord | null> {
    try {
      return (await this.members.create({ organisationId, userId, role })).toObject();
    } catch (error) {
      if (isDuplicateKeyError(error)) return null;
      throw error;
    }
  }
}
