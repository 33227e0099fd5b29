import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export const PLAN_STATUSES = ['draft', 'in_review', 'endorsed', 'published'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/**
 * An action plan's record: what lists and access need without loading its document. The content
 * lives in the Yjs document (snapshots + update log below); `title` here is refreshed from it
 * when the document is compacted, for lists.
 */
@Schema({ collection: 'action_plans', timestamps: true })
export class ActionPlan {
  @Prop({ type: Types.ObjectId, required: true })
  coalitionId!: Types.ObjectId;

  @Prop({ type: String, required: true, maxlength: 300 })
  title!: string;

  @Prop({ type: String, enum: PLAN_STATUSES, default: 'draft' })
  status!: PlanStatus;

  @Prop({ type: Types.ObjectId, required: true })
  createdBy!: Types.ObjectId;

  @Prop({ type: Date, default: null })
  statusChangedAt!: Date | null;

  /** When the content last changed (refreshed with the title). */
  @Prop({ type: Date, default: null })
  editedAt!: Date | null;

  createdAt!: Date;
  updatedAt!: Date;
}

export const ActionPlanSchema = SchemaFactory.createForClass(ActionPlan);
ActionPlanSchema.index({ coalitionId: 1, createdAt: 1 });
export type ActionPlanRecord = ActionPlan & { _id: Types.ObjectId };

/** Which person writes with which Yjs client id in a plan (nobody may write as another). */
@Schema({ _id: false })
export class ClientOwner {
  @Prop({ type: Number, required: true })
  client!: number;

  @Prop({ type: String, required: true })
  userId!: string;
}

const ClientOwnerSchema = SchemaFactory.createForClass(ClientOwner);

/**
 * One accepted change of a plan's document, in order: `seq` increases by one per plan, taken by
 * inserting under the unique `(planId, seq)` index (a clash means another node wrote first).
 * Acknowledged only once stored.
 */
@Schema({ collection: 'plan_updates', timestamps: { createdAt: true, updatedAt: false } })
export class PlanUpdate {
  @Prop({ type: Types.ObjectId, required: true })
  planId!: Types.ObjectId;

  @Prop({ type: Number, required: true })
  seq!: number;

  @Prop({ type: Buffer, required: true })
  update!: Buffer;

  /** The Yjs client ids this change writes with, and whose they are. */
  @Prop({ type: [ClientOwnerSchema], default: [] })
  owners!: ClientOwner[];

  createdAt!: Date;
}

export const PlanUpdateSchema = SchemaFactory.createForClass(PlanUpdate);
PlanUpdateSchema.index({ planId: 1, seq: 1 }, { unique: true });
export type PlanUpdateRecord = PlanUpdate & { _id: Types.ObjectId };

/** The whole document as of `seq` (updates up to it are folded in and may be deleted). */
@Schema({ collection: 'plan_snapshots', timestamps: { createdAt: true, updatedAt: false } })
export class PlanSnapshot {
  @Prop({ type: Types.ObjectId, required: true })
  planId!: Types.ObjectId;

  @Prop({ type: Number, required: true })
  seq!: number;

  @Prop({ type: Buffer, required: true })
  state!: Buffer;

  @Prop({ type: [ClientOwnerSchema], default: [] })
  owners!: ClientOwner[];

  createdAt!: Date;
}

export const PlanSnapshotSchema = SchemaFactory.createForClass(PlanSnapshot);
PlanSnapshotSchema.index({ planId: 1, seq: 1 }, { unique: true });
export type PlanSnapshotRecord = PlanSnapshot & { _id: Types.ObjectId };

/**
 * A named version of a plan: its whole document and JSON content at one moment. Versions are
 * never changed; restoring one applies its content on top of the current document as a new change.
 */
@Schema({ collection: 'plan_versions', timestamps: { createdAt: true, updatedAt: false } })
export class PlanVersion {
  @Prop({ type: Types.ObjectId, required: true })
  planId!: Types.ObjectId;

  /** 1, 2, 3… per plan (unique: taken by inserting). */
  @Prop({ type: Number, required: true })
  number!: number;

  @Prop({ type: String, required: true, maxlength: 100 })
  name!: string;

  /** The name folded for uniqueness (case and spacing). */
  @Prop({ type: String, required: true })
  nameKey!: string;

  /** The last stored update the version includes. */
  @Prop({ type: Number, required: true })
  seq!: number;

  @Prop({ type: Buffer, required: true })
  state!: Buffer;

  /** The JSON projection at that moment (what views, diffs and restores read). */
  @Prop({ type: Object, required: true })
  content!: Record<string, unknown>;

  @Prop({ type: Types.ObjectId, required: true })
  createdBy!: Types.ObjectId;

  /** Set when the version was made by restoring another one. */
  @Prop({ type: Types.ObjectId, default: null })
  restoredFrom!: Types.ObjectId | null;

  createdAt!: Date;
}

export const PlanVersionSchema = SchemaFactory.createForClass(PlanVersion);
PlanVersionSchema.index({ planId: 1, number: 1 }, { unique: true });
PlanVersionSchema.index({ planId: 1, nameKey: 1 }, { unique: true });
export type PlanVersionRecord = PlanVersion & { _id: Types.ObjectId };

/** An organisation's endorsement of a named version (once per organisation and version). */
@Schema({ collection: 'plan_endorsements', timestamps: { createdAt: true, updatedAt: false } })
export class PlanEndorsement {
  @Prop({ type: Types.ObjectId, required: true })
  planId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  versionId!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  organisationId!: Types.ObjectId;

  /** Who endorsed on the organisation's behalf. */
  @Prop({ type: Types.ObjectId, required: true })
  userId!: Types.ObjectId;

  createdAt!: Date;
}

export const PlanEndorsementSchema = SchemaFactory.createForClass(PlanEndorsement);
PlanEndorsementSchema.index({ planId: 1, versionId: 1, organisationId: 1 }, { unique: true });
export type PlanEndorsementRecord = PlanEndorsement & { _id: Types.ObjectId };
