import JSZip from 'jszip';
import { renderDocx } from './docx';
import { FONT_FAMILIES } from './fonts';
import type { PlanReport } from './plan-report';
import { samplePlanReport } from './sample-report';

interface Docx {
  zip: JSZip;
  document: string;
  paragraphs: { xml: string; text: string }[];
  part(path: string): Promise<string>;
}

const unescape = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

async function open(report: PlanReport): Promise<Docx> {
  const zip = await JSZip.loadAsync(await renderDocx(report));
  const part = async (path: string) => {
    const file = zip.file(path);
    if (!file) throw new Error(`${path} is missing`);
    return file.async('string');
  };
  const document = await part('word/document.xml');
  const paragraphs = [...document.matchAll(/<w:p[ >].*?<\/w:p>/gs)].map(([xml]) => ({
    xml,
    text: unescape([...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')),
  }));
  return { zip, document, paragraphs, part };
}

function paragraph(docx: Docx, text: string): { xml: string; text: string } {
  const found = docx.paragraphs.find((p) => p.text === text);
  if (!found) throw new Error(`No paragraph reads “${text}”`);
  return found;
}

/** The run holding `text`, e.g. the Arabic part of a paragraph. */
function runWith(xml: string, text: string): string {
  const run = [...xml.matchAll(/<w:r>.*?<\/w:r>/gs)]
    .map(([r]) => r)
    .find((r) => unescape(r).includes(text));
  if (!run) throw new Error(`No run holds “${text}”`);
  return run;
}

/** Every start tag closed in order: the tables are written as text, so check they are XML. */
function expectWellFormed(xml: string): void {
  const open: string[] = [];
  for (const [, closing, name, selfClosing] of xml.matchAll(/<(\/?)([\w:]+)[^>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (!closing) open.push(name);
    else expect(`</${open.pop()}>`).toBe(`</${name}>`);
  }
  expect(open).toEqual([]);
}

/** An embedded font's bytes: the first 32 are XORed with its key (ECMA-376 Part 2, 15.2.13). */
function deobfuscate(data: Buffer, fontKey: string): Buffer {
  const key = Buffer.from(fontKey.replace(/[{}-]/g, ''), 'hex').reverse();
  const font = Buffer.from(data);
  for (let i = 0; i < 32; i++) font[i] ^= key[i % 16];
  return font;
}

function tableTags(font: Buffer): string[] {
  return Array.from({ length: font.readUInt16BE(4) }, (_, i) =>
    font.toString('latin1', 12 + i * 16, 16 + i * 16),
  );
}

describe('renderDocx', () => {
  const report = samplePlanReport({ actions: 12 });
  let docx: Docx;

  beforeAll(async () => {
    docx = await open(report);
  });

  it('writes well-formed XML', () => {
    expectWellFormed(docx.document);
  });

  it('has the cover: title, coalition, version line, status and date', async () => {
    const title = paragraph(docx, report.content.title);
    expect(title.xml).toContain('<w:pStyle w:val="Title"/>');
    paragraph(docx, 'Coalition for Human Rights Defenders');
    paragraph(docx, 'Version 3 “Ministry draft”, 27 November 2026');
    paragraph(docx, 'Status: In review');
    paragraph(docx, 'Generated 28 November 2026');
    const core = await docx.part('docProps/core.xml');
    expect(core).toContain('<dc:creator>Coalition for Human Rights Defenders</dc:creator>');
    expect(core).toContain(`<dc:title>${report.content.title}</dc:title>`);
  });

  it('has the sections in order, as Heading 1 for the navigation pane', () => {
    const headings = docx.paragraphs
      .filter((p) => p.xml.includes('<w:pStyle w:val="Heading1"/>'))
      .map((p) => p.text);
    expect(headings).toEqual([
      'Linked recommendations',
      'Sustainable Development Goal targets',
      'Coalition members',
      'Problem and baseline',
      'Objective',
      'Actions',
      'Timeline',
      'Indicators',
      'Endorsements',
    ]);
  });

  it('quotes each linked recommendation in full with its code, theme, source and SDG targets', () => {
    paragraph(docx, 'WP1515-49');
    paragraph(
      docx,
      'States should create and maintain a safe and enabling environment for human rights defenders.',
    );
    paragraph(docx, 'Source: WP1515, paragraph 140.7');
    paragraph(docx, 'SDG targets: 16.3, 16.a');
    paragraph(docx, 'This plan contributes to SDG targets 16.3, 16.10.');
  });

  it('names every action, in the actions table and the timeline', () => {
    for (const action of report.content.actions) {
      expect(docx.paragraphs.filter((p) => p.text === action.title).length).toBeGreaterThanOrEqual(
        2,
      );
    }
    // The header rows repeat on each page.
    expect(docx.document.match(/<w:tblHeader\/>/g)?.length).toBeGreaterThanOrEqual(5);
    paragraph(docx, '7. No start or end date: حماية المدافعين عن حقوق الإنسان 7');
  });

  it('sets Arabic right to left with the complex-script face', () => {
    const { xml } = paragraph(docx, 'حماية المدافعين عن حقوق الإنسان 3');
    expect(xml).toContain('<w:bidi/>');
    const run = runWith(xml, 'حماية');
    expect(run).toContain('<w:rtl/>');
    expect(run).toContain('<w:cs/>');
    expect(run).toContain(`w:cs="${FONT_FAMILIES.arabic}"`);
    // A left-to-right paragraph with Arabic in it keeps its direction; only the run turns.
    const title = paragraph(docx, report.content.title);
    expect(title.xml).not.toContain('<w:bidi/>');
    expect(runWith(title.xml, 'خطة العمل')).toContain('<w:rtl/>');
    expect(runWith(title.xml, 'National')).not.toContain('<w:rtl/>');
  });

  it('splits mixed text into runs by script, neutral characters resolved as the bidi algorithm does', () => {
    const runTexts = (xml: string) =>
      [...xml.matchAll(/<w:r>.*?<\/w:r>/gs)].map(([r]) =>
        unescape([...r.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')),
      );
    expect(runTexts(paragraph(docx, report.content.problem).xml)).toEqual([
      'Defenders face prosecution without legal support. Правозащитники подвергаются преследованиям. ',
      'يتعرض المدافعون للملاحقة القضائية',
      '. 维权人士面临起诉。',
    ]);
    // Digits and the full stop inside an Arabic paragraph stay in its right-to-left run.
    const arabic = 'يجب على الدولة ضمان بيئة آمنة للمدافعين عن حقوق الإنسان، وفق التوصية 49.';
    const { xml } = paragraph(docx, arabic);
    expect(xml).toContain('<w:bidi/>');
    expect(runTexts(xml)).toEqual([arabic]);
  });

  it('sets Chinese with the East Asian face and Cyrillic with Noto Sans', async () => {
    const { xml } = paragraph(docx, '建立独立的国家人权机构 4');
    expect(xml).not.toContain('<w:bidi/>');
    expect(runWith(xml, '建立')).toContain(`w:eastAsia="${FONT_FAMILIES.cjk}"`);
    paragraph(docx, 'Обучение судей по международным стандартам 2');
    const styles = await docx.part('word/styles.xml');
    expect(styles).toMatch(
      /<w:rPrDefault><w:rPr><w:rFonts w:ascii="Noto Sans" w:cs="Noto Sans Arabic" w:eastAsia="Noto Sans SC" w:hAnsi="Noto Sans"\/>/,
    );
  });

  it('lists member organisations by stakeholder type, with a native chart of the mix', async () => {
    paragraph(docx, 'NGO (2)');
    paragraph(docx, 'Правозащитный центр «Мемориал»');
    paragraph(docx, 'Georgia');
    paragraph(docx, '中国法律援助基金会');
    expect(docx.zip.file('word/charts/chart1.xml')).not.toBeNull();
    expect(docx.document).toContain('<c:chart ');
    const chart = await docx.part('word/charts/chart1.xml');
    expect(chart).toContain('<c:barDir val="bar"/>');
    expect(chart).toContain('National human rights institution');
    const relationships = await docx.part('word/_rels/document.xml.rels');
    expect(relationships).toContain('Target="charts/chart1.xml"');
  });

  it('lists indicators and endorsements', () => {
    paragraph(docx, 'Число обученных судей');
    const endorsements = docx.paragraphs.slice(
      docx.paragraphs.findIndex((p) => p.text === 'Endorsements'),
    );
    expect(endorsements.map((p) => p.text)).toEqual(
      expect.arrayContaining([
        'Ministry of Justice',
        'المنظمة العربية لحقوق الإنسان',
        'Version 3 “Ministry draft”',
      ]),
    );
    expect(docx.document).not.toContain('Stale:');
  });

  it('numbers the pages in the footer', async () => {
    const footers = await Promise.all(
      Object.keys(docx.zip.files)
        .filter((path) => /^word\/footer\d+\.xml$/.test(path))
        .map((path) => docx.part(path)),
    );
    expect(footers.join('')).toMatch(/PAGE.*NUMPAGES/s);
  });

  it('embeds the three Noto families, subset, each with a cmap', async () => {
    const fontTable = await docx.part('word/fontTable.xml');
    const relationships = await docx.part('word/_rels/fontTable.xml.rels');
    const settings = await docx.part('word/settings.xml');
    expect(settings).toContain('<w:embedTrueTypeFonts/>');
    for (const family of Object.values(FONT_FAMILIES)) {
      const entry = new RegExp(`<w:font w:name="${family}">(.*?)</w:font>`).exec(fontTable);
      expect(entry).not.toBeNull();
      const embeds = [
        ...entry![1].matchAll(/<w:embed(?:Regular|Bold) r:id="(rId\d+)" w:fontKey="([^"]+)"/g),
      ];
      expect(embeds.length).toBeGreaterThanOrEqual(1);
      for (const [, id, key] of embeds) {
        const target = new RegExp(`Id="${id}"[^>]*Target="(fonts/font\\d+\\.odttf)"`).exec(
          relationships,
        );
        expect(target).not.toBeNull();
        const data = await docx.zip.file(`word/${target![1]}`)!.async('nodebuffer');
        // Noto Sans SC is ~10 MB a face: only the characters the document uses are embedded.
        expect(data.length).toBeLessThan(200_000);
        const font = deobfuscate(data, key);
        expect(font.readUInt32BE(0)).toBe(0x00010000);
        expect(tableTags(font)).toEqual(expect.arrayContaining(['cmap', 'glyf', 'name', 'OS/2']));
      }
    }
    expect(fontTable).toContain('w:subsetted="1"');
  });

  it('says so when a section is empty, and marks stale endorsements', async () => {
    const empty = samplePlanReport({ actions: 0 });
    empty.recommendations = [];
    empty.content.sdgTargets = [];
    empty.content.problem = '';
    empty.memberOrganisationIds = [];
    empty.endorsements[0].stale = true;
    const result = await open(empty);
    expectWellFormed(result.document);
    for (const text of [
      'No recommendation is linked to this plan.',
      'The plan names no SDG target.',
      'The coalition has no member organisation.',
      'No problem statement has been written.',
      'The plan has no action yet.',
      'No action or milestone has a date yet.',
      'No action has an indicator yet.',
      'Stale: the plan has changed since this version was endorsed.',
    ]) {
      paragraph(result, text);
    }
    expect(result.zip.file('word/charts/chart1.xml')).toBeNull();
  });
});
