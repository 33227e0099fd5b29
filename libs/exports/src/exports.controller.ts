import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthContext, CurrentUser } from '@accord/auth';
import type { Request, Response } from 'express';
import { ExportQueryDto, ImportQueryDto } from './dto/export.dto';
import { contentDisposition } from './export-file-name';
import { PlanExportsService } from './plan-exports.service';
import { type PlanImportResult, PlanImportService } from './plan-import.service';
import { FORMAT_MEDIA_TYPES } from './render/formats';

/** Downloads of a plan in every format, and the import of a plan's JSON export. */
@ApiTags('action-plans')
@ApiBearerAuth()
@Controller()
export class ExportsController {
  constructor(
    @Inject(PlanExportsService) private readonly exports: PlanExportsService,
    @Inject(PlanImportService) private readonly imports: PlanImportService,
  ) {}

  @Get('action-plans/:id/export')
  @ApiProduces(...new Set(Object.values(FORMAT_MEDIA_TYPES).map((t) => t.split(';')[0])))
  @ApiOkResponse({
    description:
      'The plan as a file (Content-Disposition: attachment with a readable file name): pdf and docx laid out like an OGP commitment, xlsx (sheets Actions, Milestones, Indicators), csv (one row per action), md, ics (one event per milestone and dated action, stable UIDs), json (schema libs/exports/schema/action-plan-export.schema.json, importable)',
  })
  @ApiNotFoundResponse({ description: 'No such plan or version, or the caller may not see it' })
  @ApiServiceUnavailableResponse({ description: 'Too many exports at once (Retry-After)' })
  async export(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Query() query: ExportQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const file = await this.exports.export(ctx, id, query.format, query.version);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', contentDisposition(file.names));
    // A plan may be confidential: never kept by shared caches or proxies.
    res.setHeader('Cache-Control', 'private, no-store');
    res.status(200).send(file.body);
  }

  @Post('coalitions/:id/action-plans/import')
  @HttpCode(201)
  @ApiBody({
    description:
      'A plan’s JSON export (GET …/export?format=json) as the body, Content-Type application/json, up to 10 MB',
  })
  @ApiCreatedResponse({ description: 'The new draft plan, with counts of what was imported' })
  @ApiBadRequestResponse({
    description: 'Every problem of the file as { field, message }; nothing is stored',
  })
  @ApiPayloadTooLargeResponse({ description: 'Files over 10 MB' })
  import(
    @CurrentUser() ctx: AuthContext,
    @Param('id') id: string,
    @Query() query: ImportQueryDto,
    @Req() req: Request,
  ): Promise<PlanImportResult> {
    // The route keeps the body as bytes (create-app.ts): parsed once the caller may import.
    return this.imports.import(ctx, id, req.body, query.unmatched);
  }
}
