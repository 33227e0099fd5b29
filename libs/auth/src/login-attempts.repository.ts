import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { LoginAttempt, LoginAttemptRecord } from './session.schema';

@Injectable()
export class LoginAttemptsRepository {
  constructor(@InjectModel(LoginAttempt.name) private readonly attempts: Model<LoginAttempt>) {}

  async findLocked(keys: string[], now: Date): Promise<LoginAttemptRecord[]> {
    return this.attempts
      .find({ _id: trusted({ $in: keys }), lockedUntil: trusted({ $gt: now }) })
      .lean<LoginAttemptRecord[]>()
      .exec();
  }

  /**
   * Counts one failure for the key within a window that starts at its first failure;
   * once `max` failures are reached the key is locked until `lockFor` ms from now.
   */
  async recordFailure(key: string, now: Date, windowMs: number, max: number): Promise<LoginAttemptRecord> {
    const windowOpenSince = new Date(now.getTime() - windowMs);
    let record = await this.attempts
      .findOneAndUpdate(
        { _id: key, windowStartedAt: trusted({ $gt: windowOpenSince }) },
        { $inc: { failures: 1 } },
        { returnDocument: 'after' },
      )
      .lean<LoginAttemptRecord>()
      .exec();
    record ??= await this.attempts
      .findOneAndUpdate(
        { _id: key },
        { $set: { failures: 1, windowStartedAt: now, lockedUntil: null } },
        { upsert: true, returnDocument: 'after' },
      )
      .lean<LoginAttemptRecord>()
      .exec();
    if (record && record.failures >= max && !record.lockedUntil) {
      const lockedUntil = new Date(now.getTime() + windowMs);
      await this.attempts.updateOne({ _id: key }, { $set: { lockedUntil } }).exec();
      return { ...record, lockedUntil };
    }
    return record as LoginAttemptRecord;
  }

  async clear(key: string): Promise<void> {
    await this.attempts.deleteOne({ _id: key }).exec();
  }

  async deleteStale(before: Date): Promise<void> {
    await this.attempts
      .deleteMany({ windowStartedAt: trusted({ $lt: before }), $or: [{ lockedUntil: null }, { lockedUntil: trusted({ $lt: before }) }] })
      .exec();
  }
}
