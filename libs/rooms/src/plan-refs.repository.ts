import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isObjectIdString } from '@accord/core';
import { Model, Types } from 'mongoose';
import { PlanRef } from './plan-ref.schema';

/** Reads (never writes) action plans' records: see PlanRef. */
@Injectable()
export class PlanRefsRepository {
  constructor(@InjectModel(PlanRef.name) private readonly plans: Model<PlanRef>) {}

  /** Whether `planId` names an action plan of this coalition (false for any other id). */
  async isPlanOf(coalitionId: Types.ObjectId, planId: string): Promise<boolean> {
    if (!isObjectIdString(planId)) return false;
    const found = await this.plans.exists({ _id: new Types.ObjectId(planId), coalitionId }).exec();
    return found !== null;
  }
}
