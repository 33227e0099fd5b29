import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { skipFor } from '@accord/core';
import { Model, trusted, Types } from 'mongoose';
import { Invitation, type InvitationRecord } from './coalition.schema';

@Injectable()
export class InvitationsRepository {
  constructor(@InjectModel(Invitation.name) private readonly invitations: Model<Invitation>) {}

  async create(
    input: Omit<Invitation, 'status' | 'acceptedBy' | 'acceptedAt' | 'createdAt' | 'updatedAt'>,
  ): Promise<InvitationRecord> {
    return (await this.invitations.create(input)).toObject();
  }

  async findByTokenHash(tokenHash: string): Promise<InvitationRecord | null> {
    return this.invitations.findOne({ tokenHash }).lean<InvitationRecord>().exec();
  }

  async listForCoalition(
    coalitionId: Types.ObjectId,
    page: { page: number; limit: number },
  ): Promise<{ items: InvitationRecord[]; total: number }> {
    const [items, total] = await Promise.all([
      this.invitations
        .find({ coalitionId })
        .sort({ createdAt: -1, _id: -1 })
        .skip(skipFor(page))
        .limit(page.limit)
        .lean<InvitationRecord[]>()
        .exec(),
      this.invitations.countDocuments({ coalitionId }).exec(),
    ]);
    return { items, total };
  }

  async pendingForEmail(email: string, now: Date): Promise<InvitationRecord[]> {
    return this.invitations
      .find({ email, status: 'pending', expiresAt: trusted({ $gt: now }) })
      .sort({ createdAt: -1 })
      .lean<InvitationRecord[]>()
      .exec();
  }

  async markAccepted(id: Types.ObjectId, userId: Types.ObjectId): Promise<void> {
    await this.invitations
      .updateOne(
        { _id: id },
        { $set: { status: 'accepted', acceptedBy: userId, acceptedAt: new Date() } },
      )
      .exec();
  }
}
