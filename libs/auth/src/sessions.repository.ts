import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { RefreshToken, RefreshTokenRecord, Session, SessionRecord } from './session.schema';

@Injectable()
export class SessionsRepository {
  constructor(
    @InjectModel(Session.name) private readonly sessions: Model<Session>,
    @InjectModel(RefreshToken.name) private readonly refreshTokens: Model<RefreshToken>,
  ) {}

  async createSession(session: {
    id: string;
    userId: string;
    ip: string | null;
    userAgent: string | null;
    expiresAt: Date;
  }): Promise<void> {
    await this.sessions.create({
      _id: session.id,
      userId: new Types.ObjectId(session.userId),
      ip: session.ip,
      userAgent: session.userAgent,
      expiresAt: session.expiresAt,
    });
  }

  async findSession(id: string): Promise<SessionRecord | null> {
    return this.sessions.findById(id).lean<SessionRecord>().exec();
  }

  /** Marks the session revoked; returns false when it was already revoked or unknown. */
  async revokeSession(id: string, reason: string): Promise<boolean> {
    const result = await this.sessions
      .updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: new Date(), revokedReason: reason } })
      .exec();
    return result.modifiedCount === 1;
  }

  async extendSession(id: string, expiresAt: Date): Promise<void> {
    await this.sessions.updateOne({ _id: id }, { $set: { expiresAt } }).exec();
  }

  async createRefreshToken(token: { id: string; sessionId: string; userId: string; expiresAt: Date }): Promise<void> {
    await this.refreshTokens.create({
      _id: token.id,
      sessionId: token.sessionId,
      userId: new Types.ObjectId(token.userId),
      expiresAt: token.expiresAt,
    });
  }

  /**
   * Exchanges a refresh token: atomically marks it used. Returns null when it is unknown or
   * was already used, which is how a replayed (stolen) token shows itself.
   */
  async claimRefreshToken(id: string, now: Date): Promise<RefreshTokenRecord | null> {
    return this.refreshTokens
      .findOneAndUpdate({ _id: id, usedAt: null }, { $set: { usedAt: now } }, { returnDocument: 'before' })
      .lean<RefreshTokenRecord>()
      .exec();
  }

  async deleteExpired(now: Date): Promise<void> {
    await this.refreshTokens.deleteMany({ expiresAt: trusted({ $lt: now }) }).exec();
    await this.sessions.deleteMany({ expiresAt: trusted({ $lt: now }) }).exec();
  }
}
