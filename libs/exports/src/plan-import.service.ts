import { Inject, Injectable } from '@nestjs/common';
import { ActionPlansService, type PlanView } from '@accord/action-plans';
import type { AuthContext } from '@accord/auth';
import { CoalitionsService } from '@accord/coalitions';
import { AccordError } from '@accord/core';
import { OrganisationsService } from '@accord/organisations';
import { RecommendationsService } from '@accord/recommendations';
import { ExportRenderer } from './export-renderer';
import type { ImportCounts, UnmatchedPolicy } from './render/plan-import';

export type { UnmatchedPolicy } from './render/plan-import';

export interface PlanImportResult extends PlanView {
  imported: ImportCounts;
}

/**
 * Imports a plan's JSON export into a coalition as a new draft plan with the same content (items
 * keep their ids). Recommendations are linked to the coalition's own (same id, else same code)
 * and organisations to its members' (same id, else same name); anything that has no match is
 * refused with its name, or with `unmatched=drop` left out and reported. The file is read only
 * once the caller may create plans in the coalition, and in a render worker.
 */
@Injectable()
export class PlanImportService {
  constructor(
    @Inject(ActionPlansService) private readonly plans: ActionPlansService,
    @Inject(CoalitionsService) private readonly coalitions: CoalitionsService,
    @Inject(OrganisationsService) private readonly organisations: OrganisationsService,
    @Inject(RecommendationsService) private readonly recommendations: RecommendationsService,
    @Inject(ExportRenderer) private readonly workers: ExportRenderer,
  ) {}

  async import(
    ctx: AuthContext,
    coalitionId: string,
    body: unknown,
    unmatched: UnmatchedPolicy = 'refuse',
  ): Promise<PlanImportResult> {
    let imported: ImportCounts | undefined;
    const view = await this.plans.createWith(ctx, coalitionId, async ({ coalition }) => {
      if (!Buffer.isBuffer(body) || body.length === 0) {
        throw AccordError.validation(
          "Send the plan's JSON export as the request body (Content-Type: application/json)",
          [{ field: 'body', message: 'is required' }],
        );
      }
      const [recommendations, members] = await Promise.all([
        this.recommendations.findByIds(coalition.recommendationIds),
        this.coalitions
          .memberOrganisationIds(coalition._id)
          .then((ids) => this.organisations.findByIds(ids)),
      ]);
      const outcome = await this.workers.readImport({
        body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
        unmatched,
        recommendations: recommendations.map((r) => ({ id: r._id.toString(), code: r.code })),
        members: members.map((o) => ({ id: o._id.toString(), name: o.name })),
      });
      if (!outcome.ok) throw AccordError.validation(outcome.message, outcome.details);
      imported = outcome.imported;
      return {
        content: outcome.content,
        document: { state: outcome.state, client: outcome.client },
        audit: [
          'plan.imported',
          { title: outcome.content.title, from: outcome.source, ...outcome.imported },
        ],
      };
    });
    return { ...view, imported: imported! };
  }
}
