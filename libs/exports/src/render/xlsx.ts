import ExcelJS from 'exceljs';
import {
  ACTION_STATUS_LABELS,
  MILESTONE_STATUS_LABELS,
  organisationName,
  type PlanReport,
} from './plan-report';

type Cell = string | number | Date | null;
interface Column {
  header: string;
  width: number;
}

/**
 * A workbook for donors and monitoring: sheets Actions, Milestones and Indicators, with frozen
 * headers, filters, real dates and numbers. Every text is a shared-string cell in the Text format
 * (never a formula), so a title like `=HYPERLINK(…)` stays text in any spreadsheet.
 */
export async function renderXlsx(report: PlanReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = report.coalition.name;
  workbook.title = report.content.title;
  workbook.subject = 'Action plan';
  workbook.created = new Date(report.generatedAt);
  workbook.modified = new Date(report.generatedAt);
  const { actions } = report.content;

  addSheet(
    workbook,
    'Actions',
    [
      { header: 'Position', width: 9 },
      { header: 'Action ID', width: 22 },
      { header: 'Title', width: 40 },
      { header: 'Description', width: 60 },
      { header: 'Lead organisation', width: 30 },
      { header: 'Supporting organisations', width: 40 },
      { header: 'Start date', width: 12 },
      { header: 'End date', width: 12 },
      { header: 'Status', width: 13 },
      { header: 'Budget', width: 16 },
      { header: 'Milestones', width: 11 },
      { header: 'Indicators', width: 11 },
    ],
    actions.map((a, i) => [
      i + 1,
      a.id,
      a.title,
      a.description,
      organisationName(report, a.leadOrganisationId),
      a.supportingOrganisationIds.map((id) => organisationName(report, id)).join('; '),
      calendarDate(a.startDate),
      calendarDate(a.endDate),
      ACTION_STATUS_LABELS[a.status] ?? a.status,
      a.budget,
      a.milestones.length,
      a.indicators.length,
    ]),
  );
  addSheet(
    workbook,
    'Milestones',
    [
      { header: 'Action position', width: 9 },
      { header: 'Action ID', width: 22 },
      { header: 'Action', width: 40 },
      { header: 'Milestone ID', width: 22 },
      { header: 'Milestone', width: 40 },
      { header: 'Due', width: 12 },
      { header: 'Status', width: 13 },
    ],
    actions.flatMap((a, i) =>
      a.milestones.map((m) => [
        i + 1,
        a.id,
        a.title,
        m.id,
        m.title,
        calendarDate(m.due),
        MILESTONE_STATUS_LABELS[m.status] ?? m.status,
      ]),
    ),
  );
  addSheet(
    workbook,
    'Indicators',
    [
      { header: 'Action position', width: 9 },
      { header: 'Action ID', width: 22 },
      { header: 'Action', width: 40 },
      { header: 'Indicator ID', width: 22 },
      { header: 'Indicator', width: 40 },
      { header: 'Baseline', width: 12 },
      { header: 'Target', width: 12 },
      { header: 'Unit', width: 12 },
    ],
    actions.flatMap((a, i) =>
      a.indicators.map((ind) => [
        i + 1,
        a.id,
        a.title,
        ind.id,
        ind.name,
        ind.baseline,
        ind.target,
        ind.unit,
      ]),
    ),
  );
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function addSheet(
  workbook: ExcelJS.Workbook,
  name: string,
  columns: Column[],
  rows: Cell[][],
): void {
  const sheet = workbook.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: 1 }],
    properties: { defaultRowHeight: 18 },
  });
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) {
    const added = sheet.addRow(row);
    added.eachCell((cell) => {
      // '@' is the Text format: even re-typed in a spreadsheet, the cell stays text.
      if (cell.value instanceof Date) cell.numFmt = 'yyyy-mm-dd';
      else if (typeof cell.value === 'string') cell.numFmt = '@';
    });
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
}

function calendarDate(value: string | null): Date | null {
  return value ? new Date(`${value}T00:00:00Z`) : null;
}
