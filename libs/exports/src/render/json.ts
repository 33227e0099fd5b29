import type {
  PlanReport,
  ReportAction,
  ReportEndorsement,
  ReportOrganisation,
  ReportRecommendation,
} from './plan-report';

/**
 * The JSON export: a documented, versioned format (libs/exports/schema/
 * action-plan-export.schema.json). `content` is the plan exactly as REST reads it, except that
 * recommendations are given in full (with their codes) so another coalition, or another Accord,
 * can link its own copies; `organisations` names every organisation the plan refers to. The
 * import reads `content` and `organisations`; the rest records where the plan came from.
 */
export const PLAN_EXPORT_SCHEMA_VERSION = 1;
export const PLAN_EXPORT_SCHEMA_ID = 'urn:accord:schema:action-plan-export:1';

export interface PlanExportContent {
  title: string;
  problem: string;
  baseline: string;
  objective: string;
  recommendations: ReportRecommendation[];
  sdgTargets: string[];
  actions: ReportAction[];
}

export interface PlanExportDocument {
  $schema: string;
  schemaVersion: number;
  exportedAt: string;
  source: {
    plan: PlanReport['plan'];
    coalition: PlanReport['coalition'];
    version: PlanReport['version'];
  };
  content: PlanExportContent;
  organisations: ReportOrganisation[];
  memberOrganisationIds: string[];
  stakeholderMix: Record<string, number>;
  endorsements: ReportEndorsement[];
}

export function toPlanExportDocument(report: PlanReport): PlanExportDocument {
  const { recommendationIds: _ids, ...content } = report.content;
  return {
    $schema: PLAN_EXPORT_SCHEMA_ID,
    schemaVersion: PLAN_EXPORT_SCHEMA_VERSION,
    exportedAt: report.generatedAt,
    source: { plan: report.plan, coalition: report.coalition, version: report.version },
    content: { ...content, recommendations: report.recommendations },
    organisations: Object.values(report.organisations).sort((a, b) => a.id.localeCompare(b.id)),
    memberOrganisationIds: report.memberOrganisationIds,
    stakeholderMix: report.stakeholderMix,
    endorsements: report.endorsements,
  };
}

export function renderJson(report: PlanReport): string {
  return JSON.stringify(toPlanExportDocument(report), null, 2) + '\n';
}
