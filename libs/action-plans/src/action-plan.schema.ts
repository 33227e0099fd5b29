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
