import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AccordError, isDuplicateKeyError, isObjectIdString } from '@accord/core';
import { Model, trusted } from 'mongoose';
import { User, UserRecord } from './user.schema';

export interface NewUser {
  email: string;
  emailNormalized: string;
  displayName: string;
  passwordHash: string;
}

@Injectable()
export class UsersRepository {
  constructor(@InjectModel(User.name) private readonly users: Model<User>) {}

  async create(user: NewUser): Promise<UserRecord> {
    try {
      const created = await this.users.create(user);
      return created.toObject();
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw AccordError.conflict('An account with this email already exists', 'email');
      }
      throw error;
    }
  }

  async findById(id: string): Promise<UserRecord | null> {
    if (!isObjectIdString(id)) return null;
    return this.users.findById(id).lean<UserRecord>().exec();
  }

  async findByEmail(emailNormalized: string): Promise<UserRecord | null> {
    return this.users.findOne({ emailNormalized }).lean<UserRecord>().exec();
  }

  async findByIds(ids: string[]): Promise<UserRecord[]> {
    const valid = ids.filter(isObjectIdString);
    if (valid.length === 0) return [];
    return this.users
      .find({ _id: trusted({ $in: valid }) })
      .lean<UserRecord[]>()
      .exec();
  }
}
