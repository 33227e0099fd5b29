import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { escapeRegExp, isDuplicateKeyError, isObjectIdString, skipFor } from '@accord/core';
import { Model, trusted, Types } from 'mongoose';
import {
  Recommendation,
  type RecommendationFields,
  type RecommendationRecord,
} from './recommendation.schema';

export interface RecommendationFilter {
  theme?: string;
  q?: string;
  sdg?: string;
}

@Injectable()
export class RecommendationsRepository {
  constructor(
    @InjectModel(Recommendation.name) private readonly recommendations: Model<Recommendation>,
  ) {}

  async ensureIndexes(): Promise<void> {
    await this.recommendations.init();
  }

  async list(
    filter: RecommendationFilter,
    page: { page: number; limit: number },
  ): Promise<{ items: RecommendationRecord[]; total: number }> {
    const query: Record<string, unknown> = {};
    if (filter.theme) query.themeKey = filter.theme.trim().toLowerCase();
    if (filter.sdg) query.sdgTargets = filter.sdg;
    if (filter.q) query.searchText = trusted({ $regex: escapeRegExp(filter.q.toLowerCase()) });
    const [items, total] = await Promise.all([
      this.recommendations
        .find(query)
        .sort({ sortKey: 1, code: 1 })
        .skip(skipFor(page))
        .limit(page.limit)
        .lean<RecommendationRecord[]>()
        .exec(),
      this.recommendations.countDocuments(query).exec(),
    ]);
    return { items, total };
  }

  async all(): Promise<RecommendationRecord[]> {
    return this.recommendations
      .find()
      .sort({ sortKey: 1, code: 1 })
      .lean<RecommendationRecord[]>()
      .exec();
  }

  async findByIdOrCode(idOrCode: string): Promise<RecommendationRecord | null> {
    if (isObjectIdString(idOrCode)) {
      const byId = await this.recommendations
        .findById(idOrCode)
        .lean<RecommendationRecord>()
        .exec();
      if (byId) return byId;
    }
    return this.recommendations
      .findOne({ code: idOrCode.trim().toUpperCase() })
      .lean<RecommendationRecord>()
      .exec();
  }

  /** The ids among `ids` that exist. */
  async existingIds(ids: Types.ObjectId[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.recommendations
      .find({ _id: trusted({ $in: ids }) })
      .select({ _id: 1 })
      .lean<{ _id: Types.ObjectId }[]>()
      .exec();
    return new Set(rows.map((r) => r._id.toString()));
  }

  async findByIds(ids: Types.ObjectId[]): Promise<RecommendationRecord[]> {
    if (ids.length === 0) return [];
    return this.recommendations
      .find({ _id: trusted({ $in: ids }) })
      .sort({ sortKey: 1 })
      .lean<RecommendationRecord[]>()
      .exec();
  }

  async existingCodes(codes: string[]): Promise<Set<string>> {
    if (codes.length === 0) return new Set();
    const rows = await this.recommendations
      .find({ code: trusted({ $in: codes }) })
      .select({ code: 1 })
      .lean<{ code: string }[]>()
      .exec();
    return new Set(rows.map((r) => r.code));
  }

  /** Creates or replaces each recommendation by code. Returns how many were created and updated. */
  async upsertAll(rows: RecommendationFields[]): Promise<{ created: number; updated: number }> {
    if (rows.length === 0) return { created: 0, updated: 0 };
    const before = await this.existingCodes(rows.map((r) => r.code));
    const upsert = () =>
      this.recommendations.bulkWrite(
        rows.map((row) => ({
          updateOne: { filter: { code: row.code }, update: { $set: row }, upsert: true },
        })),
        { ordered: false },
      );
    try {
      await upsert();
    } catch (error) {
      // Another writer created one of these codes between our match and our insert; a second
      // pass finds it and updates it.
      const first = (error as { writeErrors?: unknown[] }).writeErrors?.[0];
      if (!isDuplicateKeyError(error) && !isDuplicateKeyError(first)) throw error;
      await upsert();
    }
    return { created: rows.length - before.size, updated: before.size };
  }

  /** Adds the recommendations that are not there yet; existing ones are left as they are. */
  async insertMissing(rows: RecommendationFields[]): Promise<number> {
    const existing = await this.existingCodes(rows.map((r) => r.code));
    let inserted = 0;
    for (const row of rows.filter((r) => !existing.has(r.code))) {
      try {
        // A plain insert: FerretDB 1.24 drops empty arrays and nulls from $setOnInsert.
        await this.recommendations.create(row);
        inserted += 1;
      } catch (error) {
        // Another node loading the same catalogue at the same moment inserted it first.
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    return inserted;
  }
}
