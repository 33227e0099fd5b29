import type { ActionPlan, ExportFormat } from '@accord/client';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import ICAL from 'ical.js';
import {
  ooxmlParts,
  pdfEmbeddedFonts,
  pdfText,
  readWorkbook,
  wordText,
} from '../support/documents';
import { apiError } from '../support/helpers';
import { addMember, type Person, RoomKit } from '../support/rooms';
import { startTestApp, type TestApp } from '../support/test-app';

const ARABIC = 'حماية المدافعين عن حقوق الإنسان';
const CHINESE = '建立独立的国家人权机构';
const CYRILLIC = 'Обучение судей';
const FORMULA = '=HYPERLINK("http://evil.example","click")';

describe('action plan exports', () => {
  let t: TestApp;
  let kit: RoomKit;

  beforeAll(async () => {
    t = await startTestApp();
    kit = new RoomKit(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  /** A plan with every part filled, in four scripts, a named version and an endorsement. */
  async function fullPlan(visibility: 'public' | 'private' = 'private') {
    const room = await kit.room(visibility, { ann: 'member', obs: 'observer', out: 'outsider' });
    const { organiser, ann } = room;
    const created = await organiser.client.plans.create(room.c.id, 'Defenders action plan');
    await ann.client.plans.update(created.id, {
      problem: 'Defenders face prosecution without lawyers.',
      baseline: 'In 2026, 12 % of prosecuted defenders had a lawyer.',
      objective: 'Every prosecuted defender has a lawyer by 2029.',
      sdgTargets: ['16.3', '16.10'],
    });
    const fund = await ann.client.plans.addAction(created.id, {
      title: 'Legal aid fund',
      description: 'Pays lawyers for defenders facing prosecution.',
      leadOrganisationId: organiser.organisationId,
      supportingOrganisationIds: [ann.organisationId],
      startDate: '2027-01-01',
      endDate: '2027-12-31',
      status: 'limited',
      budget: 'EUR 250,000',
    });
    await ann.client.plans.addMilestone(created.id, fund.id, {
      title: 'Fund opens',
      due: '2027-03-01',
    });
    await ann.client.plans.addIndicator(created.id, fund.id, {
      name: 'Defenders with a lawyer',
      baseline: 12,
      target: 100,
      unit: '%',
    });
    await ann.client.plans.addAction(created.id, {
      title: ARABIC,
      leadOrganisationId: ann.organisationId,
      startDate: '2027-06-01',
      endDate: '2028-05-31',
    });
    await ann.client.plans.addAction(created.id, { title: CHINESE, startDate: '2028-01-15' });
    await ann.client.plans.addAction(created.id, { title: `${CYRILLIC} по стандартам` });
    await ann.client.plans.addAction(created.id, { title: FORMULA });
    const version = await organiser.client.plans.createVersion(created.id, 'Ministry draft');
    await organiser.client.plans.setStatus(created.id, 'in_review');
    await organiser.client.plans.endorse(created.id, organiser.organisationId, version.id);
    const plan = await ann.client.plans.get(created.id);
    return { ...room, plan, fund, version };
  }

  /** The export as fetch sees it: status, headers and bytes. */
  async function download(user: Person | null, planId: string, query: string) {
    const response = await fetch(`${t.baseUrl}/api/action-plans/${planId}/export?${query}`, {
      headers: user ? { authorization: `Bearer ${user.accessToken}` } : {},
    });
    return {
      status: response.status,
      headers: response.headers,
      bytes: new Uint8Array(await response.arrayBuffer()),
    };
  }

  const titlesOf = (plan: ActionPlan) => plan.actions.map((a) => a.title);

  it('serves every format with its media type, a readable file name and no caching', async () => {
    const { organiser, plan } = await fullPlan();
    const expected: Record<ExportFormat, string> = {
      pdf: 'application/pdf',
      docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      csv: 'text/csv; charset=utf-8',
      md: 'text/markdown; charset=utf-8',
      json: 'application/json; charset=utf-8',
      ics: 'text/calendar; charset=utf-8',
    };
    const today = new Date().toISOString().slice(0, 10);
    for (const [format, type] of Object.entries(expected)) {
      const res = await download(organiser, plan.id, `format=${format}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(res.headers.get('content-disposition')).toBe(
        `attachment; filename="defenders-action-plan-${today}.${format}"; ` +
          `filename*=UTF-8''Defenders%20action%20plan%20-%20${today}.${format}`,
      );
      expect(res.bytes.length).toBeGreaterThan(100);
    }
    const file = await organiser.client.plans.export(plan.id, 'md');
    expect(file.fileName).toBe(`Defenders action plan - ${today}.md`);
  });

  it('PDF: the cover, every action, the recommendation, the endorsement, in four scripts with embedded fonts', async () => {
    const { c, organiser, obs, plan } = await fullPlan();
    const recommendation = await organiser.client.recommendations.get('WP1515-55');
    const file = await obs.client.plans.export(plan.id, 'pdf');
    expect(Buffer.from(file.bytes.subarray(0, 5)).toString()).toBe('%PDF-');
    const pdf = await pdfText(file.bytes);
    const text = pdf.pages.join('\n').replace(/\s+/g, ' ');
    expect(pdf.pages.length).toBeGreaterThan(1);
    expect(text).toContain('Defenders action plan');
    expect(text).toContain(c.name);
    for (const title of titlesOf(plan)) expect(text).toContain(title);
    expect(text).toContain(ARABIC);
    expect(text).toContain(CHINESE);
    expect(text).toContain(CYRILLIC);
    expect(text).toContain('WP1515-55');
    expect(text).toContain(recommendation.text.replace(/\s+/g, ' ').slice(0, 60));
    expect(text).toContain('Fund opens');
    expect(text).toContain('Defenders with a lawyer');
    expect(text).toContain(
      (await organiser.client.organisations.get(organiser.organisationId)).name,
    );
    expect(text).toContain('Ministry draft');
    expect(text).toContain(`Page 1 of ${pdf.pages.length}`);
    expect(pdf.info.Title).toBe('Defenders action plan');
    expect(pdfEmbeddedFonts(file.bytes)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^NotoSans-/),
        expect.stringMatching(/^NotoSansArabic-/),
        expect.stringMatching(/^NotoSansSC-/),
      ]),
    );
  });

  it('DOCX: the same content in word/document.xml, right-to-left Arabic, fonts embedded', async () => {
    const { c, ann, plan } = await fullPlan();
    const file = await ann.client.plans.export(plan.id, 'docx');
    const parts = await ooxmlParts(file.bytes);
    const xml = parts.get('word/document.xml')!;
    const text = wordText(xml);
    expect(text).toContain('Defenders action plan');
    expect(text).toContain(c.name);
    for (const title of titlesOf(plan)) expect(text).toContain(title);
    expect(text).toContain('WP1515-55');
    expect(text).toContain('Ministry draft');
    const arabicParagraph = xml.split('</w:p>').find((p) => wordText(p).includes(ARABIC))!;
    expect(arabicParagraph).toContain('<w:bidi/>');
    expect(arabicParagraph).toContain('<w:rtl/>');
    expect(
      [...parts.keys()].filter((p) => /^word\/fonts\/.+\.odttf$/.test(p)).length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('XLSX and CSV: one row per action, formulas neutralised, read back by a spreadsheet library and a CSV parser', async () => {
    const { ann, plan } = await fullPlan();
    const workbook = await readWorkbook((await ann.client.plans.export(plan.id, 'xlsx')).bytes);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Actions', 'Milestones', 'Indicators']);
    const actions = workbook.getWorksheet('Actions')!;
    expect(actions.rowCount).toBe(plan.actions.length + 1);
    plan.actions.forEach((a, i) => expect(actions.getRow(i + 2).getCell(3).value).toBe(a.title));
    const formula = actions.getRow(plan.actions.length + 1).getCell(3);
    expect(formula.value).toBe(FORMULA);
    expect(formula.type).toBe(ExcelJS.ValueType.String);
    expect(workbook.getWorksheet('Milestones')!.getRow(2).getCell(5).value).toBe('Fund opens');
    expect(workbook.getWorksheet('Indicators')!.getRow(2).getCell(7).value).toBe(100);

    const csv = await ann.client.plans.export(plan.id, 'csv');
    const rows: string[][] = parse(Buffer.from(csv.bytes).toString('utf8'), { bom: true });
    expect(rows).toHaveLength(plan.actions.length + 1);
    expect(rows.slice(1).map((r) => r[2])).toEqual([...titlesOf(plan).slice(0, -1), `'${FORMULA}`]);
    expect(rows[1][6]).toBe('2027-01-01');
  });

  it('Markdown and iCalendar: readable on their own; calendar events keep their UIDs after an edit', async () => {
    const { ann, plan, fund } = await fullPlan();
    const md = Buffer.from((await ann.client.plans.export(plan.id, 'md')).bytes).toString();
    expect(md).toContain('# Defenders action plan');
    expect(md).toContain(`### 2. ${ARABIC}`);
    // Markup in users' text is escaped, so a title cannot become a link.
    expect(md).toContain('=HYPERLINK\\("http://evil.example","click"\\)');

    const events = async () =>
      new ICAL.Component(
        ICAL.parse(Buffer.from((await ann.client.plans.export(plan.id, 'ics')).bytes).toString()),
      )
        .getAllSubcomponents('vevent')
        .map((v: InstanceType<typeof ICAL.Component>) => new ICAL.Event(v));
    const before = await events();
    // Dated actions: the fund, the Arabic one and the Chinese one (start only); one milestone.
    expect(before).toHaveLength(4);
    const fundEvent = before.find((e) => e.summary === 'Legal aid fund')!;
    expect(fundEvent.startDate.toString()).toBe('2027-01-01');
    expect(fundEvent.endDate.toString()).toBe('2028-01-01');
    expect(before.find((e) => e.summary === 'Fund opens')!.startDate.toString()).toBe('2027-03-01');

    await ann.client.plans.editAction(plan.id, fund.id, { title: 'Legal aid fund (national)' });
    const after = await events();
    expect(after.map((e) => e.uid).sort()).toEqual(before.map((e) => e.uid).sort());
    const renamed = after.find((e) => e.uid === fundEvent.uid)!;
    expect(renamed.summary).toBe('Legal aid fund (national)');
    expect(renamed.sequence).toBeGreaterThan(fundEvent.sequence);
  });

  it('JSON: export → import into another coalition → export gives the same plan', async () => {
    const { c, organiser, ann, plan } = await fullPlan();
    const exported = JSON.parse(
      Buffer.from((await ann.client.plans.export(plan.id, 'json')).bytes).toString(),
    ) as {
      schemaVersion: number;
      content: {
        actions: { leadOrganisationId: string | null; supportingOrganisationIds: string[] }[];
      };
      organisations: { id: string }[];
    };
    expect(exported.schemaVersion).toBe(1);
    /** The organisations the plan names (the member list differs between the coalitions). */
    const namedIn = (document: typeof exported) => {
      const ids = new Set(
        document.content.actions.flatMap((a) => [
          a.leadOrganisationId,
          ...a.supportingOrganisationIds,
        ]),
      );
      return document.organisations.filter((o) => ids.has(o.id));
    };

    const other = await organiser.client.coalitions.create({
      name: `Second coalition ${Math.random().toString(36).slice(2, 8)}`,
      purpose: 'Same plan elsewhere',
      visibility: 'private',
      recommendationIds: c.recommendationIds,
      organisationId: organiser.organisationId,
    });
    await addMember(organiser, other.id, ann, 'member');

    const imported = await ann.client.plans.import(other.id, exported);
    expect(imported).toMatchObject({
      coalitionId: other.id,
      status: 'draft',
      title: 'Defenders action plan',
      imported: {
        actions: plan.actions.length,
        milestones: 1,
        indicators: 1,
        droppedRecommendations: [],
        droppedOrganisations: [],
      },
    });
    expect(imported.actions).toEqual(plan.actions);
    const again = JSON.parse(
      Buffer.from((await ann.client.plans.export(imported.id, 'json')).bytes).toString(),
    ) as typeof exported;
    expect(again.content).toEqual(exported.content);
    expect(namedIn(again)).toEqual(namedIn(exported));
    expect(namedIn(again)).toHaveLength(2);
    // The new plan is a plan like any other: editable, with its own audit entry.
    await ann.client.plans.editAction(imported.id, plan.actions[0].id, { status: 'completed' });
    const audit = await organiser.client.coalitions.audit(other.id, { limit: 100 });
    expect(audit.items.map((e) => e.action)).toEqual(expect.arrayContaining(['plan.imported']));
  });

  it('exports a named version as it was, with its name on the cover', async () => {
    const { organiser, ann, plan, version } = await fullPlan();
    await organiser.client.plans.setStatus(plan.id, 'draft');
    await ann.client.plans.addAction(plan.id, { title: 'Added after the version' });
    const md = Buffer.from(
      (await ann.client.plans.export(plan.id, 'md', { version: version.id })).bytes,
    ).toString();
    expect(md).toContain('Version 1 “Ministry draft”');
    expect(md).not.toContain('Added after the version');
    const file = await ann.client.plans.export(plan.id, 'pdf', { version: version.id });
    expect(file.fileName).toBe('Defenders action plan - v1 Ministry draft.pdf');
    const now = Buffer.from((await ann.client.plans.export(plan.id, 'md')).bytes).toString();
    expect(now).toContain('Added after the version');
  });

  it('follows the access policy, names bad input, and audits every export', async () => {
    const { organiser, obs, out, plan } = await fullPlan();
    expect((await download(obs, plan.id, 'format=csv')).status).toBe(200);
    expect((await download(out, plan.id, 'format=pdf')).status).toBe(404);
    expect((await download(null, plan.id, 'format=pdf')).status).toBe(401);
    const pub = await fullPlan('public');
    expect((await download(pub.out, pub.plan.id, 'format=md')).status).toBe(404);

    const bad = await apiError(obs.client.plans.export(plan.id, 'doc' as ExportFormat));
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/format must be one of pdf, docx, md, csv, xlsx, json, ics/);
    expect((await apiError(obs.client.plans.export(plan.id, 'md', { version: 'v1' }))).status).toBe(
      400,
    );
    const unknown = await apiError(
      obs.client.plans.export(plan.id, 'md', { version: '64b000000000000000000001' }),
    );
    expect(unknown.status).toBe(404);
    expect((await apiError(obs.client.plans.export('64b000000000000000000001', 'md'))).status).toBe(
      404,
    );

    const audit = await organiser.client.coalitions.audit(plan.coalitionId, { limit: 100 });
    const exports = audit.items.filter((e) => e.action === 'plan.exported');
    expect(exports).toHaveLength(1);
    expect(exports[0]).toMatchObject({
      actorId: obs.user.id,
      target: { type: 'action-plan', id: plan.id },
      data: { format: 'csv', versionId: null },
    });
  });

  it('refuses bad imports naming the problem, and stores nothing', async () => {
    const { c, organiser, ann, obs, out, plan } = await fullPlan();
    const named = await Promise.all(
      [organiser, ann].map(
        async (p) => (await ann.client.organisations.get(p.organisationId)).name,
      ),
    );
    const good = JSON.parse(
      Buffer.from((await ann.client.plans.export(plan.id, 'json')).bytes).toString(),
    ) as {
      schemaVersion: number;
      content: {
        actions: Record<string, unknown>[];
        recommendations: { id: string; code: string }[];
      };
      organisations: { id: string; name: string }[];
    };
    const copy = () => JSON.parse(JSON.stringify(good)) as typeof good;
    const countBefore = (await ann.client.plans.list(c.id)).total;

    const refusal = async (body: unknown, query: { unmatched?: 'refuse' | 'drop' } = {}) =>
      apiError(ann.client.plans.import(c.id, body, query));

    const notExport = await refusal({ hello: 'world' });
    expect(notExport.status).toBe(400);
    expect(notExport.body.message).toMatch(
      /does not follow the Accord action plan export format \(version 1\)/,
    );
    expect(notExport.body.details).toEqual([{ field: 'schemaVersion', message: 'is missing' }]);

    const newer = copy();
    newer.schemaVersion = 2;
    expect((await refusal(newer)).body.message).toMatch(/newer Accord \(format version 2\)/);

    const badStatus = copy();
    badStatus.content.actions[0].status = 'done';
    expect((await refusal(badStatus)).body.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'content.actions[0].status' })]),
    );

    const badDate = copy();
    badDate.content.actions[0].startDate = '2027-02-30';
    expect((await refusal(badDate)).body.details).toEqual([
      {
        field: 'content.actions[0].startDate',
        message: 'must be a calendar date YYYY-MM-DD or null',
      },
    ]);

    const twice = copy();
    twice.content.actions[1].id = twice.content.actions[0].id;
    expect((await refusal(twice)).body.details).toEqual([
      { field: 'content.actions[1].id', message: 'is used twice in this list' },
    ]);

    // A coalition without ann's organisation and with another recommendation.
    const elsewhere = await kit.room('private', { bob: 'member' });
    const foreign = await apiError(elsewhere.bob.client.plans.import(elsewhere.c.id, good));
    expect(foreign.status).toBe(400);
    expect(foreign.body.message).toMatch(/not members of this coalition/);
    expect(foreign.body.message).toMatch(/unmatched=drop/);

    expect((await apiError(obs.client.plans.import(c.id, good))).status).toBe(403);
    expect((await apiError(out.client.plans.import(c.id, good))).status).toBe(404);

    const post = (user: Person | null, body: string) =>
      fetch(`${t.baseUrl}/api/coalitions/${c.id}/action-plans/import`, {
        method: 'POST',
        headers: {
          ...(user ? { authorization: `Bearer ${user.accessToken}` } : {}),
          'content-type': 'application/json',
        },
        body,
      });
    const tooLarge = await post(
      ann,
      JSON.stringify({ ...good, padding: 'x'.repeat(11 * 1024 * 1024) }),
    );
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { message: string }).message).toMatch(/limit of 10 MB/);

    // The body is read only once the caller may import here: who may not is told so first.
    expect((await post(null, '{not json')).status).toBe(401);
    expect((await post(out, '{not json')).status).toBe(404);
    expect((await post(obs, '{not json')).status).toBe(403);
    const notJson = await post(ann, '{not json');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { message: string }).message).toMatch(/not valid JSON/);

    // Millions of items stop at the first problem: the list's length.
    const flood = copy() as unknown as { organisations: unknown[] };
    flood.organisations = Array.from({ length: 200_000 }, () => ({}));
    const flooded = await refusal(flood);
    expect(flooded.body.details).toEqual([
      { field: 'organisations', message: 'must NOT have more than 10000 items' },
    ]);

    const untitled = copy() as unknown as { content: { title: string } };
    untitled.content.title = '   ';
    expect((await refusal(untitled)).body.details).toEqual([
      { field: 'content.title', message: 'must not be empty' },
    ]);

    const badDateShape = copy();
    badDateShape.content.actions[0].endDate = '31/12/2027';
    expect((await refusal(badDateShape)).body.details).toEqual([
      { field: 'content.actions[0].endDate', message: 'must be a calendar date YYYY-MM-DD' },
    ]);

    expect((await ann.client.plans.list(c.id)).total).toBe(countBefore);
    expect((await elsewhere.bob.client.plans.list(elsewhere.c.id)).total).toBe(0);

    // Leaving out what the coalition lacks, when asked to.
    const dropped = await elsewhere.bob.client.plans.import(elsewhere.c.id, good, {
      unmatched: 'drop',
    });
    expect(dropped.imported.droppedOrganisations.sort()).toEqual(named.sort());
    expect(dropped.actions.every((a) => a.leadOrganisationId === null)).toBe(true);
    expect(dropped.actions.map((a) => a.title)).toEqual(titlesOf(plan));
  });
});
