import { Inject, Injectable } from '@nestjs/common';
import { type AuthContext } from '@accord/auth';
import { AuditService, PLATFORM_SCOPE } from '@accord/audit';
import { AccordError, DocumentLocks, isObjectIdString, type Page } from '@accord/core';
import { Types } from 'mongoose';
import type {
  ImportResultDto,
  ListRecommendationsQueryDto,
  RecommendationDetailDto,
  RecommendationResponseDto,
} from './dto/recommendation.dto';
import {
  CatalogueFileError,
  parseCatalogueCsv,
  parseCatalogueJson,
  recordToRow,
  rowsToCsv,
  validateRows,
} from './recommendation-io';
import { toRecommendationResponse } from './recommendation.mapper';
import type { RecommendationRecord } from './recommendation.schema';
import { RecommendationUsageRegistry } from './recommendation-usage';
import { RecommendationsRepository } from './recommendations.repository';

export type CatalogueUpload =
  { format: 'csv'; content: string } | { format: 'json'; content: unknown };

export interface CatalogueExport {
  contentType: string;
  filename: string;
  body: string;
}

@Injectable()
export class RecommendationsService {
  constructor(
    @Inject(RecommendationsRepository) private readonly recommendations: RecommendationsRepository,
    @Inject(RecommendationUsageRegistry) private readonly usage: RecommendationUsageRegistry,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(DocumentLocks) private readonly locks: DocumentLocks,
  ) {}

  async list(query: ListRecommendationsQueryDto): Promise<Page<RecommendationResponseDto>> {
    const { items, total } = await this.recommendations.list(
      { theme: query.theme, q: query.q, sdg: query.sdg },
      query,
    );
    return {
      items: items.map(toRecommendationResponse),
      total,
      page: query.page,
      limit: query.limit,
    };
  }

  async get(ctx: AuthContext, idOrCode: string): Promise<RecommendationDetailDto> {
    const record = await this.recommendations.findByIdOrCode(idOrCode);
    if (!record) throw AccordError.notFound(`No recommendation has the id or code "${idOrCode}"`);
    const coalitions = await this.usage.visibleCoalitions(ctx, record._id.toString());
    return { ...toRecommendationResponse(record), coalitionCount: coalitions.length, coalitions };
  }

  /** The recommendations with these ids, in catalogue order; NOT_FOUND names any that is missing. */
  async requireByIds(ids: string[]): Promise<RecommendationRecord[]> {
    const unique = [...new Set(ids)];
    const invalid = unique.filter((id) => !isObjectIdString(id));
    const records = await this.recommendations.findByIds(
      unique.filter(isObjectIdString).map((id) => new Types.ObjectId(id)),
    );
    const found = new Set(records.map((r) => r._id.toString()));
    const missing = [...invalid, ...unique.filter((id) => isObjectIdString(id) && !found.has(id))];
    if (missing.length > 0) {
      throw AccordError.validation(
        `No recommendation has the id ${missing.join(', ')}`,
        missing.map((id) => ({
          field: 'recommendationIds',
          message: `No recommendation has the id ${id}`,
        })),
      );
    }
    return records;
  }

  async findByIds(ids: Types.ObjectId[]): Promise<RecommendationRecord[]> {
    return this.recommendations.findByIds(ids);
  }

  /**
   * Imports a catalogue file (platform admins). Every row is checked first; one bad row and
   * nothing is stored, and the answer lists every problem.
   */
  async importFile(ctx: AuthContext, upload: CatalogueUpload): Promise<ImportResultDto> {
    if (!ctx.isPlatformAdmin)
      throw AccordError.forbidden('Only platform admins can import recommendations');
    let rows;
    try {
      rows = validateRows(
        upload.format === 'csv'
          ? parseCatalogueCsv(upload.content)
          : parseCatalogueJson(upload.content),
      );
    } catch (error) {
      if (error instanceof CatalogueFileError) {
        throw AccordError.validation(
          `The file has ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}; nothing was imported`,
          error.problems,
        );
      }
      throw error;
    }
    // One import at a time across nodes: concurrent bulk upserts of the same codes race for
    // the unique index and contend for the engine.
    const result = await this.locks.withLock(
      'recommendations-import',
      () => this.recommendations.upsertAll(rows),
      {
        ttlMs: 120_000,
        waitMs: 120_000,
      },
    );
    await this.audit.record({
      scope: PLATFORM_SCOPE,
      actorId: ctx.userId,
      action: 'recommendations.imported',
      target: { type: 'catalogue', id: 'recommendations' },
      data: { format: upload.format, rows: rows.length, ...result },
    });
    return result;
  }

  async exportFile(format: 'csv' | 'json'): Promise<CatalogueExport> {
    const rows = (await this.recommendations.all()).map(recordToRow);
    const date = new Date().toISOString().slice(0, 10);
    return format === 'csv'
      ? {
          contentType: 'text/csv; charset=utf-8',
          filename: `accord-recommendations-${date}.csv`,
          body: rowsToCsv(rows),
        }
      : {
          contentType: 'application/json; charset=utf-8',
          filename: `accord-recommendations-${date}.json`,
          body: JSON.stringify(rows, null, 2) + '\n',
        };
  }
}
