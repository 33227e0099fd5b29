import { Inject, Injectable } from '@nestjs/common';
import {
  ActionPlansService,
  type PlanAccess,
  type PlanContent,
  PlanVersionsService,
} from '@accord/action-plans';
import type { AuthContext } from '@accord/auth';
import { CoalitionsService } from '@accord/coalitions';
import { OrganisationsService } from '@accord/organisations';
import { RecommendationsService } from '@accord/recommendations';
import { Types } from 'mongoose';
import { ExportRenderer } from './export-renderer';
import { exportFileNames, type ExportFileNames } from './export-file-name';
import { type ExportFormat, FORMAT_MEDIA_TYPES } from './render/formats';
import type { PlanReport, ReportOrganisation, ReportRecommendation } from './render/plan-report';

export interface ExportedFile {
  contentType: string;
  names: ExportFileNames;
  body: Buffer;
}

/**
 * Exports of an action plan: who may read the plan may export it (a private coalition's plan
 * stays NOT_FOUND to outsiders). The report is gathered here, rendered in a worker, and every
 * export is written to the coalition's audit log.
 */
@Injectable()
export class PlanExportsService {
  constructor(
    @Inject(ActionPlansService) private readonly plans: ActionPlansService,
    @Inject(PlanVersionsService) private readonly versions: PlanVersionsService,
    @Inject(CoalitionsService) private readonly coalitions: CoalitionsService,
    @Inject(OrganisationsService) private readonly organisations: OrganisationsService,
    @Inject(RecommendationsService) private readonly recommendations: RecommendationsService,
    @Inject(ExportRenderer) private readonly renderer: ExportRenderer,
  ) {}

  async export(
    ctx: AuthContext,
    planId: string,
    format: ExportFormat,
    versionId?: string,
  ): Promise<ExportedFile> {
    const access = await this.plans.access(ctx, planId);
    const report = await this.report(access, versionId);
    const names = exportFileNames(report, format);
    const body = await this.renderer.render(format, report);
    await this.plans.audit(ctx, access.plan, 'plan.exported', {
      format,
      versionId: report.version?.id ?? null,
      bytes: body.length,
    });
    return { contentType: FORMAT_MEDIA_TYPES[format], names, body };
  }

  /**
   * Everything an export shows: the plan (or one of its versions) with what it refers to, read
   * with the caller's access to the plan (authorized once, in `export`).
   */
  async report(access: PlanAccess, versionId?: string): Promise<PlanReport> {
    const [view, version, coalition, endorsements] = await Promise.all([
      this.plans.viewOf(access),
      versionId ? this.versions.versionFor(access, versionId) : null,
      this.coalitions.detailFor(access.access),
      this.versions.endorsementsFor(access),
    ]);
    const content: PlanContent = version ? version.content : view;
    const organisations: Record<string, ReportOrganisation> = {};
    const add = (o: ReportOrganisation) => {
      organisations[o.id] = {
        id: o.id,
        name: o.name,
        stakeholderType: o.stakeholderType,
        country: o.country,
      };
    };
    coalition.organisations.forEach(add);
    const named = content.actions.flatMap((a) => [
      ...(a.leadOrganisationId ? [a.leadOrganisationId] : []),
      ...a.supportingOrganisationIds,
    ]);
    const others = [...new Set(named)].filter((id) => !organisations[id]);
    for (const o of await this.organisations.findByIds(others)) {
      add({ ...o, id: o._id.toString() });
    }
    return {
      generatedAt: new Date().toISOString(),
      plan: {
        id: view.id,
        status: view.status,
        createdAt: view.createdAt,
        editedAt: view.editedAt,
        seq: version ? version.seq : view.seq,
      },
      coalition: { id: coalition.id, name: coalition.name, purpose: coalition.purpose },
      version: version
        ? {
            id: version.id,
            number: version.number,
            name: version.name,
            createdAt: version.createdAt,
          }
        : null,
      content: {
        title: content.title,
        problem: content.problem,
        baseline: content.baseline,
        objective: content.objective,
        recommendationIds: content.recommendationIds,
        sdgTargets: content.sdgTargets,
        actions: content.actions,
      },
      recommendations: await this.recommendationsOf(content.recommendationIds),
      organisations,
      memberOrganisationIds: coalition.organisations.map((o) => o.id),
      stakeholderMix: { ...coalition.stakeholderMix.counts },
      endorsements: endorsements.map((e) => ({
        organisationId: e.organisationId,
        organisationName:
          e.organisationName ?? organisations[e.organisationId]?.name ?? e.organisationId,
        versionId: e.versionId,
        versionNumber: e.versionNumber,
        versionName: e.versionName,
        endorsedAt: e.createdAt,
        stale: e.stale,
      })),
    };
  }

  /** In the plan's order; a recommendation since removed from the catalogue keeps its id. */
  private async recommendationsOf(ids: string[]): Promise<ReportRecommendation[]> {
    const records = await this.recommendations.findByIds(ids.map((id) => new Types.ObjectId(id)));
    const byId = new Map(records.map((r) => [r._id.toString(), r]));
    return ids.map((id) => {
      const r = byId.get(id);
      if (!r) {
        return {
          id,
          code: null,
          text: 'This recommendation is no longer in the catalogue.',
          theme: null,
          source: null,
          sdgTargets: [],
        };
      }
      return {
        id,
        code: r.code,
        text: r.text,
        theme: r.theme ?? null,
        source: r.source ? { document: r.source.document, paragraph: r.source.paragraph } : null,
        sdgTargets: r.sdgTargets ?? [],
      };
    });
  }
}
