import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { LoginFailure } from './session.schema';

@Injectable()
export class LoginFailuresRepository {
  constructor(@InjectModel(LoginFailure.name) private readonly failures: Model<LoginFailure>) {}

  async record(keys: string[], at: Date): Promise<void> {
    await this.failures.insertMany(keys.map((key) => ({ key, at })));
  }

  /** The times of the key's failures since `since`, oldest first, at most `limit`. */
  async recentTimes(key: string, since: Date, limit: number): Promise<Date[]> {
    const docs = await this.failures
      .find({ key, at: trusted({ $gt: since }) })
      .sort({ at: -1 })
      .limit(limit)
      .select({ at: 1, _id: 0 })
      .lean<{ at: Date }[]>()
      .exec();
    return docs.map((d) => new Date(d.at)).reverse();
  }

  async clear(key: string): Promise<void> {
    await this.failures.deleteMany({ key }).exec();
  }

  async deleteOlderThan(before: Date): Promise<void> {
    await this.failures.deleteMany({ at: trusted({ $lt: before }) }).exec();
  }
}
