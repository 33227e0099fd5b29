import { Module } from '@nestjs/common';
import { ActionPlansModule } from '@accord/action-plans';
import { CoalitionsModule } from '@accord/coalitions';
import { OrganisationsModule } from '@accord/organisations';
import { RecommendationsModule } from '@accord/recommendations';
import { ExportRenderer } from './export-renderer';
import { ExportsController } from './exports.controller';
import { PlanExportsService } from './plan-exports.service';
import { PlanImportService } from './plan-import.service';

@Module({
  imports: [ActionPlansModule, CoalitionsModule, OrganisationsModule, RecommendationsModule],
  controllers: [ExportsController],
  providers: [PlanExportsService, PlanImportService, ExportRenderer],
  exports: [PlanExportsService],
})
export class ExportsModule {}
