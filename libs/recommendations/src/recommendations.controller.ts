import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthContext, CurrentUser } from '@accord/auth';
import { AccordError, ErrorCode, type Page, UPLOAD_LIMIT_BYTES } from '@accord/core';
import type { Request, Response } from 'express';
import {
  ExportQueryDto,
  ImportResultDto,
  ListRecommendationsQueryDto,
  RecommendationDetailDto,
  RecommendationPageDto,
  type RecommendationResponseDto,
} from './dto/recommendation.dto';
import { CATALOGUE_COLUMNS } from './recommendation-io';
import { type CatalogueUpload, RecommendationsService } from './recommendations.service';

/** The part of multer's file that an import reads. */
interface UploadedCatalogueFile {
  buffer: Buffer;
  mimetype: string;
  originalname: string;
}

const COLUMNS_DOC = `Columns (CSV header and JSON keys): ${CATALOGUE_COLUMNS.join(', ')}; lists (sdg_targets, tags) separated by ";" in CSV.`;

@ApiTags('recommendations')
@ApiBearerAuth()
@Controller('recommendations')
export class RecommendationsController {
  constructor(
    @Inject(RecommendationsService) private readonly recommendations: RecommendationsService,
  ) {}

  @Get()
  @ApiOkResponse({ type: RecommendationPageDto, description: 'Ordered by source paragraph' })
  list(@Query() query: ListRecommendationsQueryDto): Promise<Page<RecommendationResponseDto>> {
    return this.recommendations.list(query);
  }

  @Get('export')
  @ApiProduces('text/csv', 'application/json')
  @ApiOkResponse({
    description: `The whole catalogue as a file. ${COLUMNS_DOC} CSV cells that a spreadsheet would run as formulas are prefixed with '.`,
  })
  async export(@Query() query: ExportQueryDto, @Res() res: Response): Promise<void> {
    const file = await this.recommendations.exportFile(query.format);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
    res.status(200).send(file.body);
  }

  @Post('import')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: UPLOAD_LIMIT_BYTES, files: 1 } }))
  @ApiConsumes('text/csv', 'application/json', 'multipart/form-data')
  @ApiBody({
    description: `The catalogue file as the body (text/csv or application/json), or multipart with a "file" field. ${COLUMNS_DOC} Upserts by code.`,
  })
  @ApiOkResponse({ type: ImportResultDto })
  @ApiBadRequestResponse({
    description: 'Every problem as { row, field, message }; nothing is stored',
  })
  @ApiForbiddenResponse({ description: 'Platform admins only' })
  @ApiPayloadTooLargeResponse({ description: 'Files over 5 MB' })
  importFile(
    @CurrentUser() ctx: AuthContext,
    @Req() req: Request,
    @UploadedFile() file?: UploadedCatalogueFile,
  ): Promise<ImportResultDto> {
    return this.recommendations.importFile(ctx, readUpload(req, file));
  }

  @Get(':idOrCode')
  @ApiOkResponse({ type: RecommendationDetailDto })
  @ApiNotFoundResponse()
  get(
    @CurrentUser() ctx: AuthContext,
    @Param('idOrCode') idOrCode: string,
  ): Promise<RecommendationDetailDto> {
    return this.recommendations.get(ctx, idOrCode);
  }
}

function readUpload(req: Request, file?: UploadedCatalogueFile): CatalogueUpload {
  if (file) {
    const content = file.buffer.toString('utf8');
    const isJson = /json/i.test(file.mimetype) || /\.json$/i.test(file.originalname);
    if (!isJson) return { format: 'csv', content };
    try {
      return { format: 'json', content: JSON.parse(content.replace(/^\uFEFF/, '')) as unknown };
    } catch {
      throw AccordError.invalidField('file', 'The uploaded file is not valid JSON');
    }
  }
  if (req.is('multipart/form-data')) {
    throw AccordError.validation('Attach the catalogue as the multipart field "file"', [
      { field: 'file', message: 'file is required' },
    ]);
  }
  if (typeof req.body === 'string') return { format: 'csv', content: req.body };
  if (req.is('application/json') && req.body !== undefined)
    return { format: 'json', content: req.body as unknown };
  throw new AccordError(
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    'Send the catalogue as text/csv, application/json, or multipart/form-data with a "file" field',
  );
}
