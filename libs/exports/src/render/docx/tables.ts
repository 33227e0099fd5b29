import { randomUUID } from 'node:crypto';
import { Paragraph, TextRun } from 'docx';
import { COLOURS, STYLE } from './styles';
import type { Typesetter } from './text';

/**
 * The tables are written as WordprocessingML text rather than docx objects: a 500-action plan has
 * some 150,000 table elements, which docx's object model takes seconds to build and serialise,
 * while string building takes tens of milliseconds. docx lays out the rest (headings, text, the
 * chart, sections, fonts) with a placeholder paragraph where each table goes, and the packed
 * document.xml gets the tables put in their places (see package.ts).
 */
export class TableSlots {
  /** Unique per document, so no text of the plan can be taken for a placeholder. */
  private readonly nonce = randomUUID();
  private readonly tables: string[] = [];

  /** A placeholder paragraph that the table's XML replaces. */
  slot(tableXml: string): Paragraph {
    this.tables.push(tableXml);
    return new Paragraph({ children: [new TextRun(this.marker(this.tables.length - 1))] });
  }

  /** document.xml with each placeholder paragraph replaced by its table. */
  fill(documentXml: string): string {
    let filled = 0;
    const pattern = new RegExp(
      `<w:p><w:r><w:t(?: xml:space="preserve")?>${this.marker('(\\d+)')}</w:t></w:r></w:p>`,
      'g',
    );
    const xml = documentXml.replace(pattern, (_match, index: string) => {
      filled++;
      return this.tables[Number(index)];
    });
    if (filled !== this.tables.length) {
      throw new Error(`Placed ${filled} of ${this.tables.length} tables in document.xml`);
    }
    return xml;
  }

  private marker(index: string | number): string {
    return `accord-table-${this.nonce}-${index}`;
  }
}

export interface XmlCell {
  /** Paragraphs as WordprocessingML. */
  content: string;
  span?: number;
  fill?: string;
  /** Left and right margins in twips, instead of the table style's. */
  sideMargin?: number;
  vAlign?: 'center' | 'bottom';
  /** Starts (true) or continues (false) a vertical merge. */
  vMerge?: boolean;
}

export interface XmlRow {
  cells: XmlCell[];
  header?: boolean;
  cantSplit?: boolean;
}

/**
 * A fixed-layout table filling the given column widths (twips), in the Accord table style. Word
 * lays fixed tables out without measuring their text, which keeps long plans quick to open.
 */
export function xmlTable(widths: number[], rows: XmlRow[]): string {
  const total = widths.reduce((a, b) => a + b, 0);
  let xml =
    `<w:tbl><w:tblPr><w:tblStyle w:val="${STYLE.table}"/><w:tblW w:w="${total}" w:type="dxa"/>` +
    '<w:tblLayout w:type="fixed"/>' +
    '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>' +
    '</w:tblPr><w:tblGrid>' +
    widths.map((w) => `<w:gridCol w:w="${w}"/>`).join('') +
    '</w:tblGrid>';
  for (const row of rows) {
    const properties =
      (row.cantSplit || row.header ? '<w:cantSplit/>' : '') + (row.header ? '<w:tblHeader/>' : '');
    xml += `<w:tr>${properties ? `<w:trPr>${properties}</w:trPr>` : ''}`;
    let column = 0;
    for (const cell of row.cells) {
      const span = cell.span ?? 1;
      let width = 0;
      for (let i = column; i < column + span; i++) width += widths[i] ?? 0;
      column += span;
      xml +=
        `<w:tc><w:tcPr><w:tcW w:w="${width}" w:type="dxa"/>` +
        (span > 1 ? `<w:gridSpan w:val="${span}"/>` : '') +
        (cell.vMerge === undefined
          ? ''
          : cell.vMerge
            ? '<w:vMerge w:val="restart"/>'
            : '<w:vMerge/>') +
        (cell.fill ? `<w:shd w:val="clear" w:color="auto" w:fill="${cell.fill}"/>` : '') +
        (cell.sideMargin === undefined
          ? ''
          : `<w:tcMar><w:left w:w="${cell.sideMargin}" w:type="dxa"/><w:right w:w="${cell.sideMargin}" w:type="dxa"/></w:tcMar>`) +
        (cell.vAlign ? `<w:vAlign w:val="${cell.vAlign}"/>` : '') +
        // A cell must hold at least one paragraph.
        `</w:tcPr>${cell.content || '<w:p/>'}</w:tc>`;
    }
    xml += '</w:tr>';
  }
  return xml + '</w:tbl>';
}

/** A header row, repeated at the top of each page the table runs onto. */
export function xmlHeaderRow(t: Typesetter, headings: string[]): XmlRow {
  return {
    header: true,
    cells: headings.map((heading) => ({
      fill: COLOURS.headerFill,
      content: t.xmlParagraph(heading, { style: STYLE.tableHeading, bold: true }),
    })),
  };
}

/** A cell of table text, one paragraph per line, or a dash when empty. */
export function xmlTextCell(t: Typesetter, text: string, bold = false): XmlCell {
  return {
    content: t.xmlParagraphs(text || '—', { style: STYLE.tableText, bold: bold || undefined }),
  };
}
