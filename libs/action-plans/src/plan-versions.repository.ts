import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isDuplicateKeyError, isObjectIdString, skipFor } from '@accord/core';
import { Model, trusted, Types } from 'mongoose';
import {
  PlanEndorsement,
  type PlanEndorsementRecord,
  PlanVersion,
  type PlanVersionRecord,
} from './action-plan.schema';

export type NewVersion = Omit<PlanVersion, 'number' | 'nameKey' | 'createdAt'>;

/** A version as it is read: everything but the document bytes. */
export type VersionSummary = Omit<PlanVersionRecord, 'state'>;

/** Folds a version name for uniqueness: case and runs of spaces do not make a new name. */
export function versionNameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

const MAX_NUMBER_ATTEMPTS = 20;

@Injectable()
export class PlanVersionsRepository {
  constructor(
    @InjectModel(PlanVersion.name) private readonly versions: Model<PlanVersion>,
    @InjectModel(PlanEndorsement.name) private readonly endorsements: Model<PlanEndorsement>,
  ) {}

  /**
   * Stores a version with the plan's next number. Returns null when the name is taken (the unique
   * name index decides); a clash on the number (another request numbered one at the same time)
   * takes the next number.
   */
  async create(input: NewVersion): Promise<PlanVersionRecord | null> {
    const nameKey = versionNameKey(input.name);
    for (let attempt = 0; attempt < MAX_NUMBER_ATTEMPTS; attempt++) {
      const last = await this.versions
        .findOne({ planId: input.planId })
        .sort({ number: -1 })
        .select({ number: 1 })
        .lean<{ number: number }>()
        .exec();
      try {
        const created = await this.versions.create({
          ...input,
          nameKey,
          number: (last?.number ?? 0) + 1,
        });
        return created.toObject();
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        if (await this.versions.exists({ planId: input.planId, nameKey }).exec()) return null;
      }
    }
    throw new Error('Could not number a new plan version');
  }

  /** A version without its document bytes (views, diffs and restores read its content). */
  async findById(planId: Types.ObjectId, id: string): Promise<VersionSummary | null> {
    if (!isObjectIdString(id)) return null;
    return this.versions
      .findOne({ _id: new Types.ObjectId(id), planId })
      .select({ state: 0 })
      .lean<VersionSummary>()
      .exec();
  }

  async latest(planId: Types.ObjectId): Promise<VersionSummary | null> {
    return this.versions
      .findOne({ planId })
      .sort({ number: -1 })
      .select({ state: 0 })
      .lean<VersionSummary>()
      .exec();
  }

  /** Versions newest first, without their document bytes. */
  async list(
    planId: Types.ObjectId,
    page: { page: number; limit: number },
  ): Promise<{ items: VersionSummary[]; total: number }> {
    const [items, total] = await Promise.all([
      this.versions
        .find({ planId })
        .select({ state: 0 })
        .sort({ number: -1 })
        .skip(skipFor(page))
        .limit(page.limit)
        .lean<VersionSummary[]>()
        .exec(),
      this.versions.countDocuments({ planId }).exec(),
    ]);
    return { items, total };
  }

  async namesOf(ids: Types.ObjectId[]): Promise<Map<string, VersionSummary>> {
    if (ids.length === 0) return new Map();
    const found = await this.versions
      .find({ _id: trusted({ $in: ids }) })
      .select({ state: 0 })
      .lean<VersionSummary[]>()
      .exec();
    return new Map(found.map((v) => [v._id.toString(), v]));
  }

  /** Records an endorsement; the existing one when this organisation endorsed this version before. */
  async endorse(input: {
    planId: Types.ObjectId;
    versionId: Types.ObjectId;
    organisationId: Types.ObjectId;
    userId: Types.ObjectId;
  }): Promise<{ endorsement: PlanEndorsementRecord; created: boolean }> {
    try {
      return { endorsement: (await this.endorsements.create(input)).toObject(), created: true };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await this.endorsements
        .findOne({
          planId: input.planId,
          versionId: input.versionId,
          organisationId: input.organisationId,
        })
        .lean<PlanEndorsementRecord>()
        .exec();
      if (!existing) throw error;
      return { endorsement: existing, created: false };
    }
  }

  async endorsementsOf(planId: Types.ObjectId): Promise<PlanEndorsementRecord[]> {
    return this.endorsements
      .find({ planId })
      .sort({ createdAt: 1 })
      .lean<PlanEndorsementRecord[]>()
      .exec();
  }
}
