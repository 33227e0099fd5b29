import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isDuplicateKeyError } from '@accord/core';
import { Model, trusted, Types } from 'mongoose';
import {
  RefreshToken,
  RefreshTokenRecord,
  Session,
  SessionRecord,
  SessionRevocation,
} from './session.schema';

export interface NewRefreshToken {
  id: string;
  parentId: string;
  sessionId: string;
  userId: string;
  expiresAt: Date;
}

@Injectable()
export class SessionsRepository {
  constructor(
    @InjectModel(Session.name) private readonly sessions: Model<Session>,
    @InjectModel(SessionRevocation.name) private readonly revocations: Model<SessionRevocation>,
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

  async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.revocations.exists({ _id: sessionId }).exec()) !== null;
  }

  /** Ends a sign-in. Idempotent: a second revocation keeps the first reason. */
  async revokeSession(
    session: Pick<SessionRecord, '_id' | 'userId' | 'expiresAt'>,
    reason: string,
  ): Promise<void> {
    try {
      await this.revocations.create({
        _id: session._id,
        userId: session.userId,
        reason,
        revokedAt: new Date(),
        expiresAt: session.expiresAt,
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async findRefreshToken(id: string): Promise<RefreshTokenRecord | null> {
    return this.refreshTokens.findById(id).lean<RefreshTokenRecord>().exec();
  }

  /**
   * Stores a refresh token. Returns false when its parent already has a successor: the parent
   * was exchanged before, so this exchange is a replay.
   */
  async insertRefreshToken(token: NewRefreshToken): Promise<boolean> {
    try {
      await this.refreshTokens.create({
        _id: token.id,
        parentId: token.parentId,
        sessionId: token.sessionId,
        userId: new Types.ObjectId(token.userId),
        expiresAt: token.expiresAt,
      });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async deleteExpired(now: Date): Promise<void> {
    const expired = { expiresAt: trusted({ $lt: now }) };
    await this.refreshTokens.deleteMany(expired).exec();
    await this.revocations.deleteMany(expired).exec();
    await this.sessions.deleteMany(expired).exec();
  }
}
