import type { RecommendationResponseDto } from './dto/recommendation.dto';
import type { RecommendationRecord } from './recommendation.schema';

export function toRecommendationResponse(r: RecommendationRecord): RecommendationResponseDto {
  return {
    id: r._id.toString(),
    code: r.code,
    text: r.text,
    theme: r.theme,
    source: { document: r.source.document, paragraph: r.source.paragraph },
    sdgTargets: r.sdgTargets ?? [],
    tags: r.tags ?? [],
    recommendingState: r.recommendingState ?? null,
    mechanism: r.mechanism ?? null,
    response: r.response ?? null,
    createdAt: new Date(r.createdAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
  };
}
