import { ACTION_STATUS_LABELS, type ReportAction } from '../plan-report';
import { COLORS, type Flow } from './flow';
import { type TextStyle } from './text-layout';

/**
 * The Gantt picture: one row per action, a bar from its start to its end date, a diamond at each
 * milestone's due date, under a time axis in months, quarters or years depending on the span. Rows
 * have a fixed height and the axis is repeated on every page, so 500 actions stay legible (about
 * 50 rows a page); undated actions keep their row, marked "Not scheduled".
 */

export const STATUS_COLORS: Record<string, string> = {
  not_started: '#9aa5b1',
  limited: '#d69e2e',
  substantial: '#3b82c4',
  completed: '#2f855a',
};

const ROW = 13;
const NUMBER_WIDTH = 20;
const LABEL_WIDTH = 150;
const AXIS_HEIGHT = 26;
const BAR_HEIGHT = 6;
const DIAMOND = 3.4;
const LABEL_STYLE: TextStyle = { size: 7, color: COLORS.text, leading: 1.3 };
const AXIS_STYLE: TextStyle = { size: 6.5, color: COLORS.muted, leading: 1.2 };
const YEAR_STYLE: TextStyle = { size: 7, weight: 'bold', color: COLORS.text, leading: 1.2 };
const MONTHS = ['J', 'F', 'M', 'A', 'M', 'J', 'J', 'A', 'S', 'O', 'N', 'D'];
const MONTH_NAMES = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

type Unit = 'month' | 'quarter' | 'year';

interface Row {
  number: number;
  title: string;
  start: number | null;
  end: number | null;
  status: string;
  milestones: { due: number; done: boolean }[];
}

/** Days since the epoch (UTC) of a YYYY-MM-DD date, or null. */
function day(value: string | null): number | null {
  if (!value) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return null;
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(time) ? null : time / 86_400_000;
}

/** Months since year 0, for axis arithmetic. */
function monthIndex(days: number): number {
  const date = new Date(days * 86_400_000);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

function monthStart(index: number): number {
  return Date.UTC(Math.floor(index / 12), index % 12, 1) / 86_400_000;
}

export function drawTimeline(flow: Flow, actions: ReportAction[]): void {
  const { doc, text } = flow;
  const rows: Row[] = actions.map((action, i) => ({
    number: i + 1,
    title: action.title,
    start: day(action.startDate),
    end: day(action.endDate),
    status: action.status,
    milestones: action.milestones.flatMap((milestone) => {
      const due = day(milestone.due);
      return due === null ? [] : [{ due, done: milestone.status === 'completed' }];
    }),
  }));

  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    for (const value of [row.start, row.end, ...row.milestones.map((m) => m.due)]) {
      if (value === null) continue;
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
  }
  const unscheduled = rows.filter((row) => row.start === null && row.end === null).length;
  if (rows.length === 0) {
    flow.paragraph('No actions yet, so there is no timeline.');
    return;
  }
  if (!Number.isFinite(min)) {
    flow.paragraph(
      'No action or milestone has a date yet, so there is no timeline: every action is not scheduled.',
    );
    return;
  }

  // Axis: months for up to two years, quarters up to eight, years beyond; quarter and year axes
  // start and end on whole years so the year tier reads cleanly.
  const firstMonth = monthIndex(min);
  const lastMonth = monthIndex(max);
  const span = lastMonth - firstMonth + 1;
  const unit: Unit = span <= 24 ? 'month' : span <= 96 ? 'quarter' : 'year';
  const axisFirst = unit === 'month' ? firstMonth : Math.floor(firstMonth / 12) * 12;
  const axisEnd = unit === 'month' ? lastMonth + 1 : (Math.floor(lastMonth / 12) + 1) * 12;
  const t0 = monthStart(axisFirst);
  const t1 = monthStart(axisEnd);

  const chartX = flow.left + NUMBER_WIDTH + LABEL_WIDTH + 6;
  const chartWidth = flow.left + flow.width - chartX;
  const xOf = (days: number) => chartX + ((days - t0) / (t1 - t0)) * chartWidth;

  const intro =
    'Bars run from each action’s start date to its end date, coloured by status; diamonds mark milestones at their due dates.' +
    (unscheduled > 0
      ? ` ${unscheduled} ${unscheduled === 1 ? 'action has' : 'actions have'} no start or end date and ${unscheduled === 1 ? 'is' : 'are'} shown as “Not scheduled”.`
      : '');
  flow.paragraph(intro, { size: 8.5, color: COLORS.muted });
  drawLegend(flow);

  const drawAxis = () => {
    const top = flow.y;
    const years: number[] = [];
    for (let m = Math.ceil(axisFirst / 12) * 12; m <= axisEnd; m += 12) years.push(m);
    // Year tier: each year's label centred over its part of the axis.
    const yearTop = unit === 'year' ? top + 8 : top;
    const yearStep = Math.max(1, Math.ceil(28 / ((12 * chartWidth) / (axisEnd - axisFirst))));
    let yearNumber = 0;
    for (let m = Math.floor(axisFirst / 12) * 12; m < axisEnd; m += 12, yearNumber++) {
      if (unit === 'year' && yearNumber % yearStep !== 0) continue;
      const from = xOf(monthStart(Math.max(m, axisFirst)));
      const to = xOf(monthStart(Math.min(m + 12 * (unit === 'year' ? yearStep : 1), axisEnd)));
      const label = text.layout(String(Math.floor(m / 12)), YEAR_STYLE, 200);
      if (label.width < to - from) text.draw(label, from, yearTop, to - from, 'center');
    }
    if (unit !== 'year') {
      const step = unit === 'month' ? 1 : 3;
      const cell = (step * chartWidth) / (axisEnd - axisFirst);
      for (let m = axisFirst; m < axisEnd; m += step) {
        const name =
          unit === 'quarter'
            ? `Q${Math.floor((m % 12) / 3) + 1}`
            : cell >= 16
              ? MONTH_NAMES[m % 12]
              : MONTHS[m % 12];
        const label = text.layout(name, AXIS_STYLE, 100);
        if (label.width < cell) text.draw(label, xOf(monthStart(m)), top + 12, cell, 'center');
      }
    }
    doc
      .moveTo(chartX, top + AXIS_HEIGHT - 2)
      .lineTo(chartX + chartWidth, top + AXIS_HEIGHT - 2)
      .lineWidth(0.6)
      .strokeColor(COLORS.muted)
      .stroke();
    flow.y = top + AXIS_HEIGHT;
  };

  const drawGrid = (top: number, height: number) => {
    const step = unit === 'month' ? 1 : unit === 'quarter' ? 3 : 12;
    for (let m = axisFirst; m <= axisEnd; m += step) {
      const x = xOf(monthStart(m));
      const major = m % 12 === 0;
      doc
        .moveTo(x, top - (major ? AXIS_HEIGHT - 2 : 0))
        .lineTo(x, top + height)
        .lineWidth(major ? 0.6 : 0.3)
        .strokeColor(major ? COLORS.rule : COLORS.faint)
        .stroke();
    }
  };

  let index = 0;
  while (index < rows.length) {
    const room = flow.bottom - flow.y - AXIS_HEIGHT;
    if (room < ROW * 4) {
      flow.newPage();
      continue;
    }
    drawAxis();
    const count = Math.min(rows.length - index, Math.floor(room / ROW));
    const top = flow.y;
    // Banding every other row keeps a label and its bar together by eye.
    for (let r = 0; r < count; r += 2) {
      doc.rect(flow.left, top + r * ROW, flow.width, ROW).fill(COLORS.faint);
    }
    drawGrid(top, count * ROW);
    for (let r = 0; r < count; r++) drawRow(flow, rows[index + r], top + r * ROW, chartX, xOf);
    flow.y = top + count * ROW + 4;
    index += count;
    if (index < rows.length) flow.newPage();
  }
}

function drawRow(
  flow: Flow,
  row: Row,
  top: number,
  chartX: number,
  xOf: (days: number) => number,
): void {
  const { doc, text } = flow;
  const number = text.layout(String(row.number), { ...LABEL_STYLE, color: COLORS.muted }, 100);
  text.draw(number, flow.left, top, NUMBER_WIDTH - 4, 'right');
  const label = text.singleLine(row.title, LABEL_STYLE, LABEL_WIDTH);
  text.draw(label, flow.left + NUMBER_WIDTH, top, LABEL_WIDTH);

  const middle = top + ROW / 2;
  const color = STATUS_COLORS[row.status] ?? COLORS.muted;
  const right = flow.left + flow.width;
  const noteStyle: TextStyle = { size: 6.5, color: COLORS.muted, leading: 1.3 };
  // A note goes at the first of its places that no milestone diamond covers (else the first).
  const note = (words: string, places: number[]) => {
    const block = text.layout(words, noteStyle, 120);
    const clear = (x: number) =>
      x >= chartX &&
      x + block.width <= right &&
      row.milestones.every((m) => {
        const at = xOf(m.due + 0.5);
        return at < x - DIAMOND - 1 || at > x + block.width + DIAMOND + 1;
      });
    const candidates = places.map((place) => (place < 0 ? -place - block.width : place));
    const x = candidates.find(clear) ?? candidates[0];
    text.draw(block, x, top + 1, block.width + 1, 'left');
  };
  if (row.start !== null && row.end !== null) {
    const from = xOf(Math.min(row.start, row.end));
    const to = xOf(Math.max(row.start, row.end) + 1);
    doc.rect(from, middle - BAR_HEIGHT / 2, Math.max(1.5, to - from), BAR_HEIGHT).fill(color);
  } else if (row.start !== null || row.end !== null) {
    // One date only: a tick at it, and words for the missing one (a negative place is a right
    // edge: the note ends there).
    const at = xOf((row.start ?? row.end) as number);
    doc.rect(at - 1, middle - BAR_HEIGHT / 2 - 1, 2, BAR_HEIGHT + 2).fill(color);
    note(row.start !== null ? 'no end date' : 'no start date', [at + 4, -(at - 4), chartX + 4]);
  } else {
    note('Not scheduled', [chartX + 4, -(right - 4)]);
  }
  for (const milestone of row.milestones) {
    const x = xOf(milestone.due + 0.5);
    diamond(doc, x, middle)
      .lineWidth(0.5)
      .fillAndStroke(milestone.done ? STATUS_COLORS.completed : COLORS.text, '#ffffff');
  }
}

function drawLegend(flow: Flow): void {
  const { doc, text } = flow;
  const style: TextStyle = { size: 7.5, color: COLORS.text, leading: 1.3 };
  let x = flow.left;
  const top = flow.y;
  const middle = top + 5;
  for (const [status, label] of Object.entries(ACTION_STATUS_LABELS)) {
    doc.rect(x, middle - 3, 14, 6).fill(STATUS_COLORS[status] ?? COLORS.muted);
    const block = text.layout(label, style, 200);
    text.draw(block, x + 18, top, block.width + 1, 'left');
    x += 18 + block.width + 14;
  }
  diamond(doc, x + 4, middle).fill(COLORS.text);
  const milestone = text.layout('Milestone', style, 200);
  text.draw(milestone, x + 12, top, milestone.width + 1, 'left');
  x += 12 + milestone.width + 14;
  diamond(doc, x + 4, middle).fill(STATUS_COLORS.completed);
  const done = text.layout('Milestone completed', style, 200);
  text.draw(done, x + 12, top, done.width + 1, 'left');
  flow.y = top + 16;
}

/** A milestone's mark: a diamond centred on (x, y), ready to be filled. */
function diamond(doc: PDFKit.PDFDocument, x: number, y: number): PDFKit.PDFDocument {
  return doc.polygon([x, y - DIAMOND], [x + DIAMOND, y], [x, y + DIAMOND], [x - DIAMOND, y]);
}
