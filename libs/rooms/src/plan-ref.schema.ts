import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * Action plans as the rooms read them: which coalition a plan belongs to (a comment's
 * `plan-section` anchor must name a plan of its own coalition). A read-only view of the
 * collection libs/action-plans owns and writes; importing that lib would be a cycle (its
 * gateway builds on this one's), so rooms declare the one field they read. Never creates the
 * collection or its indexes.
 */
@Schema({ collection: 'action_plans', autoCreate: false, autoIndex: false })
export class PlanRef {
  @Prop({ type: Types.ObjectId, required: true })
  coalitionId!: Types.ObjectId;
}
export const PlanRefSchema = SchemaFactory.createForClass(PlanRef);
