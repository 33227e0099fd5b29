import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AccordClient,
  type RawResponse,
  type Recommendation,
  type RecommendationDetail,
} from '@accord/client';
import { EmbeddedEngine, parseCsv, writeCsv } from '@accord/core';
import { MongoClient, ObjectId } from 'mongodb';
import { PASSWORD, registerUser, type TestUser, uniqueEmail } from './support/factories';
import { freshDatabaseUri, startTestApp, type TestApp } from './support/test-app';
import { apiError } from './support/helpers';

// ---------------------------------------------------------------------------------------------
// What the WP1515 catalogue must hold, written out from the report (../shared/source/wp1515-report.txt).

const DOCUMENT = 'Wilton Park WP1515 (2017)';

/** The report's sections and the paragraphs under their "Recommendations" headings. */
const SECTIONS: [theme: string, ranges: [number, number][]][] = [
  ['Countering populism and anti-rights discourse', [[6, 10]]],
  ['The role of emerging democracies', [[14, 16]]],
  [
    'Human rights engagement and protection in the UN and regional systems',
    [
      [20, 26],
      [30, 32],
    ],
  ],
  [
    'Inequality as a threat to human rights: rights-based development and the human rights component of SDGs',
    [[39, 44]],
  ],
  ['The role of business in advancing human rights', [[49, 56]]],
  [
    'Human rights and new technologies: protecting freedoms of information, expression and assembly online',
    [[69, 72]],
  ],
  ['Corruption as a threat to human rights', [[75, 80]]],
  ['Strengthening Human Rights Defenders and civil society space', [[86, 91]]],
];

const THEME_OF = new Map<number, string>(
  SECTIONS.flatMap(([theme, ranges]) =>
    ranges.flatMap(([from, to]) =>
      Array.from({ length: to - from + 1 }, (_, i) => [from + i, theme] as const),
    ),
  ),
);
const PARAGRAPHS = [...THEME_OF.keys()].sort((a, b) => a - b);
const CODES = PARAGRAPHS.map((p) => `WP1515-${p}`);

/** Each paragraph's opening words in the report. */
const OPENINGS: [number, string][] = [
  [6, 'Adopt a new narrative to combat ‘post-truth’'],
  [7, 'Make a clear case as'],
  [8, 'Communicate with the general public,'],
  [9, 'All actors, including civil society,'],
  [10, 'Human rights education is critical'],
  [14, 'Established and emerging democracies can'],
  [15, 'Experience and expertise of international'],
  [16, 'Most funding currently comes from'],
  [20, 'Build on the progress of'],
  [21, 'Broaden leadership at the HRC:'],
  [22, 'The UN Human Rights System'],
  [23, 'Treaty bodies: establish a single'],
  [24, 'Focus on the implementation of'],
  [25, 'Review of Special Procedures, with'],
  [26, 'Human Rights Cities: create a'],
  [30, 'Stronger cooperation between regional organisations'],
  [31, 'Instead of establishing new norms,'],
  [32, 'The Ombudsperson should be empowered'],
  [39, 'Stronger focus on ESCRs at'],
  [40, 'Developing countries need to generate'],
  [41, 'Change the narrative on development'],
  [42, 'Strengthen partnerships between civil society,'],
  [43, 'Enhance accountability mechanisms: structures in'],
  [44, 'Role of emerging economies: BRIC'],
  [49, 'Continue to develop a binding international convention'],
  [50, 'National standards need to be'],
  [51, 'Encourage business to set a'],
  [52, 'Inappropriate collusion between business and'],
  [53, 'Corporate transparency on socially responsible'],
  [54, 'Leadership: too many governments are'],
  [55, 'Encourage movements and coalitions that'],
  [56, 'Emphasise the extent of the'],
  [69, 'Engage the input of large'],
  [70, 'Protect the network now while'],
  [71, 'Human rights are moving online;'],
  [72, 'Human rights actors need to'],
  [75, 'More collaboration at the community'],
  [76, 'The UN could create a'],
  [77, 'Challenge impunity: put in place'],
  [78, 'Make public procurement more transparent.'],
  [79, 'Look at the financial system'],
  [80, 'Engage business at every opportunity.'],
  [86, 'Build stronger coalitions:'],
  [87, 'Change the narrative:'],
  [88, 'Strengthen relationships between HRDs and'],
  [89, 'Regional and international NGOs should'],
  [90, 'Support for the work of'],
  [91, 'Consider a digital security protocol'],
];

// ---------------------------------------------------------------------------------------------
// The import / export file format, as the contract names it.

const COLUMNS = [
  'code',
  'text',
  'theme',
  'source_document',
  'source_paragraph',
  'sdg_targets',
  'tags',
  'recommending_state',
  'mechanism',
  'response',
] as const;
type Column = (typeof COLUMNS)[number];
type FileRow = Partial<Record<Column, string>> & { code: string };

const DEFAULTS: Record<Column, string> = {
  code: '',
  text: 'A recommendation made for a test.',
  theme: 'Test theme',
  source_document: 'Test report (2024)',
  source_paragraph: '1',
  sdg_targets: '',
  tags: '',
  recommending_state: '',
  mechanism: '',
  response: '',
};

const cellsOf = (row: FileRow): string[] => COLUMNS.map((c) => row[c] ?? DEFAULTS[c]);
const csvFile = (rows: FileRow[]): string => writeCsv([[...COLUMNS], ...rows.map(cellsOf)]);
const jsonRowOf = (row: FileRow) =>
  Object.fromEntries(
    COLUMNS.map((c) => [
      c,
      c === 'sdg_targets' || c === 'tags'
        ? (row[c] ?? '').split(';').filter(Boolean)
        : (row[c] ?? DEFAULTS[c]),
    ]),
  );

/** What the API shows for a row it imported. */
function expectedFor(row: FileRow): Omit<Recommendation, 'id' | 'createdAt' | 'updatedAt'> {
  const list = (value = '') =>
    value
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean);
  const cell = (c: Column) => row[c] ?? DEFAULTS[c];
  return {
    code: row.code.trim().toUpperCase(),
    text: cell('text'),
    theme: cell('theme'),
    source: { document: cell('source_document'), paragraph: cell('source_paragraph') },
    sdgTargets: list(row.sdg_targets),
    tags: list(row.tags).map((t) => t.toLowerCase()),
    recommendingState: row.recommending_state || null,
    mechanism: row.mechanism || null,
    response: (row.response?.toLowerCase() || null) as Recommendation['response'],
  };
}

const token = () => randomBytes(4).toString('hex').toUpperCase();
const withoutUpdatedAt = <T extends { updatedAt: string }>({ updatedAt: _, ...rest }: T) => rest;
const paragraphOf = (r: Recommendation) => Number(r.source.paragraph);

/** Every recommendation, in list order (pages of 100). */
async function everything(client: AccordClient): Promise<Recommendation[]> {
  const all: Recommendation[] = [];
  for (let page = 1; ; page++) {
    const res = await client.recommendations.list({ page, limit: 100 });
    all.push(...res.items);
    if (all.length >= res.total || res.items.length === 0) return all;
  }
}

async function codesOf(client: AccordClient, query: Record<string, string>): Promise<string[]> {
  const res = await client.recommendations.list({ ...query, limit: 100 });
  expect(res.total).toBe(res.items.length);
  return res.items.map((r) => r.code);
}

function importRaw(user: TestUser, body: string, contentType: string): Promise<RawResponse> {
  return user.client.raw('POST', '/recommendations/import', {
    rawBody: body,
    headers: { 'content-type': contentType },
  });
}

function importMultipart(
  user: { client: AccordClient },
  content: BlobPart,
  { type = 'text/csv', filename = 'catalogue.csv', field = 'file' } = {},
): Promise<RawResponse> {
  const form = new FormData();
  form.append(field, new Blob([content], { type }), filename);
  return user.client.raw('POST', '/recommendations/import', { rawBody: form });
}

function exportRaw(client: AccordClient, format: string): Promise<RawResponse<unknown>> {
  return client.raw('GET', '/recommendations/export', { query: { format } });
}

/** The records of an exported CSV whose code is one of `codes`, as cells. */
function exportedRecords(csv: string, codes: string[]): string[][] {
  return parseCsv(csv)
    .slice(1)
    .filter((record) => codes.includes(record[0]));
}

const byCode = (a: string[], b: string[]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** Platform admins: one address per test that needs one. */
const ADMINS = {
  identity: uniqueEmail('identity'),
  create: uniqueEmail('create'),
  csvRoundTrip: uniqueEmail('csvtrip'),
  jsonRoundTrip: uniqueEmail('jsontrip'),
  multipart: uniqueEmail('multipart'),
  bom: uniqueEmail('bom'),
  badFile: uniqueEmail('badfile'),
  badHeader: uniqueEmail('badheader'),
  tooLarge: uniqueEmail('toolarge'),
  mediaType: uniqueEmail('mediatype'),
  formulas: uniqueEmail('formulas'),
  unique: uniqueEmail('unique'),
  concurrentNew: uniqueEmail('concurrentnew'),
  concurrentAll: uniqueEmail('concurrentall'),
  restart: uniqueEmail('restart'),
};
const ADMIN_EMAILS = Object.values(ADMINS).join(',');

describe('recommendations (real engine, real HTTP)', () => {
  // Passport keeps one "jwt" strategy per process, the last app's: so the apps of this file run
  // one after another, never side by side.
  const admin = (email: string, app: TestApp) => registerUser(app.client(), { email });

  describe('with the WP1515 catalogue as loaded (an app whose catalogue no test changes)', () => {
    let pristine: TestApp;
    let reader: TestUser;

    beforeAll(async () => {
      pristine = await startTestApp({ ADMIN_EMAILS });
      reader = await registerUser(pristine.client());
    });

    afterAll(async () => {
      await pristine?.close();
    });

    describe('the WP1515 catalogue loaded at start', () => {
      it('holds exactly 48 recommendations, WP1515-<paragraph>, in paragraph order, 20 a page', async () => {
        const seen: Recommendation[] = [];
        for (const page of [1, 2, 3]) {
          const res = await reader.client.recommendations.list({ page, limit: 20 });
          expect(res).toMatchObject({ total: 48, page, limit: 20 });
          expect(res.items).toHaveLength(page < 3 ? 20 : 8);
          seen.push(...res.items);
        }
        expect(seen.map((r) => r.code)).toEqual(CODES);
        expect(seen.map((r) => r.source)).toEqual(
          PARAGRAPHS.map((p) => ({ document: DOCUMENT, paragraph: String(p) })),
        );
        expect(seen.map(paragraphOf)).toEqual([...seen.map(paragraphOf)].sort((a, b) => a - b));
        expect(new Set(seen.map((r) => r.id)).size).toBe(48);
        for (const r of seen) {
          expect(r.id).toMatch(/^[0-9a-f]{24}$/);
          expect(r).toMatchObject({ recommendingState: null, mechanism: null, response: null });
          expect(new Date(r.createdAt).toISOString()).toBe(r.createdAt);
        }
        expect(await reader.client.recommendations.list({ page: 4, limit: 20 })).toMatchObject({
          items: [],
          total: 48,
          page: 4,
        });
        // The default page is the first 20.
        const first = await reader.client.recommendations.list();
        expect(first).toMatchObject({ total: 48, page: 1, limit: 20 });
        expect(first.items.map((r) => r.code)).toEqual(CODES.slice(0, 20));
      });

      it('shows every recommendation with every field of the contract, lists as arrays', async () => {
        const keys = [
          'code',
          'createdAt',
          'id',
          'mechanism',
          'recommendingState',
          'response',
          'sdgTargets',
          'source',
          'tags',
          'text',
          'theme',
          'updatedAt',
        ];
        const all = await everything(reader.client);
        for (const r of all) {
          expect({ code: r.code, keys: Object.keys(r).sort() }).toEqual({ code: r.code, keys });
          expect(Array.isArray(r.sdgTargets)).toBe(true);
          expect(r.tags.length).toBeGreaterThan(0);
        }
        const sdgs = Object.fromEntries(all.map((r) => [r.code, r.sdgTargets]));
        expect(sdgs['WP1515-6']).toEqual([]);
        expect(sdgs['WP1515-40']).toEqual(['16.4', '17.1']);
        expect(all.filter((r) => r.sdgTargets.length > 0).map((r) => r.code)).toEqual(
          [10, 39, 40, 42, 43, 55, 71, 75, 76, 77, 79].map((p) => `WP1515-${p}`),
        );
        // The JSON export has every column for every row too.
        const json = JSON.parse(await reader.client.recommendations.export('json')) as object[];
        expect(json).toHaveLength(48);
        for (const row of json) expect(Object.keys(row)).toEqual([...COLUMNS]);
      });

      it('stores each loaded recommendation with every field, empty lists and nulls included', async () => {
        const db = await MongoClient.connect(pristine.mongodbUri);
        try {
          const docs = await db.db().collection('recommendations').find().toArray();
          expect(docs).toHaveLength(48);
          for (const doc of docs) {
            expect({
              code: doc.code,
              sdgTargets: Array.isArray(doc.sdgTargets),
              tags: Array.isArray(doc.tags),
              recommendingState: doc.recommendingState,
              mechanism: doc.mechanism,
              response: doc.response,
            }).toEqual({
              code: doc.code,
              sdgTargets: true,
              tags: true,
              recommendingState: null,
              mechanism: null,
              response: null,
            });
          }
        } finally {
          await db.close();
        }
      });

      it('gives each recommendation the title of its report section as its theme', async () => {
        const all = await everything(reader.client);
        expect(all.map((r) => [r.code, r.theme])).toEqual(
          PARAGRAPHS.map((p) => [`WP1515-${p}`, THEME_OF.get(p)]),
        );
        expect(new Set(all.map((r) => r.theme)).size).toBe(8);
      });

      it('starts each text with the opening words of its paragraph in the report', async () => {
        const all = await everything(reader.client);
        expect(OPENINGS.map(([p]) => p)).toEqual(PARAGRAPHS);
        for (const [paragraph, words] of OPENINGS) {
          const r = all.find((x) => x.code === `WP1515-${paragraph}`)!;
          expect({ code: r.code, start: r.text.slice(0, words.length) }).toEqual({
            code: r.code,
            start: words,
          });
        }
        for (const r of all) {
          // No page footers, bullet glyphs or stray paragraph numbers made it into a text.
          expect(r.text).not.toMatch(/Page \d+ of \d+|[\uE000-\uF8FF]|(^|\s)\d{1,2}\. [A-Z]/);
          expect(r.text).toBe(r.text.trim());
        }
        const text = (p: number) => all.find((x) => x.code === `WP1515-${p}`)!.text;
        expect(text(49)).toBe(
          'Continue to develop a binding international convention to uphold human rights in global supply chains, building on the foundations laid by the Business and Human Rights Guiding Principles.',
        );
        expect(text(23)).toBe('Treaty bodies: establish a single body for complaints.');
        expect(text(91)).toBe('Consider a digital security protocol for HRDs.');
        // Paragraphs that run over a page break are whole, without the footer.
        expect(text(9)).toMatch(
          /countering the narrative which characterises human rights as bound up in Western values\.$/,
        );
        expect(text(21)).toContain('by certain global powers. The election of President Trump');
        expect(text(21)).toMatch(/enhanced credibility of members\.$/);
        // Pull quotes set between paragraphs are not part of them.
        expect(text(53)).toMatch(/should also be a requirement\.$/);
        expect(text(70)).toMatch(/digital mapping of human rights violations\.$/);
      });

      it('keeps the bullet points of paragraph 86 (and 87) as lines starting with "- "', async () => {
        const p86 = (await reader.client.recommendations.get('WP1515-86')).text.split('\n');
        expect(p86).toEqual([
          'Build stronger coalitions:',
          '- The HRD community could strengthen national networks to engage with their governments in a more co-ordinated way.',
          '- Create national coalitions to prevent civil society space from shrinking and enhance the opportunity for NGOs to share best practice. However, competition for overseas funding between national NGOs, can complicate the creation of coalitions.',
          '- Civil society could find common ground by eg. creating emergency reaction mechanisms.',
          '- NGOs should build broad alliances to include social movements, religious leaders and other actors.',
          '- Identify opportunities to build consensus in collective spaces other than the UN system (e.g. Open Government Partnership, Community of Democracies, Task Force on Money Laundering).',
          '- Reform the NGO Committee in New York to increase effectiveness and make it less politicised.',
        ]);
        const p87 = (await reader.client.recommendations.get('WP1515-87')).text.split('\n');
        expect(p87[0]).toBe('Change the narrative:');
        expect(p87).toHaveLength(7);
        expect(p87.slice(1).every((line) => line.startsWith('- '))).toBe(true);
        expect(p87[6]).toBe(
          '- A change in narrative should be rooted in the local environment in order to convince the population. Cities can play a significant role in bringing human rights “closer to the people”.',
        );
        // The other paragraphs are one line each.
        const multiLine = (await everything(reader.client)).filter((r) => r.text.includes('\n'));
        expect(multiLine.map((r) => r.code)).toEqual(['WP1515-86', 'WP1515-87']);
      });
    });

    describe('filters and paging', () => {
      it('filters by theme, case-insensitively', async () => {
        expect(
          await codesOf(reader.client, { theme: 'corruption AS A THREAT to Human Rights' }),
        ).toEqual(['WP1515-75', 'WP1515-76', 'WP1515-77', 'WP1515-78', 'WP1515-79', 'WP1515-80']);
        expect(
          await codesOf(reader.client, {
            theme: 'HUMAN RIGHTS ENGAGEMENT AND PROTECTION IN THE UN AND REGIONAL SYSTEMS',
          }),
        ).toEqual([20, 21, 22, 23, 24, 25, 26, 30, 31, 32].map((p) => `WP1515-${p}`));
        for (const [theme] of SECTIONS) {
          const expected = PARAGRAPHS.filter((p) => THEME_OF.get(p) === theme);
          expect(await codesOf(reader.client, { theme: theme.toLowerCase() })).toEqual(
            expected.map((p) => `WP1515-${p}`),
          );
        }
        expect((await reader.client.recommendations.list({ theme: 'No such theme' })).total).toBe(
          0,
        );
      });

      it('searches code and text with q, case-insensitively', async () => {
        expect(await codesOf(reader.client, { q: 'corruption' })).toEqual([
          'WP1515-75',
          'WP1515-76',
        ]);
        expect(await codesOf(reader.client, { q: 'CORRUPTION' })).toEqual([
          'WP1515-75',
          'WP1515-76',
        ]);
        expect(await codesOf(reader.client, { q: 'wp1515-77' })).toEqual(['WP1515-77']);
        expect(await codesOf(reader.client, { q: 'WP1515-7' })).toEqual(
          [7, 70, 71, 72, 75, 76, 77, 78, 79].map((p) => `WP1515-${p}`),
        );
        expect(await codesOf(reader.client, { q: 'binding INTERNATIONAL convention' })).toEqual([
          'WP1515-49',
        ]);
        // Regular-expression characters are plain text.
        expect(await codesOf(reader.client, { q: '(e.g.' })).toEqual(['WP1515-21', 'WP1515-86']);
        expect((await reader.client.recommendations.list({ q: '.*' })).total).toBe(0);
        expect((await reader.client.recommendations.list({ q: 'zzz-no-such-words' })).total).toBe(
          0,
        );
      });

      it('filters by SDG target, and combines filters', async () => {
        expect(await codesOf(reader.client, { sdg: '16.4' })).toEqual(['WP1515-40', 'WP1515-79']);
        expect(await codesOf(reader.client, { sdg: '16.10' })).toEqual(['WP1515-71']);
        expect(await codesOf(reader.client, { sdg: '17.17' })).toEqual(['WP1515-42', 'WP1515-55']);
        expect(await codesOf(reader.client, { sdg: '16.1' })).toEqual([]);
        expect(
          await codesOf(reader.client, {
            sdg: '16.4',
            theme: 'Corruption as a threat to human rights',
          }),
        ).toEqual(['WP1515-79']);
        expect(await codesOf(reader.client, { q: 'illicit', sdg: '16.4' })).toEqual([
          'WP1515-40',
          'WP1515-79',
        ]);
      });

      it('pages a filtered list with its total', async () => {
        const theme = 'The role of business in advancing human rights';
        const pages = [];
        for (const page of [1, 2, 3]) {
          pages.push(await reader.client.recommendations.list({ theme, page, limit: 3 }));
        }
        expect(pages.map((p) => [p.total, p.page, p.limit])).toEqual([
          [8, 1, 3],
          [8, 2, 3],
          [8, 3, 3],
        ]);
        expect(pages.flatMap((p) => p.items.map(paragraphOf))).toEqual([
          49, 50, 51, 52, 53, 54, 55, 56,
        ]);
        const big = await reader.client.recommendations.list({ limit: 100 });
        expect(big.items).toHaveLength(48);
      });

      it.each([
        [{ sdg: '16' }, 'sdg'],
        [{ sdg: '16.4; 16.5' }, 'sdg'],
        [{ limit: 101 }, 'limit'],
        [{ page: 0 }, 'page'],
        [{ theme: 'x'.repeat(201) }, 'theme'],
        [{ unknown: 'x' }, 'unknown'],
      ])('refuses %p with a 400 naming %p', async (query, field) => {
        const res = await reader.client.raw('GET', '/recommendations', { query });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ code: 'VALIDATION' });
        const details = (res.body as { details?: { field: string }[] }).details ?? [];
        expect(details.map((d) => d.field)).toEqual([field]);
      });
    });

    describe('one recommendation', () => {
      it('is found by id and by code in any case, with its coalitions', async () => {
        const [listed] = (await reader.client.recommendations.list({ q: 'WP1515-49' })).items;
        const byId = await reader.client.recommendations.get(listed.id);
        expect(byId).toEqual({ ...listed, coalitionCount: 0, coalitions: [] });
        for (const code of ['WP1515-49', 'wp1515-49', 'Wp1515-49']) {
          const res = await reader.client.raw<RecommendationDetail>(
            'GET',
            `/recommendations/${encodeURIComponent(code)}`,
          );
          expect(res.status).toBe(200);
          expect(res.body).toEqual(byId);
        }
        expect(byId).toMatchObject({
          code: 'WP1515-49',
          theme: 'The role of business in advancing human rights',
          source: { document: DOCUMENT, paragraph: '49' },
        });
      });

      it.each(['WP1515-1', 'WP1515-11', 'WP1515-49x', new ObjectId().toHexString(), 'nothing'])(
        'answers 404 for %p',
        async (idOrCode) => {
          const error = await apiError(reader.client.recommendations.get(idOrCode));
          expect(error.status).toBe(404);
          expect(error.code).toBe('NOT_FOUND');
          expect(error.message).toContain(idOrCode);
        },
      );
    });

    it('refuses an export format other than csv or json with a 400 naming format', async () => {
      const res = await exportRaw(reader.client, 'xlsx');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION', details: [{ field: 'format' }] });
    });

    describe('export then import', () => {
      it('re-imports its own CSV export as {created: 0, updated: 48}, changing nothing', async () => {
        const chair = await admin(ADMINS.identity, pristine);
        const before = await everything(chair.client);
        const csv = await chair.client.recommendations.export('csv');
        expect(csv.split('\r\n')[0]).toBe(COLUMNS.join(','));
        expect(parseCsv(csv)).toHaveLength(49);

        expect(await chair.client.recommendations.importCsv(csv)).toEqual({
          created: 0,
          updated: 48,
        });

        const after = await everything(chair.client);
        expect(after.map(withoutUpdatedAt)).toEqual(before.map(withoutUpdatedAt));
        expect(await chair.client.recommendations.export('csv')).toBe(csv);
        // And the JSON export says the same in JSON.
        const json = JSON.parse(await chair.client.recommendations.export('json')) as Record<
          Column,
          unknown
        >[];
        expect(json.map((row) => Object.keys(row))).toEqual(json.map(() => [...COLUMNS]));
        expect(
          json.map((row) =>
            COLUMNS.map((c) => (Array.isArray(row[c]) ? row[c].join(';') : row[c])),
          ),
        ).toEqual(parseCsv(csv).slice(1));
        expect(json.find((row) => row.code === 'WP1515-40')).toMatchObject({
          sdg_targets: ['16.4', '17.1'],
          tags: ['taxation', 'illicit-financial-flows', 'development'],
        });
      });
    });
  });

  describe('import and export (an app the import tests write to, each with its own codes)', () => {
    let t: TestApp;
    let mongo: MongoClient;

    beforeAll(async () => {
      t = await startTestApp({ ADMIN_EMAILS });
      mongo = await MongoClient.connect(t.mongodbUri);
    });

    afterAll(async () => {
      await mongo?.close();
      await t?.close();
    });

    const stored = () => mongo.db().collection('recommendations');
    const storedCount = () => stored().countDocuments();

    describe('import (platform admins)', () => {
      it('creates new rows and updates existing ones by code, counting each', async () => {
        const chair = await admin(ADMINS.create, t);
        const tok = token();
        const theme = `Import theme ${tok}`;
        const rows: FileRow[] = [
          {
            code: `imp-${tok}-1`,
            text: 'First imported recommendation.',
            theme,
            source_paragraph: '140.7',
            sdg_targets: '16.10; 16.a',
            tags: 'Civic-Space; hrd',
            recommending_state: 'Kenya',
            mechanism: 'UPR',
            response: 'Supported',
          },
          { code: `IMP-${tok}-2`, text: 'Second imported recommendation.', theme },
        ];
        const countBefore = await storedCount();
        expect(await chair.client.recommendations.importCsv(csvFile(rows))).toEqual({
          created: 2,
          updated: 0,
        });
        expect(await storedCount()).toBe(countBefore + 2);
        const first = await chair.client.recommendations.get(`IMP-${tok}-1`);
        expect(first).toMatchObject(expectedFor(rows[0]));
        expect(first).toMatchObject({
          code: `IMP-${tok}-1`,
          sdgTargets: ['16.10', '16.a'],
          tags: ['civic-space', 'hrd'],
          response: 'supported',
        });
        expect(await codesOf(chair.client, { theme })).toEqual([`IMP-${tok}-2`, `IMP-${tok}-1`]);

        // One changed, one new: 1 created, 1 updated; the changed one keeps its id.
        const next: FileRow[] = [
          { ...rows[0], text: 'First, revised.', response: 'noted' },
          { code: `IMP-${tok}-3`, text: 'Third.', theme },
        ];
        expect(await chair.client.recommendations.importCsv(csvFile(next))).toEqual({
          created: 1,
          updated: 1,
        });
        const revised = await chair.client.recommendations.get(`IMP-${tok}-1`);
        expect(revised).toMatchObject({ id: first.id, text: 'First, revised.', response: 'noted' });
        expect(revised.createdAt).toBe(first.createdAt);
        expect(await storedCount()).toBe(countBefore + 3);
        expect(await stored().countDocuments({ code: `IMP-${tok}-1` })).toBe(1);
      });

      it('round-trips commas, quotes, line breaks and non-ASCII names through CSV exactly', async () => {
        const chair = await admin(ADMINS.csvRoundTrip, t);
        const tok = token();
        const rows: FileRow[] = [
          {
            code: `CSV-${tok}-1`,
            text: 'Ratify the convention, "without reservations", by 2030.',
            theme: `Thème, "quoted" ${tok}`,
            source_document: 'UPR Côte d’Ivoire (2019), annex "B"',
            source_paragraph: '140.7',
            sdg_targets: '16.10;16.a',
            tags: 'civic-space;hrd',
            recommending_state: 'Côte d’Ivoire',
            mechanism: 'UPR',
            response: 'supported',
          },
          {
            code: `CSV-${tok}-2`,
            text: 'First line\nSecond line, with a comma\r\nThird line: 中文 and 🌍✊🏿',
            theme: `Thème, "quoted" ${tok}`,
            recommending_state: 'Łódź',
            mechanism: 'Treaty body',
            response: 'noted',
          },
          {
            code: `CSV-${tok}-3`,
            text: '"Quoted from the first character", then plain; São Tomé e Príncipe',
            theme: `Thème, "quoted" ${tok}`,
            recommending_state: 'São Tomé and Príncipe',
          },
        ];
        const codes = rows.map((r) => r.code);
        expect(await chair.client.recommendations.importCsv(csvFile(rows))).toEqual({
          created: 3,
          updated: 0,
        });
        const imported = await Promise.all(codes.map((c) => chair.client.recommendations.get(c)));
        imported.forEach((r, i) => expect(r).toMatchObject(expectedFor(rows[i])));

        const csv = await chair.client.recommendations.export('csv');
        expect(csv).toContain(
          `CSV-${tok}-2,"First line\nSecond line, with a comma\r\nThird line: 中文 and 🌍✊🏿","Thème, ""quoted"" ${tok}"`,
        );
        expect(csv).toContain(
          `"""Quoted from the first character"", then plain; São Tomé e Príncipe"`,
        );
        expect(exportedRecords(csv, codes).sort(byCode)).toEqual(rows.map(cellsOf));

        const total = (await chair.client.recommendations.list()).total;
        expect(await chair.client.recommendations.importCsv(csv)).toEqual({
          created: 0,
          updated: total,
        });
        const again = await Promise.all(codes.map((c) => chair.client.recommendations.get(c)));
        expect(again.map(withoutUpdatedAt)).toEqual(imported.map(withoutUpdatedAt));
        expect(await chair.client.recommendations.export('csv')).toBe(csv);
      });

      it('round-trips through its JSON export exactly', async () => {
        const chair = await admin(ADMINS.jsonRoundTrip, t);
        const tok = token();
        const rows: FileRow[] = [
          {
            code: `JSON-${tok}-1`,
            text: 'Line one,\n"line two" — Łódź, 中文, 🌍',
            theme: `JSON theme ${tok}`,
            sdg_targets: '5.1;16.b',
            tags: 'gender;equality',
            recommending_state: 'Côte d’Ivoire',
            mechanism: 'UPR',
            response: 'noted',
          },
          { code: `JSON-${tok}-2`, text: '=1+1 stays text', theme: `JSON theme ${tok}` },
        ];
        const codes = rows.map((r) => r.code);
        expect(await chair.client.recommendations.importJson(rows.map(jsonRowOf))).toEqual({
          created: 2,
          updated: 0,
        });
        const imported = await Promise.all(codes.map((c) => chair.client.recommendations.get(c)));
        imported.forEach((r, i) => expect(r).toMatchObject(expectedFor(rows[i])));

        const res = await exportRaw(chair.client, 'json');
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(res.headers.get('content-disposition')).toMatch(
          /^attachment; filename="accord-recommendations-\d{4}-\d{2}-\d{2}\.json"$/,
        );
        const exported = JSON.parse(res.text) as Record<string, unknown>[];
        expect(exported.filter((row) => codes.includes(row.code as string))).toEqual(
          rows.map(jsonRowOf),
        );

        expect(await chair.client.recommendations.importJson(exported)).toEqual({
          created: 0,
          updated: exported.length,
        });
        const again = await Promise.all(codes.map((c) => chair.client.recommendations.get(c)));
        expect(again.map(withoutUpdatedAt)).toEqual(imported.map(withoutUpdatedAt));
        expect((await exportRaw(chair.client, 'json')).text).toBe(res.text);
      });

      it('takes the same file as the multipart field "file", CSV or JSON', async () => {
        const chair = await admin(ADMINS.multipart, t);
        const tok = token();
        const theme = `Multipart ${tok}`;
        const csvRows: FileRow[] = [
          { code: `MP-${tok}-1`, text: 'Via multipart, "quoted", Łódź.\nSecond line.', theme },
          { code: `MP-${tok}-2`, text: 'Second via multipart.', theme, sdg_targets: '16.10' },
        ];
        const csvRes = await importMultipart(chair, csvFile(csvRows));
        expect(csvRes.status).toBe(200);
        expect(csvRes.body).toEqual({ created: 2, updated: 0 });
        for (const row of csvRows) {
          expect(await chair.client.recommendations.get(row.code)).toMatchObject(expectedFor(row));
        }

        // JSON, known by its type or by its file name; the same codes again are updates.
        const jsonRows: FileRow[] = [
          { ...csvRows[0], text: 'Updated through JSON.' },
          { code: `MP-${tok}-3`, text: 'Third, JSON.', theme },
        ];
        const json = JSON.stringify(jsonRows.map(jsonRowOf));
        const byType = await importMultipart(chair, json, {
          type: 'application/json',
          filename: 'upload',
        });
        expect(byType.body).toEqual({ created: 1, updated: 1 });
        const byName = await importMultipart(chair, json, {
          type: 'application/octet-stream',
          filename: 'catalogue.JSON',
        });
        expect(byName.body).toEqual({ created: 0, updated: 2 });
        expect((await chair.client.recommendations.get(`MP-${tok}-1`)).text).toBe(
          'Updated through JSON.',
        );
        expect(await codesOf(chair.client, { theme })).toEqual([
          `MP-${tok}-1`,
          `MP-${tok}-2`,
          `MP-${tok}-3`,
        ]);

        // A JSON file that is not JSON, and a form without the "file" field: 400, nothing stored.
        const count = await storedCount();
        const notJson = await importMultipart(chair, `[{"code": "MP-${tok}-4"`, {
          type: 'application/json',
          filename: 'x.json',
        });
        expect(notJson.status).toBe(400);
        expect(notJson.body).toMatchObject({
          code: 'VALIDATION',
          details: [{ field: 'file', message: expect.stringContaining('not valid JSON') }],
        });
        const wrongField = await importMultipart(chair, csvFile([{ code: `MP-${tok}-5`, theme }]), {
          field: 'upload',
        });
        expect(wrongField.status).toBe(400);
        const noFile = new FormData();
        noFile.append('note', 'no file here');
        const empty = await chair.client.raw('POST', '/recommendations/import', {
          rawBody: noFile,
        });
        expect(empty.status).toBe(400);
        expect(empty.body).toMatchObject({ code: 'VALIDATION', details: [{ field: 'file' }] });
        expect(await storedCount()).toBe(count);
        expect(
          await stored().countDocuments({ code: { $in: [`MP-${tok}-4`, `MP-${tok}-5`] } }),
        ).toBe(0);
      });

      it('accepts a UTF-8 byte-order mark at the start of the file', async () => {
        const chair = await admin(ADMINS.bom, t);
        const tok = token();
        const theme = `BOM ${tok}`;
        const bom = '\uFEFF';
        const asBody = await importRaw(
          chair,
          bom + csvFile([{ code: `BOM-${tok}-1`, text: 'Body with a BOM.', theme }]),
          'text/csv; charset=utf-8',
        );
        expect(asBody.status).toBe(200);
        expect(asBody.body).toEqual({ created: 1, updated: 0 });

        const bytes = Buffer.concat([
          Buffer.from([0xef, 0xbb, 0xbf]),
          Buffer.from(csvFile([{ code: `BOM-${tok}-2`, text: 'Multipart with a BOM.', theme }])),
        ]);
        const asFile = await importMultipart(chair, new Uint8Array(bytes));
        expect(asFile.body).toEqual({ created: 1, updated: 0 });

        const jsonBytes = Buffer.concat([
          Buffer.from([0xef, 0xbb, 0xbf]),
          Buffer.from(JSON.stringify([jsonRowOf({ code: `BOM-${tok}-3`, theme })])),
        ]);
        const asJsonFile = await importMultipart(chair, new Uint8Array(jsonBytes), {
          type: 'application/json',
          filename: 'catalogue.json',
        });
        expect(asJsonFile.body).toEqual({ created: 1, updated: 0 });

        const found = await chair.client.recommendations.list({ theme });
        expect(found.items.map((r) => r.code).sort()).toEqual(
          [`BOM-${tok}-1`, `BOM-${tok}-2`, `BOM-${tok}-3`].sort(),
        );
        // The mark is not part of the first column's name or of the first code.
        expect(found.items.every((r) => !r.code.includes(bom))).toBe(true);
      });

      it('refuses a bad file with 400 listing EVERY {row, field, message}, and stores nothing', async () => {
        const chair = await admin(ADMINS.badFile, t);
        const tok = token();
        const theme = `Bad file ${tok}`;
        const original = await chair.client.recommendations.get('WP1515-49');
        const countBefore = await storedCount();
        const totalBefore = (await chair.client.recommendations.list()).total;

        const csv =
          csvFile([
            { code: `BAD-${tok}-OK`, text: 'A valid row that must not be stored.', theme },
            { code: 'WP1515-49', text: 'A valid change that must not be stored.', theme },
            { code: `BAD-${tok}-3`, text: '', theme: ' ' },
            { code: `BAD-${tok}-4`, theme, sdg_targets: '16.10;18.1;16' },
            { code: `BAD-${tok}-5`, theme, source_paragraph: 'para 5' },
            { code: `BAD-${tok}-6`, theme, response: 'maybe' },
            { code: `bad-${tok}-ok`, theme },
          ]) + `BAD-${tok}-9,only three,fields\r\n`;
        const res = await importRaw(chair, csv, 'text/csv');
        expect(res.status).toBe(400);
        const body = res.body as { code: string; message: string; details: unknown[] };
        expect(body).toMatchObject({
          statusCode: 400,
          code: 'VALIDATION',
          message: 'The file has 10 problems; nothing was imported',
        });
        expect(body.details).toEqual([
          { row: 4, field: 'text', message: 'text is required' },
          { row: 4, field: 'theme', message: 'theme is required' },
          { row: 5, field: 'sdg_targets', message: expect.stringContaining('"18.1"') },
          { row: 5, field: 'sdg_targets', message: expect.stringContaining('"16"') },
          { row: 6, field: 'source_paragraph', message: expect.stringContaining('"para 5"') },
          { row: 7, field: 'response', message: expect.stringContaining('"maybe"') },
          { row: 8, field: 'code', message: `code BAD-${tok}-OK already appears in row 2` },
          { row: 9, field: 'row', message: 'Row 9 has 3 fields; the header has 10' },
          { row: 9, field: 'source_document', message: 'source_document is required' },
          { row: 9, field: 'source_paragraph', message: 'source_paragraph is required' },
        ]);

        // The same problems through JSON, numbered by position.
        const jsonRes = await chair.client.raw('POST', '/recommendations/import', {
          body: [
            jsonRowOf({ code: `BAD-${tok}-J1`, theme }),
            { ...jsonRowOf({ code: `BAD-${tok}-J2`, theme }), response: 'maybe', colour: 'red' },
            'not a row',
          ],
        });
        expect(jsonRes.status).toBe(400);
        expect((jsonRes.body as { details: unknown[] }).details).toEqual([
          { row: 2, field: 'colour', message: expect.stringContaining('Unknown field "colour"') },
          { row: 2, field: 'response', message: expect.stringContaining('"maybe"') },
          { row: 3, field: 'row', message: 'Each row must be a JSON object' },
          ...['code', 'text', 'theme', 'source_document', 'source_paragraph'].map((field) => ({
            row: 3,
            field,
            message: `${field} is required`,
          })),
        ]);

        // Nothing stored: no new row, and the valid change to WP1515-49 not made.
        expect(await storedCount()).toBe(countBefore);
        expect((await chair.client.recommendations.list()).total).toBe(totalBefore);
        expect(await stored().countDocuments({ theme })).toBe(0);
        expect(await chair.client.recommendations.get('WP1515-49')).toEqual(original);
        const missing = await apiError(chair.client.recommendations.get(`BAD-${tok}-OK`));
        expect(missing.status).toBe(404);
      });

      it('refuses a broken header or CSV syntax with 400 naming row and field', async () => {
        const chair = await admin(ADMINS.badHeader, t);
        const tok = token();
        const countBefore = await storedCount();
        const header = [...COLUMNS.filter((c) => c !== 'tags'), 'notes', 'text'];
        const badHeader = writeCsv([header, header.map(() => `H-${tok}`)]);
        const res = await importRaw(chair, badHeader, 'text/csv');
        expect(res.status).toBe(400);
        expect((res.body as { details: unknown[] }).details).toEqual([
          { row: 1, field: 'tags', message: 'The header has no tags column' },
          { row: 1, field: 'notes', message: expect.stringContaining('Unknown column "notes"') },
          { row: 1, field: 'text', message: 'The column text appears twice' },
        ]);

        const unclosed = `${csvFile([{ code: `SYN-${tok}-1` }])}SYN-${tok}-2,"never closed\r\n`;
        const syntax = await importRaw(chair, unclosed, 'text/csv');
        expect(syntax.status).toBe(400);
        expect((syntax.body as { details: unknown[] }).details).toEqual([
          { row: 3, field: 'file', message: 'A quoted field is never closed (line 3)' },
        ]);

        const empty = await importRaw(chair, `${COLUMNS.join(',')}\r\n`, 'text/csv');
        expect(empty.status).toBe(400);
        expect((empty.body as { details: unknown[] }).details).toEqual([
          { row: 1, field: 'file', message: 'The file holds no recommendations' },
        ]);
        const notArray = await chair.client.raw('POST', '/recommendations/import', {
          body: { recommendations: [] },
        });
        expect(notArray.status).toBe(400);
        expect(notArray.body).toMatchObject({ details: [{ row: 1, field: 'file' }] });
        expect(await storedCount()).toBe(countBefore);
      });

      it('takes a file of exactly 5 MB and answers 413 above it (CSV body, multipart, JSON)', async () => {
        const chair = await admin(ADMINS.tooLarge, t);
        const tok = token();
        const theme = `Large ${tok}`;
        const LIMIT = 5 * 1024 * 1024;
        // One row, made up to the size wanted with what a reader skips: blank lines in CSV,
        // white space in JSON. (Thousands of real rows would only make the test slow.)
        const csvOfSize = (code: string, bytes: number) => {
          const csv = csvFile([{ code, text: 'Sized to the limit.', theme }]);
          const padding = bytes - Buffer.byteLength(csv);
          return csv + '\r\n'.repeat(Math.floor(padding / 2)) + (padding % 2 ? '\n' : '');
        };
        const jsonOfSize = (code: string, bytes: number) => {
          const json = JSON.stringify([jsonRowOf({ code, text: 'Sized to the limit.', theme })]);
          return json + ' '.repeat(bytes - Buffer.byteLength(json));
        };

        const fit = csvOfSize(`FIT-${tok}-1`, LIMIT);
        expect(Buffer.byteLength(fit)).toBe(LIMIT);
        const asBody = await importRaw(chair, fit, 'text/csv');
        expect(asBody.status).toBe(200);
        expect(asBody.body).toEqual({ created: 1, updated: 0 });
        expect((await importMultipart(chair, csvOfSize(`FIT-${tok}-2`, LIMIT))).body).toEqual({
          created: 1,
          updated: 0,
        });
        const fitJson = jsonOfSize(`FIT-${tok}-3`, LIMIT);
        expect(Buffer.byteLength(fitJson)).toBe(LIMIT);
        expect((await importRaw(chair, fitJson, 'application/json')).body).toEqual({
          created: 1,
          updated: 0,
        });
        expect((await chair.client.recommendations.list({ theme })).total).toBe(3);

        const countBefore = await storedCount();
        const over = csvOfSize(`BIG-${tok}-1`, LIMIT + 1);
        expect(Buffer.byteLength(over)).toBe(LIMIT + 1);
        const attempts = [
          await importRaw(chair, over, 'text/csv'),
          await importMultipart(chair, over),
          await importRaw(chair, jsonOfSize(`BIG-${tok}-1`, LIMIT + 1), 'application/json'),
        ];
        for (const res of attempts) {
          expect(res.status).toBe(413);
          expect(res.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
          expect((res.body as { message: string }).message).toContain('5 MB');
        }
        expect(await storedCount()).toBe(countBefore);
        expect(await stored().countDocuments({ code: `BIG-${tok}-1` })).toBe(0);
      });

      it('refuses a user who is not a platform admin with 403, storing nothing', async () => {
        const member = await registerUser(t.client());
        expect(member.user.platformRole).not.toBe('admin');
        const tok = token();
        const countBefore = await storedCount();
        const row: FileRow = { code: `NA-${tok}`, text: 'Not allowed.' };
        const change: FileRow = { code: 'WP1515-49', text: 'Hijacked.' };
        const attempts = [
          await importRaw(member, csvFile([row, change]), 'text/csv'),
          await member.client.raw('POST', '/recommendations/import', {
            body: [row, change].map(jsonRowOf),
          }),
          await importMultipart(member, csvFile([row, change])),
        ];
        for (const res of attempts) {
          expect(res.status).toBe(403);
          expect(res.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
        }
        expect(await storedCount()).toBe(countBefore);
        expect(await stored().countDocuments({ code: `NA-${tok}` })).toBe(0);
        expect((await member.client.recommendations.get('WP1515-49')).text).toMatch(
          /^Continue to develop a binding international convention/,
        );
      });

      it('answers 415 for a content type other than CSV, JSON or multipart', async () => {
        const chair = await admin(ADMINS.mediaType, t);
        const tok = token();
        const countBefore = await storedCount();
        const csv = csvFile([{ code: `MT-${tok}` }]);
        for (const type of ['application/xml', 'text/html', 'application/octet-stream']) {
          const res = await importRaw(chair, csv, type);
          expect({ type, status: res.status }).toEqual({ type, status: 415 });
          expect(res.body).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
        }
        expect(await storedCount()).toBe(countBefore);
      });

      it("neutralises = + - @ at the start of CSV export cells with ', and takes it back on import", async () => {
        const chair = await admin(ADMINS.formulas, t);
        const tok = token();
        const rows: FileRow[] = [
          {
            code: `F-${tok}-1`,
            text: '=HYPERLINK("http://evil.example","click")',
            theme: `+Formula theme ${tok}`,
            tags: '-dash;=eq',
            recommending_state: '-State',
            mechanism: '@Mechanism',
          },
          { code: `F-${tok}-2`, text: '@everyone: see this', theme: `+Formula theme ${tok}` },
          { code: `F-${tok}-3`, text: '- a bullet first', theme: `+Formula theme ${tok}` },
        ];
        const codes = rows.map((r) => r.code);
        expect(await chair.client.recommendations.importCsv(csvFile(rows))).toEqual({
          created: 3,
          updated: 0,
        });
        const imported = await Promise.all(codes.map((c) => chair.client.recommendations.get(c)));
        expect(imported.map((r) => [r.text, r.theme, r.tags, r.recommendingState])).toEqual([
          [
            '=HYPERLINK("http://evil.example","click")',
            `+Formula theme ${tok}`,
            ['-dash', '=eq'],
            '-State',
          ],
          ['@everyone: see this', `+Formula theme ${tok}`, [], null],
          ['- a bullet first', `+Formula theme ${tok}`, [], null],
        ]);

        const res = await exportRaw(chair.client, 'csv');
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
        expect(res.headers.get('content-disposition')).toMatch(
          /^attachment; filename="accord-recommendations-\d{4}-\d{2}-\d{2}\.csv"$/,
        );
        const csv = res.text;
        expect(csv).toContain(
          `F-${tok}-1,"'=HYPERLINK(""http://evil.example"",""click"")",'+Formula theme ${tok},`,
        );
        expect(exportedRecords(csv, codes)).toEqual([
          [
            `F-${tok}-1`,
            `'=HYPERLINK("http://evil.example","click")`,
            `'+Formula theme ${tok}`,
            DEFAULTS.source_document,
            '1',
            '',
            "'-dash;=eq",
            "'-State",
            "'@Mechanism",
            '',
          ],
          [
            `F-${tok}-2`,
            "'@everyone: see this",
            `'+Formula theme ${tok}`,
            ...cellsOf(rows[1]).slice(3),
          ],
          [
            `F-${tok}-3`,
            "'- a bullet first",
            `'+Formula theme ${tok}`,
            ...cellsOf(rows[2]).slice(3),
          ],
        ]);
        for (const cell of parseCsv(csv).flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);

        // JSON is not a spreadsheet: its export carries the values as they are.
        const json = JSON.parse(await chair.client.recommendations.export('json')) as {
          code: string;
          text: string;
        }[];
        expect(json.find((r) => r.code === `F-${tok}-1`)?.text).toBe(
          '=HYPERLINK("http://evil.example","click")',
        );

        // Importing the export gives back the values without the apostrophe.
        await chair.client.recommendations.importCsv(csv);
        const again = await Promise.all(codes.map((c) => chair.client.recommendations.get(c)));
        expect(again.map(withoutUpdatedAt)).toEqual(imported.map(withoutUpdatedAt));
      });

      it('lets the unique index on code refuse a second WP1515-49', async () => {
        await admin(ADMINS.unique, t);
        const original = await stored().findOne({ code: 'WP1515-49' });
        expect(original).not.toBeNull();
        const { _id: _, ...copy } = original!;
        await expect(stored().insertOne({ ...copy })).rejects.toMatchObject({ code: 11000 });
        expect(await stored().countDocuments({ code: 'WP1515-49' })).toBe(1);
      });
    });

    describe('without a sign-in', () => {
      it('answers 401 on every recommendations route and stores nothing', async () => {
        const api = t.client();
        const tok = token();
        const countBefore = await storedCount();
        const csv = csvFile([{ code: `ANON-${tok}` }, { code: 'WP1515-49', text: 'Anonymous.' }]);
        const form = new FormData();
        form.append('file', new Blob([csv], { type: 'text/csv' }), 'catalogue.csv');
        const attempts: [string, string, Parameters<AccordClient['raw']>[2]][] = [
          ['GET', '/recommendations', {}],
          ['GET', '/recommendations/WP1515-49', {}],
          ['GET', '/recommendations/export', { query: { format: 'csv' } }],
          ['GET', '/recommendations/export', { query: { format: 'json' } }],
          [
            'POST',
            '/recommendations/import',
            { rawBody: csv, headers: { 'content-type': 'text/csv' } },
          ],
          ['POST', '/recommendations/import', { body: [jsonRowOf({ code: `ANON-${tok}` })] }],
          ['POST', '/recommendations/import', { rawBody: form }],
        ];
        for (const [method, path, init] of attempts) {
          const res = await api.raw(method, path, init);
          expect({ method, path, status: res.status }).toEqual({ method, path, status: 401 });
          expect(res.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
        }
        expect((await api.withToken('not.a.token').raw('GET', '/recommendations')).status).toBe(
          401,
        );
        expect(await storedCount()).toBe(countBefore);
        expect(await stored().countDocuments({ code: `ANON-${tok}` })).toBe(0);
        expect((await stored().findOne({ code: 'WP1515-49' }))?.text).not.toBe('Anonymous.');
      });
    });
  });

  describe('concurrent imports (on an engine of their own: what they guard against stalls the engine)', () => {
    let dataDir: string;
    let engine: EmbeddedEngine;
    let app: TestApp;
    let mongo: MongoClient;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'accord-concurrent-imports-'));
      engine = await EmbeddedEngine.start({ dataDir });
      app = await startTestApp({
        MONGODB_URI: `mongodb://127.0.0.1:${engine.port}/accord_concurrent`,
        ADMIN_EMAILS,
      });
      mongo = await MongoClient.connect(app.mongodbUri);
    });

    afterAll(async () => {
      // The engine first: requests a stalled engine still holds then fail, and the app can close.
      await engine?.stop();
      await mongo?.close(true);
      await app?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    const stored = () => mongo.db().collection('recommendations');
    /** Imports `csv` as `user`, `n` times at once. */
    const importAtOnce = (user: TestUser, csv: string, n: number) =>
      Promise.all(Array.from({ length: n }, () => importRaw(user, csv, 'text/csv')));

    it('answers each of 4 concurrent imports of the same new rows, storing each code once', async () => {
      const chair = await admin(ADMINS.concurrentNew, app);
      const tok = token();
      const theme = `Concurrent new ${tok}`;
      const rows: FileRow[] = Array.from({ length: 20 }, (_, i) => ({
        code: `CN-${tok}-${i + 1}`,
        theme,
      }));
      const results = await importAtOnce(chair, csvFile(rows), 4);
      // An upsert that races another one for a new code is an update, not a conflict.
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      for (const res of results) {
        // Each import accounts for each of its rows, as created or as updated.
        const { created, updated } = res.body as { created: number; updated: number };
        expect(created + updated).toBe(20);
      }
      expect(await stored().countDocuments({ theme })).toBe(20);
      for (const row of rows) expect(await stored().countDocuments({ code: row.code })).toBe(1);
    });

    it('answers each of 3 concurrent imports of the same 40 existing rows, and goes on serving', async () => {
      const chair = await admin(ADMINS.concurrentAll, app);
      const tok = token();
      const theme = `Concurrent existing ${tok}`;
      const rows: FileRow[] = Array.from({ length: 40 }, (_, i) => ({
        code: `CE-${tok}-${i + 1}`,
        theme,
      }));
      const csv = csvFile(rows);
      expect(await chair.client.recommendations.importCsv(csv)).toEqual({
        created: 40,
        updated: 0,
      });
      const before = (await chair.client.recommendations.list({ theme, limit: 100 })).items;

      // On FerretDB's SQLite backend, concurrent upserts of 30+ existing rows stall the engine:
      // this test then ends at its timeout rather than at an assertion.
      const results = await importAtOnce(chair, csv, 3);
      expect(results.map((r) => [r.status, r.body])).toEqual(
        results.map(() => [200, { created: 0, updated: 40 }]),
      );
      const after = (await chair.client.recommendations.list({ theme, limit: 100 })).items;
      expect(after.map(withoutUpdatedAt)).toEqual(before.map(withoutUpdatedAt));
      expect(await stored().countDocuments({ theme })).toBe(40);
    }, 15_000);
  });

  describe('loading at start', () => {
    it('is idempotent across restarts and never overwrites what an import changed', async () => {
      const uri = freshDatabaseUri();
      const tok = token();
      const first = await startTestApp({ MONGODB_URI: uri, ADMIN_EMAILS });
      let firstOpen = true;
      let second: TestApp | undefined;
      const db = await MongoClient.connect(uri);
      try {
        const chair = await admin(ADMINS.restart, first);
        expect((await chair.client.recommendations.list()).total).toBe(48);
        const changed: FileRow = {
          code: 'WP1515-49',
          text: `Changed by an import ${tok}.`,
          theme: `Changed theme ${tok}`,
          source_document: DOCUMENT,
          source_paragraph: '49',
          tags: 'changed',
        };
        expect(
          await chair.client.recommendations.importCsv(
            csvFile([changed, { code: `NEW-${tok}`, text: 'Added by import.' }]),
          ),
        ).toEqual({ created: 1, updated: 1 });
        const before = await everything(chair.client);
        await first.close();
        firstOpen = false;
        // While the app is down, one shipped recommendation disappears from the database.
        await db.db().collection('recommendations').deleteOne({ code: 'WP1515-91' });

        second = await startTestApp({ MONGODB_URI: uri, ADMIN_EMAILS });
        const login = await second.client().login(ADMINS.restart, PASSWORD);
        const client = second.client(login.accessToken);
        const after = await everything(client);
        expect(after).toHaveLength(49);
        expect(after.map((r) => r.code).filter((c) => c.startsWith('WP1515-'))).toEqual(CODES);
        // Everything that was there is as it was (ids and dates included), the change too.
        expect(after.filter((r) => r.code !== 'WP1515-91')).toEqual(
          before.filter((r) => r.code !== 'WP1515-91'),
        );
        expect(await client.recommendations.get('WP1515-49')).toMatchObject(expectedFor(changed));
        // The missing one is back, as shipped.
        expect(await client.recommendations.get('WP1515-91')).toMatchObject({
          text: 'Consider a digital security protocol for HRDs.',
          theme: 'Strengthening Human Rights Defenders and civil society space',
        });
        for (const code of ['WP1515-6', 'WP1515-49', 'WP1515-91']) {
          expect(await db.db().collection('recommendations').countDocuments({ code })).toBe(1);
        }
      } finally {
        await db.close();
        if (firstOpen) await first.close();
        await second?.close();
      }
    });
  });
});
