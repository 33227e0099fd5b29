import { pdfEmbeddedFonts, pdfText, type PdfText } from '../../../../test/support/documents';
import { renderPdf } from './pdf';
import { type PlanReport } from './plan-report';
import { samplePlanReport } from './sample-report';

describe('renderPdf', () => {
  let report: PlanReport;
  let pdf: Buffer;
  let extracted: PdfText;

  beforeAll(async () => {
    report = samplePlanReport({ actions: 12 });
    pdf = await renderPdf(report);
    extracted = await pdfText(pdf);
  });

  it('is a PDF with more than one page, numbered "Page X of Y"', () => {
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(extracted.numPages).toBeGreaterThan(1);
    expect(extracted.pages[0]).toContain(`Page 1 of ${extracted.numPages}`);
    expect(extracted.pages[extracted.numPages - 1]).toContain(
      `Page ${extracted.numPages} of ${extracted.numPages}`,
    );
  });

  it('sets the title, author and creation date', () => {
    expect(extracted.info.Title).toBe(report.content.title);
    expect(extracted.info.Author).toBe('Coalition for Human Rights Defenders');
    expect(extracted.info.CreationDate).toBe('D:20261128093000Z');
  });

  it('shows the cover: plan title, coalition, version, status', () => {
    const cover = extracted.pages[0];
    expect(cover).toContain('National action plan on human-rights defenders');
    expect(cover).toContain('خطة العمل');
    expect(cover).toContain('Coalition for Human Rights Defenders');
    expect(cover).toContain('Version 3 “Ministry draft”, 27 November 2026');
    expect(cover).toContain('Status: In review');
    expect(cover).toContain('Generated 28 November 2026');
  });

  it('quotes the linked recommendations in full with their codes', () => {
    expect(extracted.text).toContain('WP1515-49');
    expect(extracted.text).toContain(
      'States should create and maintain a safe and enabling environment for human rights defenders.',
    );
    expect(extracted.text).toContain('WP1515-140.7');
    expect(extracted.text).toContain('Source: WP1515, paragraph 140.7');
  });

  it('lists every action title', () => {
    for (const action of report.content.actions) {
      expect(extracted.text).toContain(action.title);
    }
  });

  it('extracts Arabic in logical order, and Chinese and Cyrillic', () => {
    expect(extracted.text).toContain('حماية المدافعين عن حقوق الإنسان');
    expect(extracted.text).toContain('يجب على الدولة ضمان بيئة آمنة للمدافعين عن');
    expect(extracted.text).toContain('المنظمة العربية لحقوق الإنسان');
    expect(extracted.text).toContain('建立独立的国家人权机构');
    expect(extracted.text).toContain('中国法律援助基金会');
    expect(extracted.text).toContain('Обучение судей по международным стандартам');
    expect(extracted.text).toContain('Правозащитный центр «Мемориал»');
  });

  it('names the member organisations by stakeholder type with the mix chart', () => {
    expect(extracted.text).toContain('Stakeholder mix');
    expect(extracted.text).toContain('NGO (2)');
    expect(extracted.text).toContain('Transport Workers Union');
    expect(extracted.text).toContain('United Kingdom (GB)');
  });

  it('shows the timeline and the indicators', () => {
    expect(extracted.text).toContain('Timeline');
    expect(extracted.text).toContain('Not scheduled');
    expect(extracted.text).toContain('Число обученных судей');
    expect(extracted.text).toContain('Defenders receiving legal aid');
  });

  it('lists the endorsing organisations with the version endorsed', () => {
    const endorsements = extracted.text.slice(extracted.text.lastIndexOf('Endorsements'));
    expect(endorsements).toContain('Ministry of Justice');
    expect(endorsements).toContain('المنظمة العربية لحقوق الإنسان');
    expect(endorsements).toContain('Version 3 “Ministry draft”');
    expect(endorsements).not.toContain('Stale');
  });

  it('embeds subsets of Noto Sans, Noto Sans Arabic and Noto Sans SC', () => {
    const fonts = pdfEmbeddedFonts(pdf);
    expect(fonts).toEqual(
      expect.arrayContaining([
        'NotoSans-Regular',
        'NotoSans-Bold',
        'NotoSansArabic-Regular',
        'NotoSansArabic-Bold',
        'NotoSansSC-Regular',
        'NotoSansSC-Bold',
      ]),
    );
    expect(pdf.toString('latin1')).not.toContain('/Helvetica');
  });

  it('marks a stale endorsement', async () => {
    const stale = samplePlanReport({ actions: 2 });
    stale.endorsements[1].stale = true;
    const text = (await pdfText(await renderPdf(stale))).text;
    expect(text).toContain('1 endorsement is stale');
    expect(text).toContain('Stale: the plan has changed since this version');
  });

  it('says so when a section is empty', async () => {
    const empty = samplePlanReport({ actions: 0 });
    empty.content.recommendationIds = [];
    empty.recommendations = [];
    empty.content.sdgTargets = [];
    empty.content.objective = '';
    empty.endorsements = [];
    const text = (await pdfText(await renderPdf(empty))).text;
    expect(text).toContain('No linked recommendations yet.');
    expect(text).toContain('No SDG targets yet.');
    expect(text).toContain('No objective yet.');
    expect(text).toContain('No actions yet.');
    expect(text).toContain('No indicators yet.');
    expect(text).toContain('No endorsements yet.');
  });

  it('cuts a word longer than a line across lines, losing no character', async () => {
    const count = async (report: PlanReport, pattern: RegExp) =>
      (await pdfText(await renderPdf(report))).text.match(pattern)?.length ?? 0;
    const long = samplePlanReport({ actions: 2 });
    long.content.actions[0].description = '';
    long.content.actions[1].description = '';
    const before = { x: await count(long, /x/g), beh: await count(long, /ب/g) };
    long.content.actions[0].description = 'x'.repeat(20_000);
    long.content.actions[1].description = 'ب'.repeat(3_000);
    expect(await count(long, /x/g)).toBe(before.x + 20_000);
    expect(await count(long, /ب/g)).toBe(before.beh + 3_000);
  });
});
