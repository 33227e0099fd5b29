import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Types } from 'mongoose';

@Schema({ collection: 'users', timestamps: true })
export class User {
  /** As the person typed it (shown back to them). */
  @Prop({ required: true, trim: true, maxlength: 254 })
  email!: string;

  /** Lower-cased email: the unique key, so Ana@x.org and ana@x.org are one account. */
  @Prop({ required: true, unique: true })
  emailNormalized!: string;

  @Prop({ required: true, trim: true, maxlength: 100 })
  displayName!: string;

  @Prop({ required: true })
  passwordHash!: string;

  createdAt!: Date;
  updatedAt!: Date;
}

export const UserSchema = SchemaFactory.createForClass(User);

export type UserRecord = User & { _id: Types.ObjectId };

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
