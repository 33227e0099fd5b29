import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ACCORD_LOGGER, AccordConfig, type AccordLogger } from '@accord/core';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogueFileError, type CatalogueRow, validateRows } from './recommendation-io';
import { RecommendationsRepository } from './recommendations.repository';

/** The shape of a shipped catalogue file (data/recommendations/*.json). */
interface CatalogueFile {
  document: string;
  recommendations: {
    code: string;
    paragraph: string;
    theme: string;
    text: string;
    source: { document: string; paragraph: string };
    sdgTargets?: string[];
    tags?: string[];
    recommendingState?: string;
    mechanism?: string;
    response?: string;
  }[];
}

/**
 * Loads the shipped catalogues at start. Idempotent: a recommendation already stored (by code)
 * is left as it is, so edits made through import survive restarts.
 */
@Injectable()
export class CatalogueLoader implements OnApplicationBootstrap {
  constructor(
    @Inject(AccordConfig) private readonly config: AccordConfig,
    @Inject(RecommendationsRepository) private readonly recommendations: RecommendationsRepository,
    @Inject(ACCORD_LOGGER) private readonly logger: AccordLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const dir = this.config.recommendationsDir;
    if (!dir || !existsSync(dir)) return;
    await this.recommendations.ensureIndexes();
    for (const name of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const file = join(dir, name);
      const inserted = await this.recommendations.insertMissing(readCatalogue(file));
      if (inserted > 0)
        this.logger.info({ file, inserted }, `Loaded ${inserted} recommendations from ${name}`);
    }
  }
}

export function readCatalogue(file: string): ReturnType<typeof validateRows> {
  const content = JSON.parse(readFileSync(file, 'utf8')) as CatalogueFile;
  const rows = content.recommendations.map((r, i) => ({
    rowNumber: i + 1,
    row: {
      code: r.code,
      text: r.text,
      theme: r.theme,
      source_document: r.source?.document ?? content.document,
      source_paragraph: r.source?.paragraph ?? r.paragraph,
      sdg_targets: r.sdgTargets ?? [],
      tags: r.tags ?? [],
      recommending_state: r.recommendingState ?? '',
      mechanism: r.mechanism ?? '',
      response: r.response ?? '',
    } satisfies CatalogueRow,
  }));
  try {
    return validateRows({ rows, problems: [] });
  } catch (error) {
    if (error instanceof CatalogueFileError) {
      const detail = error.problems
        .map((p) => `entry ${p.row} ${p.field}: ${p.message}`)
        .join('; ');
      throw new Error(`The catalogue ${file} is not valid: ${detail}`, { cause: error });
    }
    throw error;
  }
}
