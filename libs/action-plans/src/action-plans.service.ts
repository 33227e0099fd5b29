import { Inject, Injectable } from '@nestjs/common';
import type { AuthContext } from '@accord/auth';
import { AuditService, coalitionScope } from '@accord/audit';
import { type CoalitionAccess, type CoalitionRole, CoalitionsService } from '@accord/coalitions';
import { AccordError, ErrorCode, type Page, toPage } from '@accord/core';
import { Types } from 'mongoose';
import * as Y from 'yjs';
import type { ActionPlanRecord, PlanStatus } from './action-plan.schema';
import { ActionPlansRepository } from './action-plans.repository';
import type { CreatePlanDto, ListPlansQueryDto, UpdatePlanDto } from './dto/action-plan.dto';
import { PlanAccessPolicy } from './plan-access.policy';
import { capitalise } from './plan-diff';
import { type LivePlan, type OpenedPlan, PlanDocuments } from './plan-documents';
import type { PlanReferences } from './plan-update-guard';
import { editRecord, indexOfRecord, moveRecord } from './plan-editor';
import {
  createPlanDoc,
  LIMITS,
  newItemId,
  newRecord,
  projectPlan,
  projectRecord,
  type PlanContent,
  type RecordInput,
} from './plan-shape';

export const PLAN_NOT_FOUND = 'Action plan not found';

/** Which list of records a route works on: the plan's actions, or one action's milestones / indicators. */
export type RecordsRef = { kind: 'action' } | { kind: 'milestone' | 'indicator'; actionId: string };

const RECORD_LIMITS = {
  action: LIMITS.actions,
  milestone: LIMITS.milestones,
  indicator: LIMITS.indicators,
} as const;

/** A plan as the caller may use it: the record, their coalition access, why it is read-only. */
export interface PlanAccess {
  plan: ActionPlanRecord;
  access: CoalitionAccess;
  /** Null when the caller may edit; otherwise the reason they may not. */
  readOnlyReason: string | null;
}

export interface PlanSummary {
  id: string;
  coalitionId: string;
  title: string;
  status: PlanStatus;
  createdAt: string;
  editedAt: string | null;
}

export type PlanView = Omit<PlanSummary, 'title'> &
  PlanContent & {
    /** The last stored change folded into this view. */
    seq: number;
    readOnly: boolean;
  };

/** A REST write: checked, applied as one server-side Yjs transaction, then audited. */
export interface PlanWrite<T> {
  /** More checks once the caller may write (before anything changes). */
  check?: (access: PlanAccess) => Promise<void> | void;
  edit: (plan: Y.Map<unknown>) => T;
  /** The audit entry: action and data. */
  audit: (result: T) => [string, Record<string, unknown>];
}

/** A plan about to be created: its first content and the audit entry (action, data). */
export interface NewPlan {
  content: Partial<PlanContent>;
  /**
   * The document already built from `content` (its whole state and the Yjs client that wrote
   * it), when the caller built it off the event loop; `content` is then its full projection.
   */
  document?: { state: Uint8Array; client: number };
  audit: [string, Record<string, unknown>];
}

export interface PlanOpening {
  planId: string;
  coalitionId: string;
  status: PlanStatus;
  readOnly: boolean;
  /** The document's state for the client's state vector, taken when the caller is ready. */
  snapshot: (stateVector?: Uint8Array) => OpenedPlan;
}

export function toPlanSummary(plan: ActionPlanRecord): PlanSummary {
  return {
    id: plan._id.toString(),
    coalitionId: plan.coalitionId.toString(),
    title: plan.title,
    status: plan.status,
    createdAt: new Date(plan.createdAt).toISOString(),
    editedAt: plan.editedAt ? new Date(plan.editedAt).toISOString() : null,
  };
}

/**
 * Action plans: created in a coalition, read and written by its members (observers read only,
 * outsiders do not see them), live over sockets and through REST, which edits the same Yjs
 * document in server-side transactions.
 */
/** The ids among `ids` that are not recommendations of the plan's coalition. */
function foreignRecommendations(access: PlanAccess, ids: string[]): string[] {
  const own = new Set(access.access.coalition.recommendationIds.map(String));
  return ids.filter((id) => !own.has(id));
}

@Injectable()
export class ActionPlansService {
  constructor(
    @Inject(ActionPlansRepository) private readonly plans: ActionPlansRepository,
    @Inject(PlanDocuments) private readonly documents: PlanDocuments,
    @Inject(CoalitionsService) private readonly coalitions: CoalitionsService,
    @Inject(AuditService) private readonly auditLog: AuditService,
  ) {}

  /** The caller's access to a plan: NOT_FOUND unless they are a member of its coalition. */
  async access(ctx: AuthContext, planId: string): Promise<PlanAccess> {
    const plan = await this.plans.findById(planId);
    if (!plan) throw AccordError.notFound(PLAN_NOT_FOUND);
    let access: CoalitionAccess;
    try {
      access = await this.coalitions.access(ctx, plan.coalitionId.toString());
    } catch (error) {
      if (error instanceof AccordError && error.code === ErrorCode.NOT_FOUND) {
        throw AccordError.notFound(PLAN_NOT_FOUND);
      }
      throw error;
    }
    if (!PlanAccessPolicy.canRead(access.role)) throw AccordError.notFound(PLAN_NOT_FOUND);
    return {
      plan,
      access,
      readOnlyReason: PlanAccessPolicy.whyReadOnly(access.role, plan.status),
    };
  }

  /** Whether someone with `role` in the plan's coalition may only read it now. */
  async readOnlyFor(planId: string, role: CoalitionRole | null): Promise<boolean> {
    const plan = await this.plans.findById(planId);
    return !plan || PlanAccessPolicy.whyReadOnly(role, plan.status) !== null;
  }

  /** As `access`, then FORBIDDEN (naming why) unless the caller may edit the plan now. */
  async writeAccess(ctx: AuthContext, planId: string): Promise<PlanAccess> {
    const access = await this.access(ctx, planId);
    if (access.readOnlyReason) throw AccordError.forbidden(access.readOnlyReason);
    return access;
  }

  async create(ctx: AuthContext, coalitionId: string, dto: CreatePlanDto): Promise<PlanView> {
    return this.createWith(ctx, coalitionId, (access) => ({
      content: {
        title: dto.title,
        recommendationIds: access.coalition.recommendationIds.map(String),
      },
      audit: ['plan.created', { title: dto.title }],
    }));
  }

  /**
   * A new plan in a coalition whose content `build` makes once the caller may create plans
   * there (it may check more and throw: nothing is stored then). Used by create and import.
   */
  async createWith(
    ctx: AuthContext,
    coalitionId: string,
    build: (access: CoalitionAccess) => Promise<NewPlan> | NewPlan,
  ): Promise<PlanView> {
    const access = await this.coalitions.accessWith(
      ctx,
      coalitionId,
      PlanAccessPolicy.canCreate,
      'Only members of this coalition (not observers) can create action plans',
    );
    const { content, document, audit } = await build(access);
    let built = document;
    let projection = content as PlanContent;
    if (!built) {
      const doc = createPlanDoc(content);
      projection = projectPlan(doc);
      built = { state: Y.encodeStateAsUpdate(doc), client: doc.clientID };
      doc.destroy();
    }
    const plan = await this.plans.create({
      coalitionId: access.coalition._id,
      title: projection.title,
      createdBy: new Types.ObjectId(ctx.userId),
    });
    try {
      await this.documents.createDocument(plan._id, built.state, built.client);
    } catch (error) {
      await this.plans.delete(plan._id);
      throw error;
    }
    await this.audit(ctx, plan, ...audit);
    return { ...this.summaryOf(plan), ...projection, seq: 0, readOnly: false };
  }

  async list(
    ctx: AuthContext,
    coalitionId: string,
    query: ListPlansQueryDto,
  ): Promise<Page<PlanSummary>> {
    const access = await this.coalitions.accessWith(
      ctx,
      coalitionId,
      PlanAccessPolicy.canRead,
      'Only members of this coalition can see its action plans',
    );
    const { items, total } = await this.plans.listByCoalition(access.coalition._id, query);
    return toPage(items, total, query, toPlanSummary);
  }

  async get(ctx: AuthContext, planId: string): Promise<PlanView> {
    return this.viewOf(await this.access(ctx, planId));
  }

  /** The plan as it is now, for a caller whose access is already known. */
  async viewOf(access: PlanAccess): Promise<PlanView> {
    return this.view(access, await this.documents.current(access.plan._id.toString()));
  }

  /** For plan:open: authorized now; the caller takes the snapshot once it listens for updates. */
  async open(ctx: AuthContext, planId: string): Promise<PlanOpening> {
    const { plan, readOnlyReason } = await this.access(ctx, planId);
    const live = await this.documents.current(planId);
    return {
      planId,
      coalitionId: plan.coalitionId.toString(),
      status: plan.status,
      readOnly: readOnlyReason !== null,
      snapshot: (stateVector) => this.documents.open(live, stateVector),
    };
  }

  /** plan:update: stored before it resolves; refused (and not stored) when the caller may not edit. */
  async applyUpdate(
    ctx: AuthContext,
    planId: string,
    update: Uint8Array,
    socketId: string,
  ): Promise<{ seq: number; stored: boolean }> {
    const access = await this.writeAccess(ctx, planId);
    const live = await this.documents.get(planId);
    return this.documents.submit(live, update, ctx.userId, socketId, (named) =>
      this.assertReferences(access, named),
    );
  }

  /**
   * A live update may name only the coalition's recommendations and its members' organisations,
   * as REST requests may (an organisation that leaves later stays named where it was).
   */
  private async assertReferences(access: PlanAccess, named: PlanReferences): Promise<void> {
    const foreign = foreignRecommendations(access, named.recommendations);
    if (foreign.length) {
      throw AccordError.invalidField(
        'update',
        `recommendationIds may only name recommendations of this coalition (not ${foreign.join(', ')})`,
      );
    }
    if (named.organisations.length === 0) return;
    const isMember = await this.memberOrganisations(access);
    const foreignOrganisations = named.organisations.filter((id) => !isMember(id));
    if (foreignOrganisations.length) {
      throw AccordError.invalidField(
        'update',
        `an action may only name organisations of this coalition's members (not ${foreignOrganisations.join(', ')})`,
      );
    }
  }
  /** Whether an organisation acts in the plan's coalition now (one read of its members). */
  private async memberOrganisations(access: PlanAccess): Promise<(id: string) => boolean> {
    const members = new Set(
      await this.coalitions.memberOrganisationIds(access.access.coalition._id),
    );
    return (id) => members.has(id);
  }

  async awareness(
    ctx: AuthContext,
    planId: string,
    update: Uint8Array,
    socketId: string,
  ): Promise<void> {
    await this.access(ctx, planId);
    const live = await this.documents.get(planId);
    this.documents.awareness(live, update, socketId);
  }

  /** A socket stopped editing a plan (closed it, left, or disconnected). */
  release(planId: string, socketId: string): void {
    this.documents.release(planId, socketId);
  }

  /** A socket (on any node) lost the plan: its cursors go on the node that holds it. */
  revoke(planId: string, socketId: string): void {
    this.documents.revoke(planId, socketId);
  }

  /** Authorizes a REST write, applies it live and audits it. */
  async write<T>(
    ctx: AuthContext,
    planId: string,
    write: PlanWrite<T>,
  ): Promise<{ access: PlanAccess; live: LivePlan; result: T }> {
    const access = await this.writeAccess(ctx, planId);
    await write.check?.(access);
    const live = await this.documents.current(planId);
    const result = await this.documents.change(live, write.edit);
    const [action, data] = write.audit(result);
    await this.audit(ctx, access.plan, action, data);
    return { access, live, result };
  }

  async update(ctx: AuthContext, planId: string, dto: UpdatePlanDto): Promise<PlanView> {
    const fields = definedFields(dto as RecordInput);
    const { access, live } = await this.write(ctx, planId, {
      check: (access) => {
        const foreign = foreignRecommendations(access, dto.recommendationIds ?? []);
        if (foreign.length) {
          throw AccordError.invalidField(
            'recommendationIds',
            `recommendationIds may only name recommendations of this coalition (not ${foreign.join(', ')})`,
          );
        }
      },
      edit: (plan) => editRecord('plan', plan, fields),
      audit: () => ['plan.edited', { fields: Object.keys(fields) }],
    });
    if (fields.title !== undefined) await this.documents.refreshRecord(live);
    return this.view(access, live);
  }

  /**
   * The organisations an action names (lead, supporting) must act in the coalition. Checked on
   * what a request sets; an organisation that leaves later stays named where it was.
   */
  private async assertCoalitionOrganisations(
    access: PlanAccess,
    where: RecordsRef,
    fields: RecordInput,
  ): Promise<void> {
    if (where.kind !== 'action') return;
    const named: [string, string[]][] = [];
    if (typeof fields.leadOrganisationId === 'string') {
      named.push(['leadOrganisationId', [fields.leadOrganisationId]]);
    }
    if (Array.isArray(fields.supportingOrganisationIds)) {
      named.push(['supportingOrganisationIds', fields.supportingOrganisationIds as string[]]);
    }
    if (named.length === 0) return;
    const isMember = await this.memberOrganisations(access);
    for (const [field, ids] of named) {
      const foreign = ids.filter((id) => !isMember(id));
      if (foreign.length) {
        throw AccordError.invalidField(
          field,
          `${field} may only name organisations of this coalition's members (not ${foreign.join(', ')})`,
        );
      }
    }
  }

  async addRecord(
    ctx: AuthContext,
    planId: string,
    where: RecordsRef,
    input: RecordInput & { index?: number },
  ): Promise<Record<string, unknown>> {
    const { index, ...fields } = input;
    const id = newItemId();
    const { result } = await this.write(ctx, planId, {
      check: (access) => this.assertCoalitionOrganisations(access, where, fields),
      edit: (plan) => {
        const records = this.recordsOf(plan, where);
        if (records.length >= RECORD_LIMITS[where.kind]) {
          throw new AccordError(
            ErrorCode.CONFLICT,
            `A list holds at most ${RECORD_LIMITS[where.kind]} ${where.kind}s`,
          );
        }
        const at = Math.min(index ?? records.length, records.length);
        records.insert(at, [newRecord(where.kind, { ...definedFields(fields), id })]);
        return projectRecord(where.kind, records.get(at));
      },
      audit: () => [`plan.${where.kind}.added`, { id, ...refData(where) }],
    });
    return result as unknown as Record<string, unknown>;
  }

  async editRecord(
    ctx: AuthContext,
    planId: string,
    where: RecordsRef,
    id: string,
    input: RecordInput,
  ): Promise<Record<string, unknown>> {
    const fields = definedFields(input);
    const { result } = await this.write(ctx, planId, {
      check: (access) => this.assertCoalitionOrganisations(access, where, fields),
      edit: (plan) => {
        const records = this.recordsOf(plan, where);
        const record = records.get(this.indexIn(records, where.kind, id));
        editRecord(where.kind, record, fields);
        return projectRecord(where.kind, record);
      },
      audit: () => [
        `plan.${where.kind}.edited`,
        { id, ...refData(where), fields: Object.keys(fields) },
      ],
    });
    return result as unknown as Record<string, unknown>;
  }

  async removeRecord(ctx: AuthContext, planId: string, where: RecordsRef, id: string) {
    await this.write(ctx, planId, {
      edit: (plan) => {
        const records = this.recordsOf(plan, where);
        records.delete(this.indexIn(records, where.kind, id), 1);
      },
      audit: () => [`plan.${where.kind}.removed`, { id, ...refData(where) }],
    });
  }

  async moveRecord(
    ctx: AuthContext,
    planId: string,
    where: RecordsRef,
    id: string,
    index: number,
  ): Promise<{ id: string; index: number }> {
    const { result } = await this.write(ctx, planId, {
      edit: (plan) => {
        const records = this.recordsOf(plan, where);
        const target = Math.min(index, records.length - 1);
        moveRecord(where.kind, records, this.indexIn(records, where.kind, id), target);
        return target;
      },
      audit: (to) => [`plan.${where.kind}.moved`, { id, ...refData(where), index: to }],
    });
    return { id, index: result };
  }

  private recordsOf(plan: Y.Map<unknown>, where: RecordsRef): Y.Array<Y.Map<unknown>> {
    const actions = plan.get('actions') as Y.Array<Y.Map<unknown>>;
    if (where.kind === 'action') return actions;
    const action = actions.get(this.indexIn(actions, 'action', where.actionId));
    return action.get(where.kind === 'milestone' ? 'milestones' : 'indicators') as Y.Array<
      Y.Map<unknown>
    >;
  }

  private indexIn(records: Y.Array<Y.Map<unknown>>, kind: string, id: string): number {
    const index = indexOfRecord(records, id);
    if (index === -1) throw AccordError.notFound(`${capitalise(kind)} not found`);
    return index;
  }

  private summaryOf(plan: ActionPlanRecord): Omit<PlanSummary, 'title'> {
    const { title: _title, ...summary } = toPlanSummary(plan);
    return summary;
  }

  /** The plan as the caller sees it, from the document held in memory. */
  view(access: PlanAccess, live: LivePlan): PlanView {
    return {
      ...this.summaryOf(access.plan),
      ...projectPlan(live.doc),
      seq: live.seq,
      readOnly: access.readOnlyReason !== null,
    };
  }

  /** An entry in the coalition's audit log about the plan. */
  async audit(
    ctx: AuthContext,
    plan: ActionPlanRecord,
    action: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    await this.auditLog.record({
      scope: coalitionScope(plan.coalitionId.toString()),
      actorId: ctx.userId,
      action,
      target: { type: 'action-plan', id: plan._id.toString() },
      data,
    });
  }
}

function definedFields(input: RecordInput): RecordInput {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}

function refData(where: RecordsRef): Record<string, string> {
  return where.kind === 'action' ? {} : { actionId: where.actionId };
}
