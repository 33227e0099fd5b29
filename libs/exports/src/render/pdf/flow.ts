import { type Align, type TextBlock, type TextEngine, type TextStyle } from './text-layout';

/** A4 portrait in points, and the margins every page keeps (the footer sits below `bottom`). */
export const PAGE = {
  width: 595.28,
  height: 841.89,
  left: 50,
  right: 50,
  top: 54,
  bottom: 62,
} as const;

export const COLORS = {
  text: '#1f2933',
  muted: '#5f6b7a',
  accent: '#1d4e89',
  accentLight: '#e6eef7',
  rule: '#c9d2dc',
  faint: '#eef1f4',
  warning: '#a33a12',
  warningLight: '#fbe9e1',
} as const;

export const STYLES = {
  body: { size: 9.5, color: COLORS.text },
  small: { size: 8, color: COLORS.muted },
  label: { size: 8, weight: 'bold', color: COLORS.muted },
  h1: { size: 15, weight: 'bold', color: COLORS.accent, leading: 1.3 },
  h2: { size: 10.5, weight: 'bold', color: COLORS.text, leading: 1.35 },
} satisfies Record<string, TextStyle>;

/**
 * The page cursor: blocks are placed top-down and a new page starts when the next one does not
 * fit. Text that does not fit is split between lines, never inside one.
 */
export class Flow {
  y: number = PAGE.top;

  constructor(
    readonly doc: PDFKit.PDFDocument,
    readonly text: TextEngine,
  ) {}

  readonly left = PAGE.left;
  readonly width = PAGE.width - PAGE.left - PAGE.right;
  readonly bottom = PAGE.height - PAGE.bottom;

  get remaining(): number {
    return this.bottom - this.y;
  }

  newPage(): void {
    this.doc.addPage();
    this.y = PAGE.top;
  }

  /** Starts a new page unless `height` fits below the cursor (or the page is still empty). */
  ensure(height: number): void {
    if (this.y + height > this.bottom && this.y > PAGE.top) this.newPage();
  }

  gap(height: number): void {
    this.y = Math.min(this.y + height, this.bottom);
  }

  /** A section heading, kept on a page with room for `keep` points of what follows it. */
  heading(title: string, keep = 60): void {
    const block = this.text.layout(title, STYLES.h1, this.width);
    if (this.y > PAGE.top) this.gap(14);
    this.ensure(block.height + 8 + keep);
    this.y += this.text.draw(block, this.left, this.y, this.width);
    this.doc
      .moveTo(this.left, this.y + 2)
      .lineTo(this.left + this.width, this.y + 2)
      .lineWidth(0.8)
      .strokeColor(COLORS.accent)
      .stroke();
    this.y += 8;
  }

  subheading(title: string, keep = 30): void {
    const block = this.text.layout(title, STYLES.h2, this.width);
    this.ensure(block.height + keep);
    this.y += this.text.draw(block, this.left, this.y, this.width) + 2;
  }

  /** A paragraph across the content width (or an indented part of it), split across pages. */
  paragraph(
    text: string,
    style: TextStyle = STYLES.body,
    options: { indent?: number; width?: number; align?: Align; after?: number } = {},
  ): void {
    const indent = options.indent ?? 0;
    const width = options.width ?? this.width - indent;
    this.block(this.text.layout(text, style, width), this.left + indent, width, options.align);
    this.y += options.after ?? 4;
  }

  /** Draws a laid-out block at the cursor, continuing on new pages when it runs out of room. */
  block(block: TextBlock, x: number, width: number, align?: Align): void {
    let from = 0;
    while (from < block.lines.length) {
      let fit = Math.floor((this.remaining + 0.01) / block.lineHeight);
      if (fit <= 0) {
        this.newPage();
        fit = Math.max(1, Math.floor(this.remaining / block.lineHeight));
      }
      const to = Math.min(block.lines.length, from + fit);
      this.y += this.text.draw(block, x, this.y, width, align, from, to);
      from = to;
    }
  }
}
