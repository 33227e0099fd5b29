import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { ORGANISATION_ROLES, type OrganisationRole, STAKEHOLDER_TYPES, type StakeholderType } from './stakeholder-type';

@Schema({ _id: false })
export class OrganisationMember {
  @Prop({ type: Types.ObjectId, ref: 'User', required: true })
  userId!: Types.ObjectId;

  @Prop({ type: String, enum: ORGANISATION_ROLES, required: true })
  role!: OrganisationRole;

  @Prop({ type: Date, required: true })
  addedAt!: Date;
}

const OrganisationMemberSchema = SchemaFactory.createForClass(OrganisationMember);

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

  @Prop({ type: [OrganisationMemberSchema], default: [] })
  members!: OrganisationMember[];

  @Prop({ type: Types.ObjectId, ref: 'User', required: true })
  createdBy!: Types.ObjectId;

  createdAt!: Date;
  updatedAt!: Date;
}

export const OrganisationSchema = SchemaFactory.createForClass(Organisation);
OrganisationSchema.index({ 'members.userId': 1 });

export type OrganisationRecord = Organisation & { _id: Types.ObjectId };

/** A member with the user populated (display name only; emails stay private). */
export interface PopulatedMember {
  userId: { _id: Types.ObjectId; displayName: string } | Types.ObjectId | null;
  role: OrganisationRole;
  addedAt: Date;
}

export function normalizeOrganisationName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}
