import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isDuplicateKeyError, skipFor } from '@accord/core';
import { Model, trusted } from 'mongoose';
import { AuditEntry, type AuditEntryRecord, AuditHead } from './audit-entry.schema';

@Injectable()
export class AuditRepository {
  constructor(
    @InjectModel(AuditEntry.name) private readonly entries: Model<AuditEntry>,
    @InjectModel(AuditHead.name) private readonly heads: Model<AuditHead>,
  ) {}

  async head(scope: string): Promise<AuditHead | null> {
    return this.heads.findById(scope).lean<AuditHead>().exec();
  }

  /** Moves the chain's head; called by the single writer that holds the scope's lock. */
  async setHead(head: AuditHead): Promise<void> {
    await this.heads
      .updateOne(
        { _id: head._id },
        { $set: { seq: head.seq, hash: head.hash, signature: head.signature } },
        { upsert: true },
      )
      .exec();
  }

  async last(scope: string): Promise<AuditEntryRecord | null> {
    return this.entries.findOne({ scope }).sort({ seq: -1 }).lean<AuditEntryRecord>().exec();
  }

  /** Appends; null when entry `seq` of the scope already exists (another writer won). */
  async append(entry: AuditEntry): Promise<AuditEntryRecord | null> {
    try {
      return (await this.entries.create(entry)).toObject();
    } catch (error) {
      if (isDuplicateKeyError(error)) return null;
      throw error;
    }
  }

  async page(
    scope: string,
    page: { page: number; limit: number },
  ): Promise<{ items: AuditEntryRecord[]; total: number }> {
    const [items, total] = await Promise.all([
      this.entries
        .find({ scope })
        .sort({ seq: -1 })
        .skip(skipFor(page))
        .limit(page.limit)
        .lean<AuditEntryRecord[]>()
        .exec(),
      this.entries.countDocuments({ scope }).exec(),
    ]);
    return { items, total };
  }

  /** Every entry of the scope in chain order, in batches. */
  async *inOrder(scope: string, batch = 500): AsyncGenerator<AuditEntryRecord> {
    let after = 0;
    for (;;) {
      const rows = await this.entries
        .find({ scope, seq: trusted({ $gt: after }) })
        .sort({ seq: 1 })
        .limit(batch)
        .lean<AuditEntryRecord[]>()
        .exec();
      for (const row of rows) yield row;
      if (rows.length < batch) return;
      after = rows[rows.length - 1].seq;
    }
  }
}
