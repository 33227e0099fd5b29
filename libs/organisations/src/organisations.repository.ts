import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AccordError, escapeRegExp, isDuplicateKeyError, isObjectIdString, skipFor } from '@accord/core';
import { Model, trusted, Types } from 'mongoose';
import { Organisation, OrganisationRecord, PopulatedMember } from './organisation.schema';
import type { OrganisationRole, StakeholderType } from './stakeholder-type';

export interface OrganisationFilter {
  stakeholderType?: StakeholderType;
  country?: string;
  verified?: boolean;
  q?: string;
}

export type AddMemberOutcome = 'added' | 'already-member' | 'missing';

@Injectable()
export class OrganisationsRepository {
  constructor(@InjectModel(Organisation.name) private readonly organisations: Model<Organisation>) {}

  async create(input: {
    name: string;
    nameNormalized: string;
    stakeholderType: StakeholderType;
    country: string;
    createdBy: string;
  }): Promise<OrganisationRecord> {
    const createdBy = new Types.ObjectId(input.createdBy);
    try {
      const created = await this.organisations.create({
        ...input,
        createdBy,
        members: [{ userId: createdBy, role: 'admin', addedAt: new Date() }],
      });
      return created.toObject() as OrganisationRecord;
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw AccordError.conflict(`An organisation named "${input.name}" already exists`, { field: 'name' });
      }
      throw error;
    }
  }

  async findById(id: string): Promise<OrganisationRecord | null> {
    if (!isObjectIdString(id)) return null;
    return this.organisations.findById(id).lean<OrganisationRecord>().exec();
  }

  /** The organisation's members with their display names (populate, not $lookup). */
  async findMembers(id: string): Promise<PopulatedMember[]> {
    const org = await this.organisations
      .findById(id)
      .select({ members: 1 })
      .populate({ path: 'members.userId', select: { displayName: 1 } })
      .lean<{ members: PopulatedMember[] }>()
      .exec();
    return org?.members ?? [];
  }

  async list(filter: OrganisationFilter, page: { page: number; limit: number }): Promise<{ items: OrganisationRecord[]; total: number }> {
    const query: Record<string, unknown> = {};
    if (filter.stakeholderType) query.stakeholderType = filter.stakeholderType;
    if (filter.country) query.country = filter.country;
    if (filter.verified !== undefined) query.verified = filter.verified;
    if (filter.q) query.nameNormalized = trusted({ $regex: escapeRegExp(filter.q.toLowerCase()) });
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

  async listForUser(userId: string): Promise<OrganisationRecord[]> {
    return this.organisations
      .find({ 'members.userId': new Types.ObjectId(userId) })
      .sort({ nameNormalized: 1 })
      .lean<OrganisationRecord[]>()
      .exec();
  }

  /** Adds a member unless already there; one atomic update, so concurrent adds store one entry. */
  async addMember(id: string, userId: string, role: OrganisationRole): Promise<AddMemberOutcome> {
    const uid = new Types.ObjectId(userId);
    const result = await this.organisations
      .updateOne(
        { _id: new Types.ObjectId(id), 'members.userId': trusted({ $ne: uid }) },
        { $push: { members: { userId: uid, role, addedAt: new Date() } } },
      )
      .exec();
    if (result.modifiedCount === 1) return 'added';
    const exists = await this.organisations.exists({ _id: new Types.ObjectId(id) }).exec();
    return exists ? 'already-member' : 'missing';
  }

  async setVerified(id: string, verified: boolean): Promise<OrganisationRecord | null> {
    if (!isObjectIdString(id)) return null;
    return this.organisations
      .findByIdAndUpdate(id, { $set: { verified } }, { returnDocument: 'after' })
      .lean<OrganisationRecord>()
      .exec();
  }
}
