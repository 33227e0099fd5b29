/**
 * Everything an export shows, resolved on the API's event loop (database reads, authorization)
 * and handed to a render worker as plain data: renderers never read the database, so a worker
 * can lay a plan out while live rooms keep answering.
 *
 * This file is shared by every renderer and by the worker: it imports nothing but types.
 */
import type { ActionProjection, PlanContent } from '@accord/action-plans';

export const STAKEHOLDER_LABELS: Record<string, string> = {
  state: 'State',
  ngo: 'NGO',
  business: 'Business',
  union: 'Trade union',
  academia: 'Academia',
  intergovernmental: 'Intergovernmental',
  nhri: 'National human rights institution',
  other: 'Other',
};

export const ACTION_STATUS_LABELS: Record<string, string> = {
  not_started: 'Not started',
  limited: 'Limited',
  substantial: 'Substantial',
  completed: 'Completed',
};

export const MILESTONE_STATUS_LABELS: Record<string, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  completed: 'Completed',
};

export const PLAN_STATUS_LABELS: Record<string, string> = {
  draft: 'Draft',
  in_review: 'In review',
  endorsed: 'Endorsed',
  published: 'Published',
};

export interface ReportOrganisation {
  id: string;
  name: string;
  stakeholderType: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

export interface ReportRecommendation {
  id: string;
  /** e.g. WP1515-49; null when the recommendation no longer exists in the catalogue. */
  code: string | null;
  text: string;
  theme: string | null;
  source: { document: string; paragraph: string } | null;
  sdgTargets: string[];
}

/** The plan's content exactly as its JSON projection (the same shape as REST reads). */
export type ReportContent = PlanContent;
export type ReportAction = ActionProjection;

export interface ReportEndorsement {
  organisationId: string;
  organisationName: string;
  versionId: string;
  versionNumber: number | null;
  versionName: string | null;
  /** ISO 8601. */
  endorsedAt: string;
  /** The plan's content has changed since the endorsed version. */
  stale: boolean;
}

export interface PlanReport {
  /** ISO 8601: when the export was made. */
  generatedAt: string;
  plan: {
    id: string;
    status: string;
    createdAt: string;
    editedAt: string | null;
    /** The plan's change number (its document's stored updates): it only grows. */
    seq: number;
  };
  coalition: { id: string; name: string; purpose: string };
  /** The named version exported, or null for the plan as it is now. */
  version: { id: string; number: number; name: string; createdAt: string } | null;
  content: ReportContent;
  /** content.recommendationIds resolved, in the same order. */
  recommendations: ReportRecommendation[];
  /**
   * Every organisation the export names, by id: the coalition's member organisations and any
   * organisation an action or endorsement names (an organisation that left stays named).
   */
  organisations: Record<string, ReportOrganisation>;
  /** Ids of the coalition's member organisations (people are never listed, only organisations). */
  memberOrganisationIds: string[];
  /** Member organisations by stakeholder type (every type, 0 when none). */
  stakeholderMix: Record<string, number>;
  endorsements: ReportEndorsement[];
}

/** The organisation's name, or a placeholder naming the id when it is unknown. */
export function organisationName(report: PlanReport, id: string | null): string {
  if (!id) return '';
  return report.organisations[id]?.name ?? `Unknown organisation (${id})`;
}

/** "27 November 2026" for a calendar date or an ISO timestamp (UTC). */
export function formatDate(value: string | null): string {
  if (!value) return '';
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** The cover's version line: "Version 3 “Ministry draft”, 27 November 2026" or the live plan's. */
export function versionLine(report: PlanReport): string {
  if (report.version) {
    return `Version ${report.version.number} “${report.version.name}”, ${formatDate(report.version.createdAt)}`;
  }
  return `Current text, ${formatDate(report.plan.editedAt ?? report.plan.createdAt)}`;
}

/**
 * Control characters (other than tab and line breaks), U+FFFE / U+FFFF and lone surrogates can
 * be typed into a plan but are not text: XML 1.0 (DOCX, XLSX) and iCalendar forbid them, and
 * they draw nothing. They are dropped (a lone surrogate becomes U+FFFD) before any renderer runs.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it removes
const NOT_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|\p{Cs}/gu;

export function cleanText(text: string): string {
  return text.replace(NOT_TEXT, (c) => (c.length === 1 && /\p{Cs}/u.test(c) ? '\uFFFD' : ''));
}

/** The report with every string cleaned by `cleanText`. */
export function cleanReport<T>(value: T): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => cleanReport(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, cleanReport(item as unknown)]),
    ) as T;
  }
  return value;
}
