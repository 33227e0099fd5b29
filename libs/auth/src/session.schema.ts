import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/*
 * Sign-in state is insert-only. FerretDB applies an update by rewriting the whole document
 * without isolation, so two concurrent updates of one document can lose a write on it
 * (docs/data-engine.md). Inserts guarded by unique indexes are atomic on every engine; every
 * decision that must hold under concurrency (token rotation, revocation, throttling) is one.
 */

/** A sign-in: one family of refresh tokens. Never updated. */
@Schema({ collection: 'sessions', timestamps: { createdAt: true, updatedAt: false } })
export class Session {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Types.ObjectId, required: true, index: true })
  userId!: Types.ObjectId;

  @Prop({ type: String, default: null })
  ip!: string | null;

  @Prop({ type: String, default: null, maxlength: 512 })
  userAgent!: string | null;

  /** When the last refresh token that could be issued for it expires (cleanup only). */
  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  createdAt!: Date;
}

export const SessionSchema = SchemaFactory.createForClass(Session);
export type SessionRecord = Session;

/** The end of a sign-in (logout, or a replayed refresh token). Its id is the session's. */
@Schema({ collection: 'session_revocations' })
export class SessionRevocation {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Types.ObjectId, required: true, index: true })
  userId!: Types.ObjectId;

  @Prop({ type: String, required: true })
  reason!: string;

  @Prop({ type: Date, required: true })
  revokedAt!: Date;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;
}

export const SessionRevocationSchema = SchemaFactory.createForClass(SessionRevocation);

/**
 * One issued refresh token. `parentId` names the token it replaced (`root:<session>` for the
 * first): unique, so a token can be exchanged once, even by two requests at the same instant.
 */
@Schema({ collection: 'refresh_tokens' })
export class RefreshToken {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true, unique: true })
  parentId!: string;

  @Prop({ type: String, required: true, index: true })
  sessionId!: string;

  @Prop({ type: Types.ObjectId, required: true })
  userId!: Types.ObjectId;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;
}

export const RefreshTokenSchema = SchemaFactory.createForClass(RefreshToken);
export type RefreshTokenRecord = RefreshToken;

/** One failed sign-in, counted per account (`account:<email>`) and per address (`ip:<addr>`). */
@Schema({ collection: 'login_failures' })
export class LoginFailure {
  @Prop({ type: String, required: true })
  key!: string;

  @Prop({ type: Date, required: true })
  at!: Date;
}

export const LoginFailureSchema = SchemaFactory.createForClass(LoginFailure);
LoginFailureSchema.index({ key: 1, at: 1 });
