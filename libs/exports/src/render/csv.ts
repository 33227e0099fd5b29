import { neutraliseFormula, writeCsv } from '@accord/core';
import {
  ACTION_STATUS_LABELS,
  MILESTONE_STATUS_LABELS,
  organisationName,
  type PlanReport,
  type ReportAction,
} from './plan-report';

/** The CSV's columns: one row per action, in the plan's order. */
export const CSV_COLUMNS = [
  'Position',
  'Action ID',
  'Title',
  'Description',
  'Lead organisation',
  'Supporting organisations',
  'Start date',
  'End date',
  'Status',
  'Budget',
  'Milestones',
  'Indicators',
] as const;

/**
 * One row per action (RFC 4180, UTF-8 with a byte-order mark so spreadsheets read Arabic and
 * Chinese right). Every cell a spreadsheet would run as a formula starts with an apostrophe.
 * Milestones and indicators are summarised in one cell each; the XLSX export has them as sheets.
 */
export function renderCsv(report: PlanReport): string {
  const rows: string[][] = [[...CSV_COLUMNS]];
  report.content.actions.forEach((action, index) => rows.push(actionRow(report, action, index)));
  return '\uFEFF' + writeCsv(rows.map((row) => row.map(neutraliseFormula)));
}

function actionRow(report: PlanReport, action: ReportAction, index: number): string[] {
  return [
    String(index + 1),
    action.id,
    action.title,
    action.description,
    organisationName(report, action.leadOrganisationId),
    action.supportingOrganisationIds.map((id) => organisationName(report, id)).join('; '),
    action.startDate ?? '',
    action.endDate ?? '',
    ACTION_STATUS_LABELS[action.status] ?? action.status,
    action.budget ?? '',
    action.milestones
      .map(
        (m) =>
          `${m.title} (${m.due ?? 'no due date'}, ${MILESTONE_STATUS_LABELS[m.status] ?? m.status})`,
      )
      .join('; '),
    action.indicators
      .map(
        (i) => `${i.name}: ${i.baseline ?? '—'} → ${i.target ?? '—'}${i.unit ? ` ${i.unit}` : ''}`,
      )
      .join('; '),
  ];
}
