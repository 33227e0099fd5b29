import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isObjectIdString, type SharedCache, SharedCaches, skipFor } from '@accord/core';
import { Model, trusted, Types } from 'mongoose';
import {
  ActionPlan,
  type ActionPlanRecord,
  type ClientOwner,
  PlanSnapshot,
  type PlanSnapshotRecord,
  PlanUpdate,
  type PlanUpdateRecord,
} from './action-plan.schema';

/** Plan records: read on every live event (cached), changed under the plan's lock. */
@Injectable()
export class ActionPlansRepository {
  private readonly cache: SharedCache<ActionPlanRecord | null>;

  constructor(
    @InjectModel(ActionPlan.name) private readonly plans: Model<ActionPlan>,
    @Inject(SharedCaches) caches: SharedCaches,
  ) {
    this.cache = caches.create('action-plan', 60_000);
  }

  async create(input: {
    coalitionId: Types.ObjectId;
    title: string;
    createdBy: Types.ObjectId;
  }): Promise<ActionPlanRecord> {
    const created = (await this.plans.create({ ...input, editedAt: new Date() })).toObject();
    this.cache.invalidate(created._id.toString());
    return created;
  }

  async delete(id: Types.ObjectId): Promise<void> {
    await this.plans.deleteOne({ _id: id }).exec();
    this.cache.invalidate(id.toString());
  }

  async findById(id: string, options: { fresh?: boolean } = {}): Promise<ActionPlanRecord | null> {
    if (!isObjectIdString(id)) return null;
    const load = () => this.plans.findById(id).lean<ActionPlanRecord>().exec();
    return options.fresh ? load() : this.cache.get(id, load);
  }

  async listByCoalition(
    coalitionId: Types.ObjectId,
    page: { page: number; limit: number },
  ): Promise<{ items: ActionPlanRecord[]; total: number }> {
    const [items, total] = await Promise.all([
      this.plans
        .find({ coalitionId })
        .sort({ createdAt: -1, _id: -1 })
        .skip(skipFor(page))
        .limit(page.limit)
        .lean<ActionPlanRecord[]>()
        .exec(),
      this.plans.countDocuments({ coalitionId }).exec(),
    ]);
    return { items, total };
  }

  /** Call under the plan's lock: the engine does not isolate concurrent updates of a document. */
  async update(
    id: Types.ObjectId,
    fields: Partial<Pick<ActionPlan, 'title' | 'status' | 'statusChangedAt' | 'editedAt'>>,
  ): Promise<ActionPlanRecord | null> {
    const updated = await this.plans
      .findByIdAndUpdate(id, { $set: fields }, { returnDocument: 'after' })
      .lean<ActionPlanRecord>()
      .exec();
    this.cache.invalidate(id.toString());
    return updated;
  }
}

/** The durable form of plan documents: snapshots and the ordered log of updates after them. */
@Injectable()
export class PlanLogRepository {
  constructor(
    @InjectModel(PlanUpdate.name) private readonly updates: Model<PlanUpdate>,
    @InjectModel(PlanSnapshot.name) private readonly snapshots: Model<PlanSnapshot>,
  ) {}

  /** Stores an update under `seq`; a clash (another node took it) throws the duplicate key error. */
  async append(
    planId: Types.ObjectId,
    seq: number,
    update: Uint8Array,
    owners: ClientOwner[],
  ): Promise<void> {
    // The driver's insert: this runs for every stored change, and the record needs no casting.
    await this.updates.collection.insertOne({
      planId,
      seq,
      update: Buffer.from(update.buffer, update.byteOffset, update.byteLength),
      owners,
      createdAt: new Date(),
    });
  }

  async updatesAfter(planId: Types.ObjectId, seq: number): Promise<PlanUpdateRecord[]> {
    const records = await this.updates
      .find({ planId, seq: trusted({ $gt: seq }) })
      .sort({ seq: 1 })
      .lean<PlanUpdateRecord[]>()
      .exec();
    return records.map((record) => ({ ...record, update: bytesOf(record.update) }));
  }

  async latestSnapshot(planId: Types.ObjectId): Promise<PlanSnapshotRecord | null> {
    const record = await this.snapshots
      .findOne({ planId })
      .sort({ seq: -1 })
      .lean<PlanSnapshotRecord>()
      .exec();
    return record && { ...record, state: bytesOf(record.state) };
  }

  /** The seq of the plan's latest snapshot (0 when it has none). */
  async latestSnapshotSeq(planId: Types.ObjectId): Promise<number> {
    const record = await this.snapshots
      .findOne({ planId })
      .sort({ seq: -1 })
      .select({ seq: 1 })
      .lean<{ seq: number }>()
      .exec();
    return record?.seq ?? 0;
  }

  /** Takes back an update stored at a place already folded into a snapshot. */
  async remove(planId: Types.ObjectId, seq: number): Promise<void> {
    await this.updates.deleteOne({ planId, seq }).exec();
  }

  /** Stores a snapshot; false when one with this seq exists already (another node compacted). */
  async saveSnapshot(
    planId: Types.ObjectId,
    seq: number,
    state: Uint8Array,
    owners: ClientOwner[],
  ): Promise<boolean> {
    try {
      await this.snapshots.create({ planId, seq, state: Buffer.from(state), owners });
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === 11000) return false;
      throw error;
    }
  }

  /** Drops what a snapshot at `seq` has folded in: older snapshots and updates up to `seq`. */
  async pruneBefore(planId: Types.ObjectId, seq: number): Promise<void> {
    await this.updates.deleteMany({ planId, seq: trusted({ $lte: seq }) }).exec();
    await this.snapshots.deleteMany({ planId, seq: trusted({ $lt: seq }) }).exec();
  }

  async deletePlan(planId: Types.ObjectId): Promise<void> {
    await this.updates.deleteMany({ planId }).exec();
    await this.snapshots.deleteMany({ planId }).exec();
  }
}

/** Lean reads give BSON Binary values for Buffer fields; Yjs wants the bytes. */
function bytesOf(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  const binary = value as { buffer: Uint8Array; position: number };
  return Buffer.from(binary.buffer.buffer, binary.buffer.byteOffset, binary.position);
}
