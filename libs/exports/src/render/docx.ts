import {
  AlignmentType,
  Document,
  Footer,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  SectionType,
  TextRun,
  type ISectionOptions,
} from 'docx';
import {
  actions,
  cover,
  endorsements,
  indicators,
  members,
  problemAndObjective,
  recommendations,
  sdgTargets,
  type Context,
} from './docx/content';
import { embeddedFonts, fontTableXml } from './docx/embedded-fonts';
import { rewriteZipEntry } from './docx/package';
import { STYLE, addTableStyle, documentStyles } from './docx/styles';
import { TableSlots } from './docx/tables';
import { Typesetter } from './docx/text';
import { timeline } from './docx/timeline';
import type { PlanReport } from './plan-report';

/** A4 in twips (docx turns it for a landscape section), 2 cm margins. */
const A4 = { width: 11906, height: 16838 };
const MARGIN = 1134;

/**
 * The plan as a Word document laid out like an Open Government Partnership commitment: cover,
 * linked recommendations, SDG targets, members and their stakeholder mix, problem and baseline,
 * objective, then on landscape pages the actions table and the timeline, then indicators and
 * endorsements. Text in Latin, Cyrillic, Arabic and Chinese is set in the embedded Noto faces,
 * subset to the characters the document uses.
 */
export async function renderDocx(report: PlanReport): Promise<Buffer> {
  const context: Context = { t: new Typesetter(), tables: new TableSlots() };
  const { t } = context;
  const page = (orientation: (typeof PageOrientation)[keyof typeof PageOrientation]) => ({
    size: { ...A4, orientation },
    margin: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN, header: 567, footer: 567 },
  });

  // The footer belongs to the first section and later ones inherit it, as Word's "Link to
  // Previous" does; the cover has an empty first-page footer.
  t.use('latin', 'regular', 'Page of 0123456789');
  const footer = new Footer({
    children: [
      new Paragraph({
        style: STYLE.footer,
        alignment: AlignmentType.CENTER,
        children: [
          new TextRun({ children: ['Page ', PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES] }),
        ],
      }),
    ],
  });

  const sections: ISectionOptions[] = [
    {
      properties: { page: page(PageOrientation.PORTRAIT), titlePage: true },
      footers: { default: footer, first: new Footer({ children: [] }) },
      children: [
        ...cover(context, report),
        ...recommendations(context, report),
        ...sdgTargets(context, report),
        ...members(context, report),
        ...problemAndObjective(context, report),
      ],
    },
    {
      properties: { page: page(PageOrientation.LANDSCAPE), type: SectionType.NEXT_PAGE },
      children: [...actions(context, report), ...timeline(context, report)],
    },
    {
      properties: { page: page(PageOrientation.PORTRAIT), type: SectionType.NEXT_PAGE },
      children: [...indicators(context, report), ...endorsements(context, report)],
    },
  ];

  const fonts = await embeddedFonts(t);
  const doc = new Document({
    title: report.content.title,
    creator: report.coalition.name,
    lastModifiedBy: report.coalition.name,
    subject: 'Action plan',
    description: `Action plan of ${report.coalition.name}`,
    styles: documentStyles(),
    fonts,
    sections,
  });
  addTableStyle(doc.Styles);
  const packed = await Packer.toBuffer(doc, false, [
    { path: 'word/fontTable.xml', data: fontTableXml(doc, fonts) },
  ]);
  return rewriteZipEntry(packed, 'word/document.xml', (xml) => context.tables.fill(xml));
}
