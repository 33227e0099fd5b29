import { Injectable } from '@nestjs/common';
import type { AuthContext } from '@accord/auth';

export interface CoalitionSummary {
  id: string;
  name: string;
  visibility: 'public' | 'private';
  memberOrganisationCount: number;
  multiStakeholder: boolean;
}

/** Answers which coalitions work on a recommendation, as far as the caller may see them. */
export interface RecommendationUsageProvider {
  visibleCoalitions(ctx: AuthContext, recommendationId: string): Promise<CoalitionSummary[]>;
}

/**
 * Where the coalitions domain plugs in its answer, so recommendations need not import
 * coalitions (which import recommendations).
 */
@Injectable()
export class RecommendationUsageRegistry {
  private provider?: RecommendationUsageProvider;

  register(provider: RecommendationUsageProvider): void {
    this.provider = provider;
  }

  async visibleCoalitions(ctx: AuthContext, recommendationId: string): Promise<CoalitionSummary[]> {
    return this.provider ? this.provider.visibleCoalitions(ctx, recommendationId) : [];
  }
}
