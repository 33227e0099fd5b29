import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * A sign-in: one family of refresh tokens. Revoking it ends every token of the family,
 * and the access tokens that name it.
 */
@Schema({ collection: 'sessions', timestamps: true })
export class Session {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Types.ObjectId, required: true, index: true })
  userId!: Types.ObjectId;

  @Prop({ type: Date, default: null })
  revokedAt!: Date | null;

  @Prop({ type: String, default: null })
  revokedReason!: string | null;

  @Prop({ type: String, default: null })
  ip!: string | null;

  @Prop({ type: String, default: null, maxlength: 512 })
  userAgent!: string | null;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  createdAt!: Date;
  updatedAt!: Date;
}

export const SessionSchema = SchemaFactory.createForClass(Session);
export type SessionRecord = Session;

/** One issued refresh token; it may be exchanged once. */
@Schema({ collection: 'refresh_tokens', timestamps: true })
export class RefreshToken {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true, index: true })
  sessionId!: string;

  @Prop({ type: Types.ObjectId, required: true })
  userId!: Types.ObjectId;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  @Prop({ type: Date, default: null })
  usedAt!: Date | null;
}

export const RefreshTokenSchema = SchemaFactory.createForClass(RefreshToken);
export type RefreshTokenRecord = RefreshToken;

/** Failed sign-ins counted per account and per client address. */
@Schema({ collection: 'login_attempts' })
export class LoginAttempt {
  /** `account:<email>` or `ip:<address>`. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Number, required: true })
  failures!: number;

  @Prop({ type: Date, required: true })
  windowStartedAt!: Date;

  @Prop({ type: Date, default: null })
  lockedUntil!: Date | null;
}

export const LoginAttemptSchema = SchemaFactory.createForClass(LoginAttempt);
export type LoginAttemptRecord = LoginAttempt;
