import { ImportedXmlComponent, LineRuleType, type IStylesOptions } from 'docx';
import { RUN_FONTS } from './text';

/** Colours of the document: a dark blue for headings, greys for rules and notes. */
export const COLOURS = {
  heading: '1F3864',
  accent: '2E74B5',
  headerFill: '1F3864',
  groupFill: 'DEEAF6',
  rule: 'A6A6A6',
  note: '595959',
  warning: 'C00000',
  warningFill: 'FCE4D6',
} as const;

/** Style ids the builders refer to. */
export const STYLE = {
  table: 'AccordTable',
  tableText: 'TableText',
  tableHeading: 'TableHeading',
  milestone: 'MilestoneText',
  gantt: 'GanttText',
  coverLine: 'CoverLine',
  note: 'Note',
  quote: 'RecommendationText',
  footer: 'Footer',
} as const;

/** Body text size in half-points (10.5 pt), table text 8.5 pt. */
const BODY_SIZE = 21;
export const TABLE_SIZE = 17;

/**
 * A table style of its own (docx has no API for table styles): thin grey grid and cell margins,
 * and a shaded first row. Header cells also carry their shading and bold directly, since not
 * every reader applies conditional table formatting.
 */
const TABLE_STYLE_XML =
  `<w:style xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:type="table" w:styleId="${STYLE.table}">` +
  '<w:name w:val="Accord Table"/><w:uiPriority w:val="59"/><w:qFormat/>' +
  '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>' +
  `<w:rPr><w:sz w:val="${TABLE_SIZE}"/><w:szCs w:val="${TABLE_SIZE}"/></w:rPr>` +
  '<w:tblPr><w:tblBorders>' +
  ['top', 'left', 'bottom', 'right', 'insideH', 'insideV']
    .map((side) => `<w:${side} w:val="single" w:sz="4" w:space="0" w:color="${COLOURS.rule}"/>`)
    .join('') +
  '</w:tblBorders><w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="80" w:type="dxa"/>' +
  '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr>' +
  '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/><w:color w:val="FFFFFF"/></w:rPr>' +
  `<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="${COLOURS.headerFill}"/></w:tcPr></w:tblStylePr>` +
  '</w:style>';

export function documentStyles(): IStylesOptions {
  return {
    default: {
      document: {
        run: { font: RUN_FONTS, size: BODY_SIZE, language: { value: 'en-GB' } },
        paragraph: { spacing: { after: 120, line: 264, lineRule: LineRuleType.AUTO } },
      },
      title: {
        run: { size: 52, bold: true, color: COLOURS.heading },
        paragraph: { spacing: { before: 2400, after: 360 } },
      },
      heading1: {
        run: { size: 32, bold: true, color: COLOURS.heading },
        paragraph: { spacing: { before: 360, after: 160 }, keepNext: true, outlineLevel: 0 },
      },
      heading2: {
        run: { size: 25, bold: true, color: COLOURS.accent },
        paragraph: { spacing: { before: 240, after: 100 }, keepNext: true, outlineLevel: 1 },
      },
    },
    paragraphStyles: [
      {
        id: STYLE.tableText,
        name: 'Table Text',
        basedOn: 'Normal',
        quickFormat: true,
        run: { size: TABLE_SIZE },
        paragraph: { spacing: { before: 0, after: 0, line: 240, lineRule: LineRuleType.AUTO } },
      },
      {
        id: STYLE.tableHeading,
        name: 'Table Heading',
        basedOn: STYLE.tableText,
        quickFormat: true,
        run: { bold: true, color: 'FFFFFF' },
        paragraph: { keepNext: true },
      },
      {
        id: STYLE.milestone,
        name: 'Milestone Text',
        basedOn: STYLE.tableText,
        quickFormat: true,
        run: { color: COLOURS.note },
      },
      {
        id: STYLE.gantt,
        name: 'Timeline Text',
        basedOn: STYLE.tableText,
        quickFormat: true,
        run: { size: 15 },
      },
      {
        id: STYLE.coverLine,
        name: 'Cover Line',
        basedOn: 'Normal',
        quickFormat: true,
        run: { size: 26, color: COLOURS.note },
        paragraph: { spacing: { after: 160 } },
      },
      {
        id: STYLE.note,
        name: 'Note',
        basedOn: 'Normal',
        quickFormat: true,
        run: { italics: true, color: COLOURS.note },
      },
      {
        id: STYLE.quote,
        name: 'Recommendation Text',
        basedOn: 'Normal',
        quickFormat: true,
        paragraph: {
          indent: { left: 284 },
          border: { left: { style: 'single', size: 18, color: COLOURS.accent, space: 8 } },
          spacing: { after: 200 },
        },
      },
      {
        id: STYLE.footer,
        name: 'footer',
        basedOn: 'Normal',
        run: { size: 16, color: COLOURS.note },
        paragraph: { spacing: { after: 0 } },
      },
    ],
  };
}

/**
 * The table style, added to the document's styles once it exists: `importedStyles` would take
 * the place of docx's default styles (Normal, Title, Heading 1…) instead of joining them.
 */
export function addTableStyle(styles: {
  addChildElement(child: ImportedXmlComponent): unknown;
}): void {
  styles.addChildElement(ImportedXmlComponent.fromXmlString(TABLE_STYLE_XML));
}
