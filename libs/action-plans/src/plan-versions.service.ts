import { Inject, Injectable } from '@nestjs/common';
import type { AuthContext } from '@accord/auth';
import { AccordError, DocumentLocks, ErrorCode, type Page, toPage } from '@accord/core';
import { OrganisationsService } from '@accord/organisations';
import { Types } from 'mongoose';
import * as Y from 'yjs';
import type { PlanEndorsementRecord, PlanStatus } from './action-plan.schema';
import { ActionPlansRepository } from './action-plans.repository';
import {
  ActionPlansService,
  type PlanAccess,
  type PlanView,
  toPlanSummary,
  type PlanSummary,
} from './action-plans.service';
import { PlanAccessPolicy } from './plan-access.policy';
import { diffPlans, type PlanChange } from './plan-diff';
import { planLockKey, PlanDocuments } from './plan-documents';
import { editRecord } from './plan-editor';
import { PlanEvents } from './plan-events';
import { type PlanContent, projectPlan, type RecordInput } from './plan-shape';
import { PlanVersionsRepository, type VersionSummary } from './plan-versions.repository';

export const VERSION_NOT_FOUND = 'Version not found';

export interface VersionView {
  id: string;
  planId: string;
  number: number;
  name: string;
  seq: number;
  createdBy: string;
  createdAt: string;
  /** The version this one was restored from, if it was made by a restore. */
  restoredFrom: string | null;
}

export interface VersionDetail extends VersionView {
  content: PlanContent;
}

export interface EndorsementView {
  id: string;
  organisationId: string;
  organisationName: string | null;
  versionId: string;
  versionNumber: number | null;
  versionName: string | null;
  userId: string;
  createdAt: string;
  /** The plan's content has changed since the endorsed version. */
  stale: boolean;
}

export interface PlanChanges {
  from: VersionView;
  /** The later version, or null for the plan as it is now. */
  to: VersionView | null;
  changes: PlanChange[];
}

/**
 * The workflow: which status may follow which. Endorsed and published plans are read-only;
 * moving one back to draft ("reopening") makes it editable again.
 */
export const PLAN_TRANSITIONS: Record<PlanStatus, PlanStatus[]> = {
  draft: ['in_review'],
  in_review: ['draft', 'endorsed'],
  endorsed: ['published', 'draft'],
  published: ['draft'],
};

function toVersionView(version: VersionSummary): VersionView {
  return {
    id: version._id.toString(),
    planId: version.planId.toString(),
    number: version.number,
    name: version.name,
    seq: version.seq,
    createdBy: version.createdBy.toString(),
    createdAt: new Date(version.createdAt).toISOString(),
    restoredFrom: version.restoredFrom ? version.restoredFrom.toString() : null,
  };
}

function sameContent(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Named versions (view, compare, restore as a new change on top) and the plan's workflow
 * (draft → in_review → endorsed → published, organisations endorsing a named version).
 */
@Injectable()
export class PlanVersionsService {
  constructor(
    @Inject(ActionPlansService) private readonly plans: ActionPlansService,
    @Inject(ActionPlansRepository) private readonly records: ActionPlansRepository,
    @Inject(PlanVersionsRepository) private readonly versions: PlanVersionsRepository,
    @Inject(PlanDocuments) private readonly documents: PlanDocuments,
    @Inject(OrganisationsService) private readonly organisations: OrganisationsService,
    @Inject(DocumentLocks) private readonly locks: DocumentLocks,
    @Inject(PlanEvents) private readonly events: PlanEvents,
  ) {}

  /** Names the plan as it is now (editors; allowed on frozen plans: it changes nothing). */
  async createVersion(ctx: AuthContext, planId: string, name: string): Promise<VersionView> {
    const access = await this.plans.access(ctx, planId);
    if (!PlanAccessPolicy.canNameVersion(access.access.role)) {
      throw AccordError.forbidden('Observers cannot name versions');
    }
    const live = await this.documents.current(planId);
    await this.documents.settled(live);
    const version = await this.versions.create({
      planId: access.plan._id,
      name: name.trim(),
      seq: live.seq,
      state: Buffer.from(Y.encodeStateAsUpdate(live.doc)),
      content: projectPlan(live.doc) as unknown as Record<string, unknown>,
      createdBy: new Types.ObjectId(ctx.userId),
      restoredFrom: null,
    });
    if (!version) {
      throw AccordError.conflict(`This plan has a version named “${name.trim()}” already`, 'name');
    }
    await this.plans.audit(ctx, access.plan, 'plan.version.created', {
      versionId: version._id.toString(),
      number: version.number,
      name: version.name,
    });
    return toVersionView(version);
  }

  async listVersions(
    ctx: AuthContext,
    planId: string,
    page: { page: number; limit: number },
  ): Promise<Page<VersionView>> {
    const access = await this.plans.access(ctx, planId);
    const { items, total } = await this.versions.list(access.plan._id, page);
    return toPage(items, total, page, toVersionView);
  }

  async getVersion(ctx: AuthContext, planId: string, versionId: string): Promise<VersionDetail> {
    return this.versionFor(await this.plans.access(ctx, planId), versionId);
  }

  /** A version of the plan, for a caller whose access is already known (NOT_FOUND if none). */
  async versionFor(access: PlanAccess, versionId: string): Promise<VersionDetail> {
    const version = await this.requireVersion(access, versionId);
    return { ...toVersionView(version), content: version.content as unknown as PlanContent };
  }

  /**
   * Makes the plan's content that of the version, as one new change on top of the current
   * document (history is kept; live editors see the change like any other).
   */
  async restore(ctx: AuthContext, planId: string, versionId: string): Promise<PlanView> {
    let version: VersionSummary | undefined;
    const { access, live } = await this.plans.write(ctx, planId, {
      check: async (access) => {
        version = await this.requireVersion(access, versionId);
      },
      edit: (plan) => editRecord('plan', plan, version?.content as RecordInput),
      audit: () => [
        'plan.version.restored',
        { versionId: version?._id.toString(), number: version?.number, name: version?.name },
      ],
    });
    const plan = (await this.documents.refreshRecord(live)) ?? access.plan;
    return this.plans.view({ ...access, plan }, live);
  }

  /** What changed from one version to another (or to the plan as it is now). */
  async changes(
    ctx: AuthContext,
    planId: string,
    fromId: string,
    toId?: string,
  ): Promise<PlanChanges> {
    const access = await this.plans.access(ctx, planId);
    const from = await this.requireVersion(access, fromId);
    let to: VersionSummary | null = null;
    let content: PlanContent;
    if (toId && toId !== 'current') {
      to = await this.requireVersion(access, toId);
      content = to.content as unknown as PlanContent;
    } else {
      const live = await this.documents.current(planId);
      content = projectPlan(live.doc);
    }
    return {
      from: toVersionView(from),
      to: to ? toVersionView(to) : null,
      changes: diffPlans(from.content as unknown as PlanContent, content),
    };
  }

  /** Moves the plan along its workflow (organisers only; see PLAN_TRANSITIONS). */
  async changeStatus(ctx: AuthContext, planId: string, status: PlanStatus): Promise<PlanSummary> {
    const access = await this.plans.access(ctx, planId);
    if (!PlanAccessPolicy.canMoveWorkflow(access.access.role)) {
      throw AccordError.forbidden('Only organisers can move a plan through its workflow');
    }
    const { plan, from } = await this.locks.withLock(planLockKey(planId), async () => {
      const current = await this.records.findById(planId, { fresh: true });
      if (!current) throw AccordError.notFound('Action plan not found');
      if (current.status === status) return { plan: current, from: null };
      if (!PLAN_TRANSITIONS[current.status].includes(status)) {
        throw new AccordError(
          ErrorCode.CONFLICT,
          `A ${current.status} plan can move to ${PLAN_TRANSITIONS[current.status].join(' or ')}, not to ${status}`,
        );
      }
      if (status === 'endorsed') {
        const current_ = (await this.endorsementsFor(access)).filter((e) => !e.stale);
        if (current_.length === 0) {
          throw new AccordError(
            ErrorCode.CONFLICT,
            'No organisation has endorsed the plan as it is now: endorsements are missing or stale',
          );
        }
      }
      const updated = await this.records.update(current._id, {
        status,
        statusChangedAt: new Date(),
      });
      return { plan: updated ?? current, from: current.status };
    });
    if (from !== null) {
      await this.plans.audit(ctx, plan, 'plan.status_changed', { from, to: status });
      this.events.emit({
        type: 'plan.status',
        planId,
        coalitionId: plan.coalitionId.toString(),
        status,
      });
    }
    return toPlanSummary(plan);
  }

  /**
   * An organisation endorses a named version (the latest by default). The caller represents the
   * organisation in the coalition and is one of its admins; the plan is in review (or endorsed).
   */
  async endorse(
    ctx: AuthContext,
    planId: string,
    organisationId: string,
    versionId?: string,
  ): Promise<EndorsementView> {
    const access = await this.plans.access(ctx, planId);
    const member = access.access.member;
    if (!member || !PlanAccessPolicy.canEndorse(access.access.role)) {
      throw AccordError.forbidden('Observers cannot endorse plans');
    }
    if (member.organisationId.toString() !== organisationId) {
      throw AccordError.forbidden(
        'You can endorse only for the organisation you represent in this coalition',
      );
    }
    if ((await this.organisations.roleOf(organisationId, ctx.userId)) !== 'admin') {
      throw AccordError.forbidden('Only an admin of the organisation can endorse on its behalf');
    }
    if (access.plan.status !== 'in_review' && access.plan.status !== 'endorsed') {
      throw new AccordError(
        ErrorCode.CONFLICT,
        `Endorsements are taken while the plan is in review; it is ${access.plan.status}`,
      );
    }
    const version = versionId
      ? await this.requireVersion(access, versionId)
      : await this.versions.latest(access.plan._id);
    if (!version) {
      throw new AccordError(
        ErrorCode.CONFLICT,
        'Name a version of the plan first: organisations endorse a named version',
      );
    }
    const { endorsement, created } = await this.versions.endorse({
      planId: access.plan._id,
      versionId: version._id,
      organisationId: new Types.ObjectId(organisationId),
      userId: new Types.ObjectId(ctx.userId),
    });
    if (created) {
      await this.plans.audit(ctx, access.plan, 'plan.endorsed', {
        versionId: version._id.toString(),
        number: version.number,
        organisationId,
      });
      this.events.emit({
        type: 'plan.endorsed',
        planId: access.plan._id.toString(),
        coalitionId: access.plan.coalitionId.toString(),
        organisationId,
        versionId: version._id.toString(),
      });
    }
    const [view] = await this.toEndorsementViews([endorsement], access.plan._id.toString());
    return view;
  }

  async listEndorsements(ctx: AuthContext, planId: string): Promise<EndorsementView[]> {
    return this.endorsementsFor(await this.plans.access(ctx, planId));
  }

  /** The plan's endorsements, for a caller whose access is already known. */
  async endorsementsFor(access: PlanAccess): Promise<EndorsementView[]> {
    const endorsements = await this.versions.endorsementsOf(access.plan._id);
    return this.toEndorsementViews(endorsements, access.plan._id.toString());
  }

  /** Stale: the plan's content now differs from the endorsed version's. */
  private async toEndorsementViews(
    endorsements: PlanEndorsementRecord[],
    planId: string,
  ): Promise<EndorsementView[]> {
    if (endorsements.length === 0) return [];
    const [versions, organisations, live] = await Promise.all([
      this.versions.namesOf(endorsements.map((e) => e.versionId)),
      this.organisations.findByIds(endorsements.map((e) => e.organisationId)),
      this.documents.current(planId),
    ]);
    const now = projectPlan(live.doc);
    const names = new Map(organisations.map((o) => [o._id.toString(), o.name]));
    return endorsements.map((e) => {
      const version = versions.get(e.versionId.toString());
      return {
        id: e._id.toString(),
        organisationId: e.organisationId.toString(),
        organisationName: names.get(e.organisationId.toString()) ?? null,
        versionId: e.versionId.toString(),
        versionNumber: version?.number ?? null,
        versionName: version?.name ?? null,
        userId: e.userId.toString(),
        createdAt: new Date(e.createdAt).toISOString(),
        stale: !version || !sameContent(version.content, now),
      };
    });
  }

  private async requireVersion(access: PlanAccess, versionId: string) {
    const version = await this.versions.findById(access.plan._id, versionId);
    if (!version) throw AccordError.notFound(VERSION_NOT_FOUND);
    return version;
  }
}
