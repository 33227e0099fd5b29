import { LIMITS } from '@accord/action-plans';
import { Ajv2020 } from 'ajv/dist/2020';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import ICAL from 'ical.js';
import { readWorkbook } from '../../../../test/support/documents';
import schema from '../../schema/action-plan-export.schema.json';
import { CSV_COLUMNS, renderCsv } from './csv';
import { renderIcs } from './ics';
import { renderJson, toPlanExportDocument } from './json';
import { renderMarkdown } from './markdown';
import { cleanReport, cleanText, type PlanReport } from './plan-report';
import { samplePlanReport } from './sample-report';
import { renderXlsx } from './xlsx';

/** A sample whose first actions carry text a spreadsheet or a Markdown reader would run. */
function hostileReport(): PlanReport {
  const report = samplePlanReport({ actions: 6 });
  const [a, b, c] = report.content.actions;
  a.title = '=HYPERLINK("http://evil.example","click")';
  a.description = "@SUM(1+1)*cmd|' /C calc'!A0";
  b.title = '+1, "quoted"; semi\nnew line';
  b.budget = '-2+3';
  c.title = '# Not a heading [link](http://evil.example) <script>alert(1)</script> | pipe';
  return report;
}

describe('CSV export', () => {
  it('has one row per action with every column, read back by a CSV parser', () => {
    const report = samplePlanReport({ actions: 9 });
    const text = renderCsv(report);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows: string[][] = parse(text, { bom: true, relax_column_count: false });
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(10);
    report.content.actions.forEach((action, i) => {
      const row = rows[i + 1];
      expect(row[0]).toBe(String(i + 1));
      expect(row[1]).toBe(action.id);
      expect(row[2]).toBe(action.title);
      expect(row[3]).toBe(action.description);
      expect(row[4]).toBe(report.organisations[action.leadOrganisationId!].name);
      expect(row[5]).toBe(
        action.supportingOrganisationIds.map((id) => report.organisations[id].name).join('; '),
      );
      expect(row[6]).toBe(action.startDate ?? '');
      expect(row[7]).toBe(action.endDate ?? '');
      expect(row[10]).toContain(action.milestones[0].title);
      expect(row[11]).toContain(action.indicators[0].name);
    });
    expect(rows[3][2]).toBe('حماية المدافعين عن حقوق الإنسان 3');
    expect(rows[4][2]).toBe('建立独立的国家人权机构 4');
  });

  it('starts every cell a spreadsheet would run as a formula with an apostrophe, and keeps the rest exact', () => {
    const report = hostileReport();
    const rows: string[][] = parse(renderCsv(report), { bom: true });
    expect(rows[1][2]).toBe('\'=HYPERLINK("http://evil.example","click")');
    expect(rows[1][3]).toBe("'@SUM(1+1)*cmd|' /C calc'!A0");
    expect(rows[2][2]).toBe('\'+1, "quoted"; semi\nnew line');
    expect(rows[2][9]).toBe("'-2+3");
    expect(rows[3][2]).toBe(report.content.actions[2].title);
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});

describe('Markdown export', () => {
  it('has every section, every action and the text in its own script', () => {
    const report = samplePlanReport({ actions: 5 });
    const md = renderMarkdown(report);
    for (const heading of [
      '## Recommendations',
      '## SDG targets',
      '## Coalition members',
      '## Problem and baseline',
      '## Objective',
      '## Actions',
      '## Indicators',
      '## Endorsements',
    ]) {
      expect(md).toContain(`\n${heading}\n`);
    }
    expect(md).toContain('### WP1515-49 (WP1515 ¶ 49)');
    expect(md).toContain(report.recommendations[0].text);
    for (const [i, action] of report.content.actions.entries()) {
      expect(md).toContain(`### ${i + 1}. ${action.title}`);
    }
    expect(md).toContain('حماية المدافعين عن حقوق الإنسان');
    expect(md).toContain(
      '- **NGO (2):** Правозащитный центр «Мемориал» (GE); المنظمة العربية لحقوق الإنسان (EG)',
    );
    expect(md).toContain(
      '**Ministry of Justice** endorsed version 3 “Ministry draft” on 27 November 2026',
    );
  });

  it("escapes users' text so it cannot become a heading, a link, HTML or a table column", () => {
    const md = renderMarkdown(hostileReport());
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('](http://evil.example)');
    expect(md).toContain('\\# Not a heading \\[link\\]\\(http://evil.example\\) \\<script\\>');
    const tableRow = md.split('\n').find((l) => l.startsWith('| 3 |'))!;
    expect(tableRow.split(/(?<!\\)\|/)).toHaveLength(8);
  });

  it('treats every line ending alike, and escapes list, heading and rule markers at line starts', () => {
    const report = samplePlanReport({ actions: 1 });
    report.content.problem = 'Background\n===\nfoo\r- injected list\u20281. numbered\r\n---';
    report.content.actions[0].title = 'A\r| x |';
    const md = renderMarkdown(report);
    expect(md).toContain(
      'Background  \n\\===  \nfoo  \n\\- injected list  \n1\\. numbered  \n\\---',
    );
    expect(md).toContain('| 1 | A \\| x \\| |');
  });

  it('says so when a section is empty', () => {
    const report = samplePlanReport({ actions: 0 });
    report.endorsements = [];
    const md = renderMarkdown(report);
    expect(md).toContain('No actions yet.');
    expect(md).toContain('No indicators yet.');
    expect(md).toContain('No endorsements yet.');
  });
});

describe('iCalendar export', () => {
  type Event = InstanceType<typeof ICAL.Event>;
  const eventsOf = (text: string): Event[] =>
    new ICAL.Component(ICAL.parse(text))
      .getAllSubcomponents('vevent')
      .map((v: InstanceType<typeof ICAL.Component>) => new ICAL.Event(v));

  it('has one all-day event per dated action and per milestone with a due date, read by ical.js', () => {
    const report = samplePlanReport({ actions: 14 });
    const events = eventsOf(renderIcs(report));
    const dated = report.content.actions.filter((a) => a.startDate || a.endDate);
    const milestones = report.content.actions.flatMap((a) => a.milestones.filter((m) => m.due));
    expect(dated.length).toBeLessThan(14);
    expect(events).toHaveLength(dated.length + milestones.length);

    const first = report.content.actions[0];
    const action = events.find((e) => e.uid === `action-${first.id}.${report.plan.id}@accord`)!;
    expect(action.summary).toBe(first.title);
    expect(action.startDate.toString()).toBe(first.startDate);
    expect(action.startDate.isDate).toBe(true);
    // DTEND is exclusive: the day after the action's last day.
    const end = new Date(`${first.endDate}T00:00:00Z`);
    end.setUTCDate(end.getUTCDate() + 1);
    expect(action.endDate.toString()).toBe(end.toISOString().slice(0, 10));
    expect(action.description).toContain(first.description);
    expect(action.sequence).toBe(report.plan.seq);

    const arabic = report.content.actions[2].milestones[0];
    const milestone = events.find((e) => e.summary === arabic.title)!;
    expect(milestone.startDate.toString()).toBe(arabic.due);
    expect(milestone.uid).toContain(arabic.id);
  });

  it('keeps UIDs from one export to the next, so a calendar updates its events', () => {
    const report = samplePlanReport({ actions: 4 });
    report.plan.seq = 10;
    const before = eventsOf(renderIcs(report)).map((e) => e.uid);
    report.generatedAt = '2027-01-01T00:00:00.000Z';
    report.plan.seq = 11;
    report.content.actions[0].title = 'Renamed action';
    const after = eventsOf(renderIcs(report));
    expect(after.map((e) => e.uid)).toEqual(before);
    expect(after[0].summary).toBe('Renamed action');
    expect(after[0].sequence).toBe(11);
  });

  it('escapes text values and folds long lines at 75 octets without splitting a character', () => {
    const report = samplePlanReport({ actions: 3 });
    report.content.actions[0].title =
      'Commas, semicolons; back\\slash and\nnew line ' + 'حقوق '.repeat(30);
    const text = renderIcs(report);
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(text).not.toContain('\uFFFD');
    const event = eventsOf(text)[0];
    expect(event.summary).toBe(report.content.actions[0].title);
  });
});

describe('text that is not text', () => {
  it('drops control characters, U+FFFE/U+FFFF and lone surrogates before rendering', () => {
    expect(cleanText('a\u0000b\u000bc\tkeep\nlines\r\uFFFEd\uFFFF e\uD800f 😀')).toBe(
      'abc\tkeep\nlines\rd e\uFFFDf 😀',
    );
    const report = samplePlanReport({ actions: 1 });
    report.content.actions[0].title = 'Fund\u0007';
    report.coalition.name = 'Coalition\uFFFF';
    const clean = cleanReport(report);
    expect(clean.content.actions[0].title).toBe('Fund');
    expect(clean.coalition.name).toBe('Coalition');
    expect(clean.content.actions[0].milestones).toEqual(report.content.actions[0].milestones);
    expect(report.content.actions[0].title).toBe('Fund\u0007');
  });

  it('keeps the last possible day of an all-day event within year 9999', () => {
    const report = samplePlanReport({ actions: 1 });
    report.content.actions[0].endDate = '9999-12-31';
    const text = renderIcs(report);
    expect(text).toContain('DTEND;VALUE=DATE:99991231');
    expect(text).not.toContain('+');
  });
});

describe('JSON export', () => {
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

  it('is valid against its JSON Schema, with the plan in full', () => {
    const report = samplePlanReport({ actions: 3 });
    const document = JSON.parse(renderJson(report)) as ReturnType<typeof toPlanExportDocument>;
    expect(validate(document)).toBe(true);
    expect(document.schemaVersion).toBe(1);
    expect(document.content.actions).toEqual(report.content.actions);
    expect(document.content.recommendations).toEqual(report.recommendations);
    expect(document.organisations.map((o) => o.id).sort()).toEqual(
      Object.keys(report.organisations).sort(),
    );
  });

  it('states the same limits as action plans do', () => {
    const defs = (
      schema as unknown as {
        $defs: Record<string, { properties: Record<string, Record<string, number>> }>;
      }
    ).$defs;
    expect(defs.content.properties.title.maxLength).toBe(LIMITS.shortText);
    expect(defs.content.properties.problem.maxLength).toBe(LIMITS.longText);
    expect(defs.content.properties.actions.maxItems).toBe(LIMITS.actions);
    expect(defs.content.properties.recommendations.maxItems).toBe(LIMITS.recommendations);
    expect(defs.action.properties.description.maxLength).toBe(LIMITS.longText);
    expect(defs.action.properties.milestones.maxItems).toBe(LIMITS.milestones);
    expect(defs.action.properties.indicators.maxItems).toBe(LIMITS.indicators);
    expect(defs.action.properties.supportingOrganisationIds.maxItems).toBe(
      LIMITS.supportingOrganisations,
    );
    expect(defs.action.properties.budget.maxLength).toBe(LIMITS.budget);
    expect(defs.indicator.properties.unit.maxLength).toBe(LIMITS.unit);
  });

  it('is refused by the schema when a field breaks it', () => {
    const document = JSON.parse(renderJson(samplePlanReport({ actions: 2 }))) as {
      content: { actions: { status: string; title: string }[] };
    };
    document.content.actions[1].status = 'done';
    document.content.actions[0].title = 'x'.repeat(LIMITS.shortText + 1);
    expect(validate(document)).toBe(false);
    const paths = (validate.errors ?? []).map((e) => e.instancePath);
    expect(paths).toEqual(
      expect.arrayContaining(['/content/actions/1/status', '/content/actions/0/title']),
    );
  });
});

describe('XLSX export', () => {
  it('has sheets Actions, Milestones and Indicators, read back with exceljs', async () => {
    const report = samplePlanReport({ actions: 7 });
    const workbook = await readWorkbook(await renderXlsx(report));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Actions', 'Milestones', 'Indicators']);
    const actions = workbook.getWorksheet('Actions')!;
    expect(actions.rowCount).toBe(8);
    expect(actions.getRow(1).getCell(3).value).toBe('Title');
    report.content.actions.forEach((action, i) => {
      const row = actions.getRow(i + 2);
      expect(row.getCell(2).value).toBe(action.id);
      expect(row.getCell(3).value).toBe(action.title);
      expect(row.getCell(5).value).toBe(report.organisations[action.leadOrganisationId!].name);
      const start = row.getCell(7).value;
      if (action.startDate)
        expect((start as Date).toISOString().slice(0, 10)).toBe(action.startDate);
      else expect(start).toBeNull();
    });
    const milestones = workbook.getWorksheet('Milestones')!;
    expect(milestones.rowCount).toBe(1 + 7 * 2);
    expect(milestones.getRow(2).getCell(5).value).toBe(
      report.content.actions[0].milestones[0].title,
    );
    const indicators = workbook.getWorksheet('Indicators')!;
    expect(indicators.rowCount).toBe(1 + 7);
    expect(indicators.getRow(2).getCell(6).value).toBe(0);
    expect(indicators.getRow(2).getCell(7).value).toBe(120);
    expect(indicators.getRow(3).getCell(5).value).toBe('Число обученных судей');
  });

  it('writes formula-like text as text cells in the Text format, never as formulas', async () => {
    const report = hostileReport();
    const workbook = await readWorkbook(await renderXlsx(report));
    const sheet = workbook.getWorksheet('Actions')!;
    const title = sheet.getRow(2).getCell(3);
    expect(title.value).toBe('=HYPERLINK("http://evil.example","click")');
    expect(title.type).toBe(ExcelJS.ValueType.String);
    expect(title.numFmt).toBe('@');
    expect(sheet.getRow(3).getCell(10).value).toBe('-2+3');
    workbook.eachSheet((s) =>
      s.eachRow((row) =>
        row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)),
      ),
    );
  });
});
