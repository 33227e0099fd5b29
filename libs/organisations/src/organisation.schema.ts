import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import {
  ORGANISATION_ROLES,
  type OrganisationRole,
  STAKEHOLDER_TYPES,
  type StakeholderType,
} from './stakeholder-type';

@Schema({ collection: 'organisations', timestamps: true })
export class Organisation {
  @Prop({ required: true, trim: true, maxlength: 200 })
  name!: string;

  /** Case- and space-folded name: the unique key. */
  @Prop({ required: true, unique: true })
  nameNormalized!: string;

  @Prop({ type: String, enum: STAKEHOLDER_TYPES, required: true, index: true })
  stakeholderType!: StakeholderType;

  /** ISO 3166-1 alpha-2, upper case. */
  @Prop({ required: true, minlength: 2, maxlength: 2 })
  country!: string;

  @Prop({ type: Boolean, default: false })
  verified!: boolean;

  @Prop({ type: Types.ObjectId, ref: 'User', required: true })
  createdBy!: Types.ObjectId;

  createdAt!: Date;
  updatedAt!: Date;
}

export const OrganisationSchema = SchemaFactory.createForClass(Organisation);
export type OrganisationRecord = Organisation & { _id: Types.ObjectId };

/**
 * A person's membership of an organisation: a document of its own (not an array inside the
 * organisation), so concurrent additions never overwrite each other, and the compound unique
 * index stores each person once.
 */
@Schema({
  collection: 'organisation_members',
  timestamps: { createdAt: 'addedAt', updatedAt: false },
})
export class OrganisationMember {
  @Prop({ type: Types.ObjectId, ref: 'Organisation', required: true })
  organisationId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, ref: 'User', required: true, index: true })
  userId!: Types.ObjectId;

  @Prop({ type: String, enum: ORGANISATION_ROLES, required: true })
  role!: OrganisationRole;

  addedAt!: Date;
}

export const OrganisationMemberSchema = SchemaFactory.createForClass(OrganisationMember);
OrganisationMemberSchema.index({ organisationId: 1, userId: 1 }, { unique: true });

export type OrganisationMemberRecord = OrganisationMember & { _id: Types.ObjectId };

/** A membership with the user populated (display name only; emails stay private). */
export type MemberWithUser = Omit<OrganisationMemberRecord, 'userId'> & {
  userId: { _id: Types.ObjectId; displayName: string } | null;
};

/** A membership with its organisation populated. */
export type MembershipWithOrganisation = Omit<OrganisationMemberRecord, 'organisationId'> & {
  organisationId: OrganisationRecord | null;
};

export function normalizeOrganisationName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}
