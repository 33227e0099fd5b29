import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

@Schema({ _id: false })
export class AuditTarget {
  @Prop({ type: String, required: true })
  type!: string;

  @Prop({ type: String, required: true })
  id!: string;
}

const AuditTargetSchema = SchemaFactory.createForClass(AuditTarget);

/**
 * One audit entry: who did what, when (UTC), to what. Entries form a chain per scope (a
 * coalition, an organisation, the platform): each stores the hash of the previous one, and
 * `(scope, seq)` is unique, so two writers can never both append entry N.
 */
@Schema({ collection: 'audit_entries', versionKey: false })
export class AuditEntry {
  /** `coalition:<id>`, `organisation:<id>` or `platform`. */
  @Prop({ type: String, required: true })
  scope!: string;

  @Prop({ type: Number, required: true })
  seq!: number;

  @Prop({ type: Date, required: true })
  at!: Date;

  @Prop({ type: Types.ObjectId, default: null })
  actorId!: Types.ObjectId | null;

  @Prop({ type: String, required: true })
  action!: string;

  @Prop({ type: AuditTargetSchema, required: true })
  target!: AuditTarget;

  @Prop({ type: Object, default: {} })
  data!: Record<string, unknown>;

  @Prop({ type: String, required: true })
  prevHash!: string;

  @Prop({ type: String, required: true })
  hash!: string;
}

export const AuditEntrySchema = SchemaFactory.createForClass(AuditEntry);
AuditEntrySchema.index({ scope: 1, seq: 1 }, { unique: true });

export type AuditEntryRecord = AuditEntry & { _id: Types.ObjectId };

/** The previous-hash of a chain's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The end of a scope's chain: its last seq and hash, signed. Deleting the newest entries leaves
 * the chain shorter than its head, which verification reports.
 */
@Schema({ collection: 'audit_heads', versionKey: false })
export class AuditHead {
  /** The scope. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Number, required: true })
  seq!: number;

  @Prop({ type: String, required: true })
  hash!: string;

  @Prop({ type: String, required: true })
  signature!: string;
}

export const AuditHeadSchema = SchemaFactory.createForClass(AuditHead);
