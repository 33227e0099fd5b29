import { Paragraph, ShadingType, TextRun, type FileChild } from 'docx';
import { ACTION_STATUS_LABELS, type PlanReport, type ReportAction } from '../plan-report';
import { LANDSCAPE_WIDTH, date, heading1, heading2, note, type Context } from './content';
import { COLOURS, STYLE } from './styles';
import { xmlTable, type XmlCell, type XmlRow } from './tables';
import type { Typesetter } from './text';

/**
 * The timeline is a table, not a picture: a row per action, a column per month, quarter or year,
 * cells shaded from the action's start to its end and ◆ in the periods where a milestone is due.
 * Word and LibreOffice lay tables out alike; the header repeats on every page, so 500 actions are
 * 20-odd legible pages rather than one unreadable image or a stack of charts; titles in any
 * script are real text in the embedded fonts (right to left where they should be), searchable
 * and read by screen readers; and there is no picture that needs a PNG fallback drawn.
 */

/** Bar colours by action status: light enough for a dark ◆ to show on them. */
const STATUS_FILLS: Record<string, string> = {
  not_started: 'D9D9D9',
  limited: 'FFD966',
  substantial: '9DC3E6',
  completed: 'A9D18E',
};
const OTHER_FILL = 'BFBFBF';
const MILESTONE = '◆';
const MAX_COLUMNS = 40;
const NUMBER_WIDTH = 520;
const TITLE_WIDTH = 4200;
const HEADER_SIZE = 15;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Months since year 0 of a YYYY-MM-DD date, or null when there is no valid date. */
function monthOf(date: string | null): number | null {
  const match = date ? /^(\d{4})-(\d{2})/.exec(date) : null;
  if (!match) return null;
  const month = Number(match[2]);
  return month >= 1 && month <= 12 ? Number(match[1]) * 12 + month - 1 : null;
}

interface Scale {
  /** First month of the first column. */
  first: number;
  /** Months per column: 1, 3, or a whole number of years. */
  step: number;
  columns: number;
}

/** The finest of months, quarters or years that shows the plan's span in MAX_COLUMNS columns. */
function scaleFor(from: number, to: number): Scale {
  const span = to - from + 1;
  if (span <= 24) return { first: from, step: 1, columns: span };
  const quarterStart = from - (from % 3);
  const quarters = Math.floor((to - quarterStart) / 3) + 1;
  if (quarters <= MAX_COLUMNS) return { first: quarterStart, step: 3, columns: quarters };
  const yearStart = from - (from % 12);
  const years = Math.floor(to / 12) - Math.floor(from / 12) + 1;
  const yearsPerColumn = Math.ceil(years / MAX_COLUMNS);
  return {
    first: yearStart,
    step: 12 * yearsPerColumn,
    columns: Math.ceil(years / yearsPerColumn),
  };
}

/** A column's heading; `narrow` columns (about 12 pt) get two-digit years. */
function periodLabel(scale: Scale, column: number, narrow: boolean): string {
  const month = scale.first + column * scale.step;
  if (scale.step === 1) return MONTHS[month % 12];
  if (scale.step === 3) return `Q${Math.floor((month % 12) / 3) + 1}`;
  const year = Math.floor(month / 12);
  if (narrow) return `’${String(year % 100).padStart(2, '0')}`;
  return scale.step === 12 ? String(year) : `${year}–${year + scale.step / 12 - 1}`;
}

interface Line {
  number: number;
  action: ReportAction;
  /** First and last column of the bar, or null for an action without both dates. */
  bar: [number, number] | null;
  milestones: Set<number>;
}

export function timeline({ t, tables }: Context, report: PlanReport): FileChild[] {
  const out: FileChild[] = [heading1(t, 'Timeline', true)];
  const actions = report.content.actions;
  let first = Infinity;
  let last = -Infinity;
  for (const action of actions) {
    for (const day of [action.startDate, action.endDate, ...action.milestones.map((m) => m.due)]) {
      const month = monthOf(day);
      if (month === null) continue;
      first = Math.min(first, month);
      last = Math.max(last, month);
    }
  }

  if (first > last) {
    out.push(note(t, 'No action or milestone has a date yet.'));
  } else {
    const scale = scaleFor(first, last);
    const column = (month: number) => Math.floor((month - scale.first) / scale.step);
    const lines: Line[] = [];
    actions.forEach((action, i) => {
      const start = monthOf(action.startDate);
      const end = monthOf(action.endDate);
      const milestones = new Set<number>();
      for (const milestone of action.milestones) {
        const due = monthOf(milestone.due);
        if (due !== null) milestones.add(column(due));
      }
      const bar: Line['bar'] =
        start !== null && end !== null
          ? [column(Math.min(start, end)), column(Math.max(start, end))]
          : null;
      if (bar || milestones.size > 0) lines.push({ number: i + 1, action, bar, milestones });
    });
    const unit =
      scale.step === 1
        ? 'month'
        : scale.step === 3
          ? 'quarter'
          : scale.step === 12
            ? 'year'
            : `${scale.step / 12}-year period`;
    out.push(
      new Paragraph({
        keepNext: true,
        children: [
          ...t.runs(
            `Each action's bar runs from its start to its end, by ${unit}, coloured by status; `,
          ),
          t.symbol(MILESTONE),
          ...t.runs(
            ` marks the ${unit} a milestone is due. Numbers are those of the actions table.`,
          ),
        ],
      }),
      legend(t),
      tables.slot(gantt(t, scale, lines)),
    );
  }

  out.push(heading2(t, 'Actions without dates'));
  const undated = actions
    .map((action, i) => ({ action, number: i + 1 }))
    .filter(({ action }) => monthOf(action.startDate) === null || monthOf(action.endDate) === null);
  if (undated.length === 0) out.push(note(t, 'Every action has a start and an end date.'));
  for (const { action, number } of undated) {
    const known =
      monthOf(action.startDate) !== null
        ? `Starts ${date(action.startDate)}, no end date`
        : monthOf(action.endDate) !== null
          ? `No start date, ends ${date(action.endDate)}`
          : 'No start or end date';
    // The title last, so a right-to-left title doesn't reorder the rest of the line.
    out.push(t.paragraph(`${number}. ${known}: ${action.title}`, { spacing: { after: 40 } }));
  }
  return out;
}

function legend(t: Typesetter): Paragraph {
  const children: TextRun[] = [];
  for (const [status, fill] of Object.entries(STATUS_FILLS)) {
    children.push(
      new TextRun({
        text: '\u00a0\u00a0\u00a0\u00a0',
        shading: { type: ShadingType.CLEAR, color: 'auto', fill },
      }),
      ...t.runs(` ${ACTION_STATUS_LABELS[status] ?? status}\u00a0\u00a0\u00a0 `, { size: 18 }),
    );
  }
  children.push(
    t.symbol(MILESTONE, { size: 18, color: COLOURS.heading }),
    ...t.runs(' Milestone due', { size: 18 }),
  );
  return new Paragraph({ keepNext: true, spacing: { after: 160 }, children });
}

function gantt(t: Typesetter, scale: Scale, lines: Line[]): string {
  const periodWidth = Math.floor((LANDSCAPE_WIDTH - NUMBER_WIDTH - TITLE_WIDTH) / scale.columns);
  const widths = [NUMBER_WIDTH, TITLE_WIDTH, ...Array<number>(scale.columns).fill(periodWidth)];
  const byYear = scale.step < 12;
  // Cells break at each year (month and quarter scales) or each column (year scales): the grid
  // keeps its year lines while empty stretches and bars stay single merged cells, which keeps a
  // 500-action table small.
  const breaksBefore = (column: number) =>
    !byYear || (scale.first + column * scale.step) % 12 === 0;

  // Period headings are centred over their columns; No. and Action read from the left.
  const heading = (text: string, options: Partial<XmlCell> = {}, center = true): XmlCell => ({
    fill: COLOURS.headerFill,
    sideMargin: 20,
    vAlign: 'bottom',
    ...options,
    content: t.xmlParagraph(text, {
      style: STYLE.tableHeading,
      bold: true,
      size: HEADER_SIZE,
      center,
    }),
  });

  const rows: XmlRow[] = [];
  const periods = Array.from({ length: scale.columns }, (_, column) =>
    heading(periodLabel(scale, column, periodWidth < 500)),
  );
  if (byYear) {
    const years: XmlCell[] = [];
    for (let column = 0; column < scale.columns;) {
      const year = Math.floor((scale.first + column * scale.step) / 12);
      let span = 1;
      while (column + span < scale.columns && !breaksBefore(column + span)) span++;
      years.push(heading(String(year), { span }));
      column += span;
    }
    rows.push(
      {
        header: true,
        cells: [
          heading('No.', { vMerge: true }, false),
          heading('Action', { vMerge: true }, false),
          ...years,
        ],
      },
      {
        header: true,
        cells: [
          heading('', { vMerge: false }, false),
          heading('', { vMerge: false }, false),
          ...periods,
        ],
      },
    );
  } else {
    rows.push({
      header: true,
      cells: [heading('No.', {}, false), heading('Action', {}, false), ...periods],
    });
  }

  const mark = t.xmlSymbol(MILESTONE, { color: COLOURS.heading });
  const markParagraph = `<w:p><w:pPr><w:pStyle w:val="${STYLE.gantt}"/><w:jc w:val="center"/></w:pPr>${mark}</w:p>`;
  const emptyParagraph = `<w:p><w:pPr><w:pStyle w:val="${STYLE.gantt}"/></w:pPr></w:p>`;
  for (const line of lines) {
    const fill = STATUS_FILLS[line.action.status] ?? OTHER_FILL;
    const inBar = (column: number) =>
      line.bar !== null && column >= line.bar[0] && column <= line.bar[1];
    const cells: XmlCell[] = [
      { content: t.xmlParagraph(String(line.number), { style: STYLE.gantt }) },
      {
        content:
          t.xmlParagraph(line.action.title, { style: STYLE.gantt }) +
          (line.bar
            ? ''
            : t.xmlParagraph('No start or end date', {
                style: STYLE.gantt,
                italics: true,
                color: COLOURS.note,
              })),
      },
    ];
    for (let column = 0; column < scale.columns;) {
      const shaded = inBar(column);
      const milestone = line.milestones.has(column);
      let span = 1;
      if (!milestone) {
        while (
          column + span < scale.columns &&
          !breaksBefore(column + span) &&
          !line.milestones.has(column + span) &&
          inBar(column + span) === shaded
        ) {
          span++;
        }
      }
      cells.push({
        span,
        fill: shaded ? fill : undefined,
        sideMargin: 0,
        vAlign: 'center',
        content: milestone ? markParagraph : emptyParagraph,
      });
      column += span;
    }
    rows.push({ cantSplit: true, cells });
  }
  return xmlTable(widths, rows);
}
