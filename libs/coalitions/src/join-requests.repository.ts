import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isDuplicateKeyError, isObjectIdString, skipFor } from '@accord/core';
import { Model, Types } from 'mongoose';
import { JoinRequest, type JoinRequestRecord, type JoinRequestStatus } from './coalition.schema';

export type JoinRequestWithUser = Omit<JoinRequestRecord, 'userId'> & {
  userId: { _id: Types.ObjectId; displayName: string } | null;
};

@Injectable()
export class JoinRequestsRepository {
  constructor(@InjectModel(JoinRequest.name) private readonly requests: Model<JoinRequest>) {}

  /** Creates a pending request; null when the person already has one pending. */
  async create(input: {
    coalitionId: Types.ObjectId;
    userId: Types.ObjectId;
    organisationId: Types.ObjectId;
    message: string | null;
  }): Promise<JoinRequestRecord | null> {
    try {
      return (
        await this.requests.create({
          ...input,
          status: 'pending',
          openKey: `${input.coalitionId.toString()}:${input.userId.toString()}`,
        })
      ).toObject();
    } catch (error) {
      if (isDuplicateKeyError(error)) return null;
      throw error;
    }
  }

  async findInCoalition(
    coalitionId: Types.ObjectId,
    requestId: string,
  ): Promise<JoinRequestRecord | null> {
    if (!isObjectIdString(requestId)) return null;
    return this.requests
      .findOne({ _id: new Types.ObjectId(requestId), coalitionId })
      .lean<JoinRequestRecord>()
      .exec();
  }

  async findWithUser(requestId: Types.ObjectId): Promise<JoinRequestWithUser | null> {
    return this.requests
      .findById(requestId)
      .populate({ path: 'userId', select: { displayName: 1 } })
      .lean<JoinRequestWithUser>()
      .exec();
  }

  async list(
    coalitionId: Types.ObjectId,
    status: JoinRequestStatus | undefined,
    page: { page: number; limit: number },
  ): Promise<{ items: JoinRequestWithUser[]; total: number }> {
    const query = status ? { coalitionId, status } : { coalitionId };
    const [items, total] = await Promise.all([
      this.requests
        .find(query)
        .sort({ createdAt: -1, _id: -1 })
        .skip(skipFor(page))
        .limit(page.limit)
        .populate({ path: 'userId', select: { displayName: 1 } })
        .lean<JoinRequestWithUser[]>()
        .exec(),
      this.requests.countDocuments(query).exec(),
    ]);
    return { items, total };
  }

  /**
   * Decides a pending request. Only one decision can win: the `openKey` moves from the
   * shared pending key to this request's own id in the same write that changes the status.
   */
  async decide(
    request: JoinRequestRecord,
    status: 'approved' | 'rejected',
    decidedBy: Types.ObjectId,
  ): Promise<JoinRequestRecord | null> {
    return this.requests
      .findOneAndUpdate(
        { _id: request._id, status: 'pending' },
        { $set: { status, decidedBy, decidedAt: new Date(), openKey: request._id.toString() } },
        { returnDocument: 'after' },
      )
      .lean<JoinRequestRecord>()
      .exec();
  }
}
