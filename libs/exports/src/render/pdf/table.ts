import { COLORS, type Flow } from './flow';
import { type TextBlock, type TextStyle } from './text-layout';

export interface Column {
  header: string;
  /** Points; the widths add up to the flow's width. */
  width: number;
}

/** One paragraph in a cell; a cell stacks several (an action's title, then its description). */
export interface CellPart {
  text: string;
  style?: TextStyle;
}

export type Row = CellPart[][];

/** Lines [from, to) of a block: what of a cell is left to draw when a row spans pages. */
interface Segment {
  block: TextBlock;
  from: number;
  to: number;
}

const PAD_X = 4;
const PAD_Y = 3.5;
const PART_GAP = 1.5;
const HEADER_STYLE: TextStyle = { size: 7.5, weight: 'bold', color: COLORS.accent, leading: 1.3 };
export const CELL_STYLE: TextStyle = { size: 8, color: COLORS.text, leading: 1.35 };

/**
 * A table whose cells wrap; the header row is repeated at the top of every page the table
 * reaches, and a row taller than what is left of a page continues on the next one. Rows are laid
 * out one at a time, so a long table does not hold every row's lines at once.
 */
export function drawTable(flow: Flow, columns: Column[], rows: Iterable<Row>): void {
  const { doc, text } = flow;
  const header = columns.map((column) =>
    text.layout(column.header, HEADER_STYLE, column.width - 2 * PAD_X),
  );
  const headerHeight = Math.max(...header.map((block) => block.height)) + 2 * PAD_Y;

  const drawHeader = () => {
    doc.rect(flow.left, flow.y, flow.width, headerHeight).fill(COLORS.accentLight);
    let x = flow.left;
    columns.forEach((column, i) => {
      text.draw(header[i], x + PAD_X, flow.y + PAD_Y, column.width - 2 * PAD_X);
      x += column.width;
    });
    flow.y += headerHeight;
  };

  const rule = () => {
    doc
      .moveTo(flow.left, flow.y)
      .lineTo(flow.left + flow.width, flow.y)
      .lineWidth(0.4)
      .strokeColor(COLORS.rule)
      .stroke();
  };

  const drawRow = (cells: Segment[][], height: number) => {
    let x = flow.left;
    columns.forEach((column, c) => {
      let y = flow.y + PAD_Y;
      for (const segment of cells[c]) {
        y +=
          text.draw(
            segment.block,
            x + PAD_X,
            y,
            column.width - 2 * PAD_X,
            'start',
            segment.from,
            segment.to,
          ) + PART_GAP;
      }
      x += column.width;
    });
    flow.y += height;
    rule();
  };

  // A first row shorter than two lines should not be left alone under a header.
  flow.ensure(headerHeight + 2 * PAD_Y + 2 * 11);
  drawHeader();
  const fullPage = flow.bottom - flow.y;

  for (const row of rows) {
    let cells: Segment[][] = columns.map((column, c) =>
      (row[c] ?? []).map((part) => {
        const block = text.layout(part.text, part.style ?? CELL_STYLE, column.width - 2 * PAD_X);
        return { block, from: 0, to: block.lines.length };
      }),
    );
    const height = rowHeight(cells);
    if (height > flow.remaining) {
      if (height <= fullPage || flow.remaining < 3 * 11 + 2 * PAD_Y) {
        flow.newPage();
        drawHeader();
      }
    }
    // Split the row over pages while it does not fit (only rows taller than a page get here twice).
    while (rowHeight(cells) > flow.remaining) {
      const [now, later] = splitCells(cells, flow.remaining - 2 * PAD_Y);
      drawRow(now, rowHeight(now));
      cells = later;
      flow.newPage();
      drawHeader();
    }
    drawRow(cells, rowHeight(cells));
  }
}

function cellHeight(segments: Segment[]): number {
  let height = 0;
  for (const segment of segments) {
    height += (segment.to - segment.from) * segment.block.lineHeight + PART_GAP;
  }
  return Math.max(0, height - PART_GAP);
}

function rowHeight(cells: Segment[][]): number {
  let height = 0;
  for (const cell of cells) height = Math.max(height, cellHeight(cell));
  return height + 2 * PAD_Y;
}

/** What of each cell fits in `room` points, and what is left for the next page. */
function splitCells(cells: Segment[][], room: number): [Segment[][], Segment[][]] {
  const now: Segment[][] = [];
  const later: Segment[][] = [];
  for (const cell of cells) {
    const taken: Segment[] = [];
    const left: Segment[] = [];
    let used = 0;
    for (const segment of cell) {
      const lines = Math.max(0, Math.floor((room - used + 0.01) / segment.block.lineHeight));
      const take = left.length > 0 ? 0 : Math.min(lines, segment.to - segment.from);
      if (take > 0) taken.push({ ...segment, to: segment.from + take });
      if (segment.from + take < segment.to) left.push({ ...segment, from: segment.from + take });
      used += take * segment.block.lineHeight + PART_GAP;
    }
    now.push(taken);
    later.push(left);
  }
  return [now, later];
}

/** Column widths from relative weights, summing to `total`. */
export function columnWidths(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((weight) => (total * weight) / sum);
}
