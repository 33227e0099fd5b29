import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import {
  COALITION_ROLES,
  COALITION_VISIBILITIES,
  type CoalitionRole,
  type CoalitionVisibility,
} from './coalition-roles';

@Schema({ collection: 'coalitions', timestamps: true })
export class Coalition {
  @Prop({ type: String, required: true, trim: true, maxlength: 150 })
  name!: string;

  @Prop({ type: String, required: true, maxlength: 5000 })
  purpose!: string;

  @Prop({ type: String, enum: COALITION_VISIBILITIES, required: true, index: true })
  visibility!: CoalitionVisibility;

  @Prop({ type: [{ type: Types.ObjectId, ref: 'Recommendation' }], required: true, index: true })
  recommendationIds!: Types.ObjectId[];

  @Prop({ type: String, enum: ['active', 'archived'], default: 'active' })
  status!: 'active' | 'archived';

  /** Lower-cased name and purpose: what `q` searches. */
  @Prop({ type: String, required: true })
  searchText!: string;

  @Prop({ type: Types.ObjectId, ref: 'User', required: true })
  createdBy!: Types.ObjectId;

  createdAt!: Date;
  updatedAt!: Date;
}

export const CoalitionSchema = SchemaFactory.createForClass(Coalition);
export type CoalitionRecord = Coalition & { _id: Types.ObjectId };

/** A person in a coalition, acting for one organisation. One document per (coalition, user). */
@Schema({ collection: 'coalition_members', timestamps: { createdAt: 'joinedAt', updatedAt: true } })
export class CoalitionMember {
  @Prop({ type: Types.ObjectId, ref: 'Coalition', required: true })
  coalitionId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, ref: 'User', required: true, index: true })
  userId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, ref: 'Organisation', required: true })
  organisationId!: Types.ObjectId;

  @Prop({ type: String, enum: COALITION_ROLES, required: true })
  role!: CoalitionRole;

  joinedAt!: Date;
  updatedAt!: Date;
}

export const CoalitionMemberSchema = SchemaFactory.createForClass(CoalitionMember);
CoalitionMemberSchema.index({ coalitionId: 1, userId: 1 }, { unique: true });
export type CoalitionMemberRecord = CoalitionMember & { _id: Types.ObjectId };

export const JOIN_REQUEST_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type JoinRequestStatus = (typeof JOIN_REQUEST_STATUSES)[number];

@Schema({ collection: 'coalition_join_requests', timestamps: true })
export class JoinRequest {
  @Prop({ type: Types.ObjectId, required: true, index: true })
  coalitionId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, ref: 'User', required: true })
  userId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, ref: 'Organisation', required: true })
  organisationId!: Types.ObjectId;

  @Prop({ type: String, default: null, maxlength: 1000 })
  message!: string | null;

  @Prop({ type: String, enum: JOIN_REQUEST_STATUSES, default: 'pending' })
  status!: JoinRequestStatus;

  /**
   * `<coalition>:<user>` while pending, the request's own id once decided: unique, so a person
   * has at most one pending request per coalition, even when two arrive at once.
   */
  @Prop({ type: String, required: true, unique: true })
  openKey!: string;

  @Prop({ type: Types.ObjectId, default: null })
  decidedBy!: Types.ObjectId | null;

  @Prop({ type: Date, default: null })
  decidedAt!: Date | null;

  createdAt!: Date;
  updatedAt!: Date;
}

export const JoinRequestSchema = SchemaFactory.createForClass(JoinRequest);
export type JoinRequestRecord = JoinRequest & { _id: Types.ObjectId };

export const INVITATION_STATUSES = ['pending', 'accepted', 'revoked'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

@Schema({ collection: 'coalition_invitations', timestamps: true })
export class Invitation {
  @Prop({ type: Types.ObjectId, required: true, index: true })
  coalitionId!: Types.ObjectId;

  /** Lower-cased; the invitation waits for an account with this email. */
  @Prop({ type: String, required: true, index: true })
  email!: string;

  @Prop({ type: Types.ObjectId, ref: 'Organisation', default: null })
  organisationId!: Types.ObjectId | null;

  @Prop({ type: String, enum: COALITION_ROLES, required: true })
  role!: CoalitionRole;

  /** SHA-256 of the token; the token itself is shown once, to the inviter. */
  @Prop({ type: String, required: true, unique: true })
  tokenHash!: string;

  @Prop({ type: String, enum: INVITATION_STATUSES, default: 'pending' })
  status!: InvitationStatus;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  @Prop({ type: Types.ObjectId, required: true })
  invitedBy!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, default: null })
  acceptedBy!: Types.ObjectId | null;

  @Prop({ type: Date, default: null })
  acceptedAt!: Date | null;

  createdAt!: Date;
  updatedAt!: Date;
}

export const InvitationSchema = SchemaFactory.createForClass(Invitation);
export type InvitationRecord = Invitation & { _id: Types.ObjectId };
