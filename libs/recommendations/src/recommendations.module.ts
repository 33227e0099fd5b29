import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuthModule } from '@accord/auth';
import { CatalogueLoader } from './catalogue.loader';
import { Recommendation, RecommendationSchema } from './recommendation.schema';
import { RecommendationUsageRegistry } from './recommendation-usage';
import { RecommendationsController } from './recommendations.controller';
import { RecommendationsRepository } from './recommendations.repository';
import { RecommendationsService } from './recommendations.service';

@Module({
  imports: [
    AuthModule,
    MongooseModule.forFeature([{ name: Recommendation.name, schema: RecommendationSchema }]),
  ],
  controllers: [RecommendationsController],
  providers: [
    RecommendationsService,
    RecommendationsRepository,
    RecommendationUsageRegistry,
    CatalogueLoader,
  ],
  exports: [RecommendationsService, RecommendationUsageRegistry],
})
export class RecommendationsModule {}
