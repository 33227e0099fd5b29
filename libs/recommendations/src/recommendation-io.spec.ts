import { parseCsv, writeCsv } from '@accord/core';
import { Types } from 'mongoose';
import {
  CATALOGUE_COLUMNS,
  CatalogueFileError,
  type CatalogueColumn,
  type CatalogueRow,
  parseCatalogueCsv,
  parseCatalogueJson,
  recordToRow,
  type RowProblem,
  rowsToCsv,
  rowToFields,
  validateRows,
} from './recommendation-io';
import type { RecommendationRecord } from './recommendation.schema';

const DOCUMENT = 'Wilton Park WP1515 (2017)';

/** One valid CSV record, as cells. */
const GOOD: Record<CatalogueColumn, string> = {
  code: 'WP1515-49',
  text: 'Continue to develop a binding international convention.',
  theme: 'The role of business in advancing human rights',
  source_document: DOCUMENT,
  source_paragraph: '49',
  sdg_targets: '16.10;16.a',
  tags: 'business;treaty',
  recommending_state: '',
  mechanism: '',
  response: '',
};

type Cells = Partial<Record<CatalogueColumn, string>>;

/** A CSV file: the header, then one record per entry (GOOD with the entry's cells over it). */
function csvFile(records: Cells[], header: string[] = [...CATALOGUE_COLUMNS]): string {
  return writeCsv([
    header,
    ...records.map((cells) =>
      header.map((column) => ({ ...GOOD, ...cells })[column as CatalogueColumn] ?? ''),
    ),
  ]);
}

/** A CatalogueRow, as rowToFields takes it. */
function catalogueRow(overrides: Partial<CatalogueRow> = {}): CatalogueRow {
  return {
    code: 'WP1515-49',
    text: 'Continue to develop a binding international convention.',
    theme: 'The role of business in advancing human rights',
    source_document: DOCUMENT,
    source_paragraph: '49',
    sdg_targets: [],
    tags: [],
    recommending_state: '',
    mechanism: '',
    response: '',
    ...overrides,
  };
}

/** The problems of the CatalogueFileError that `fn` throws. */
function problemsOf(fn: () => unknown): RowProblem[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogueFileError);
    return (error as CatalogueFileError).problems;
  }
  throw new Error('expected a CatalogueFileError');
}

const importCsv = (text: string) => validateRows(parseCatalogueCsv(text));
const importJson = (value: unknown) => validateRows(parseCatalogueJson(value));

/** Problems with the message matched loosely: row, field and the words that matter. */
const problem = (row: number, field: string, words: string): RowProblem => ({
  row,
  field,
  message: expect.stringContaining(words),
});

describe('rowToFields', () => {
  it('turns a valid row into stored fields', () => {
    const problems: RowProblem[] = [];
    const fields = rowToFields(
      catalogueRow({
        code: '  upr-ke-140.7 ',
        text: '  Adopt a law.  ',
        theme: ' Civic Space ',
        source_document: ' UPR Kenya 2020 ',
        source_paragraph: ' 140.7 ',
        sdg_targets: ['16.10', '16.a', '16.10'],
        tags: ['HRD', 'hrd', 'Civic-Space'],
        recommending_state: ' Côte d’Ivoire ',
        mechanism: ' UPR ',
        response: ' Supported ',
      }),
      7,
      problems,
    );
    expect(problems).toEqual([]);
    expect(fields).toEqual({
      code: 'UPR-KE-140.7',
      text: 'Adopt a law.',
      theme: 'Civic Space',
      themeKey: 'civic space',
      source: { document: 'UPR Kenya 2020', paragraph: '140.7' },
      sortKey: 'upr kenya 2020|000140.000007',
      sdgTargets: ['16.10', '16.a'],
      tags: ['hrd', 'civic-space'],
      recommendingState: 'Côte d’Ivoire',
      mechanism: 'UPR',
      response: 'supported',
      searchText: 'upr-ke-140.7\nadopt a law.',
    });
  });

  it('gives sort keys that order paragraphs numerically within a document', () => {
    const paragraphs = ['1000', '140.10', '9', '140.7', '49', '12a', '12'];
    const keys = paragraphs.map(
      (p) => [p, rowToFields(catalogueRow({ source_paragraph: p }), 2, [])!.sortKey] as const,
    );
    const ordered = [...keys].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    expect(ordered.map(([p]) => p)).toEqual(['9', '12', '12a', '49', '140.7', '140.10', '1000']);
  });

  it('stores absent UPR fields as null', () => {
    const fields = rowToFields(catalogueRow({ response: '  ' }), 2, []);
    expect(fields).toMatchObject({ recommendingState: null, mechanism: null, response: null });
  });

  it('appends every problem of the row, with its row number and field, and returns null', () => {
    const problems: RowProblem[] = [{ row: 1, field: 'earlier', message: 'kept' }];
    const fields = rowToFields(
      catalogueRow({
        code: 'WP 1515',
        text: ' ',
        source_paragraph: 'para 4',
        sdg_targets: ['18.1', '16'],
        tags: ['x'.repeat(51)],
        response: 'maybe',
      }),
      5,
      problems,
    );
    expect(fields).toBeNull();
    expect(problems).toEqual([
      { row: 1, field: 'earlier', message: 'kept' },
      problem(5, 'text', 'text is required'),
      problem(5, 'code', 'letters, digits'),
      problem(5, 'source_paragraph', '"para 4"'),
      problem(5, 'sdg_targets', '"18.1"'),
      problem(5, 'sdg_targets', '"16"'),
      problem(5, 'tags', 'longer than 50'),
      problem(5, 'response', '"maybe"'),
    ]);
  });

  it.each(['code', 'text', 'theme', 'source_document', 'source_paragraph'] as const)(
    'requires %s (blank counts as missing)',
    (column) => {
      const problems: RowProblem[] = [];
      expect(rowToFields(catalogueRow({ [column]: ' \t ' }), 3, problems)).toBeNull();
      expect(problems).toEqual([{ row: 3, field: column, message: `${column} is required` }]);
    },
  );

  it.each(['18.1', '16', '0.1', '16.', '.1', '16.100', '16.ab', 'sixteen', '16,10'])(
    'refuses the SDG target %p',
    (target) => {
      const problems: RowProblem[] = [];
      rowToFields(catalogueRow({ sdg_targets: ['16.10', target] }), 4, problems);
      expect(problems).toEqual([problem(4, 'sdg_targets', `"${target}" is not an SDG target`)]);
    },
  );

  it.each(['1.1', '16.10', '16.a', '17.19', '10.3'])('accepts the SDG target %p', (target) => {
    const problems: RowProblem[] = [];
    expect(rowToFields(catalogueRow({ sdg_targets: [target] }), 2, problems)).not.toBeNull();
    expect(problems).toEqual([]);
  });

  it.each(['para 4', '4-5', '§4', '49.', '1234567', 'iv'])('refuses the paragraph %p', (p) => {
    const problems: RowProblem[] = [];
    rowToFields(catalogueRow({ source_paragraph: p }), 6, problems);
    expect(problems).toEqual([problem(6, 'source_paragraph', `(got "${p}")`)]);
  });

  it.each(['49', '140.7', '12a', '3.2.1'])('accepts the paragraph %p', (p) => {
    const problems: RowProblem[] = [];
    expect(rowToFields(catalogueRow({ source_paragraph: p }), 2, problems)).not.toBeNull();
    expect(problems).toEqual([]);
  });

  it.each(['maybe', 'accepted', 'supported;noted'])('refuses the response %p', (response) => {
    const problems: RowProblem[] = [];
    rowToFields(catalogueRow({ response }), 2, problems);
    expect(problems).toEqual([problem(2, 'response', 'supported or noted')]);
  });

  it('refuses texts and other fields over their length limits, naming each', () => {
    const problems: RowProblem[] = [];
    rowToFields(
      catalogueRow({
        text: 'x'.repeat(20_001),
        theme: 't'.repeat(201),
        recommending_state: 's'.repeat(101),
      }),
      9,
      problems,
    );
    expect(problems).toEqual([
      problem(9, 'text', 'at most 20000 characters (it has 20001)'),
      problem(9, 'theme', 'at most 200'),
      problem(9, 'recommending_state', 'at most 100'),
    ]);
    const atLimit: RowProblem[] = [];
    expect(rowToFields(catalogueRow({ text: 'x'.repeat(20_000) }), 2, atLimit)).not.toBeNull();
    expect(atLimit).toEqual([]);
  });
});

describe('parseCatalogueCsv + validateRows', () => {
  it('reads a file: codes upper-cased, lists split on ; and trimmed', () => {
    const fields = importCsv(
      csvFile([
        { code: 'wp1515-49', sdg_targets: ' 16.10 ;16.a;; ', tags: ' Business ; treaty;' },
        {
          code: 'Upr-KE-1',
          source_document: 'UPR Kenya',
          source_paragraph: '140.7',
          sdg_targets: '',
          tags: '',
          recommending_state: 'Łódź',
          mechanism: 'UPR',
          response: 'NOTED',
        },
      ]),
    );
    expect(fields).toHaveLength(2);
    expect(fields[0]).toMatchObject({
      code: 'WP1515-49',
      sdgTargets: ['16.10', '16.a'],
      tags: ['business', 'treaty'],
      source: { document: DOCUMENT, paragraph: '49' },
      recommendingState: null,
      response: null,
    });
    expect(fields[1]).toMatchObject({
      code: 'UPR-KE-1',
      sdgTargets: [],
      tags: [],
      recommendingState: 'Łódź',
      mechanism: 'UPR',
      response: 'noted',
    });
  });

  it('takes the columns in any order and any case, with a byte-order mark', () => {
    const header = [...CATALOGUE_COLUMNS].reverse().map((c) => ` ${c.toUpperCase()} `);
    const text = writeCsv([
      header,
      [...CATALOGUE_COLUMNS].reverse().map((c) => ({ ...GOOD, code: 'X-1' })[c]),
    ]);
    const [fields] = importCsv(`\uFEFF${text}`);
    expect(fields).toMatchObject({
      code: 'X-1',
      text: GOOD.text,
      theme: GOOD.theme,
      source: { document: DOCUMENT, paragraph: '49' },
      sdgTargets: ['16.10', '16.a'],
    });
  });

  it('reads quoted commas, quotes, line breaks and non-ASCII text in cells', () => {
    const text = 'He said, "no",\r\nthen — in Côte d’Ivoire, Łódź and 中文 — 🌍';
    const [fields] = importCsv(csvFile([{ text, theme: 'Théme, "quoted"' }]));
    expect(fields.text).toBe(text);
    expect(fields.theme).toBe('Théme, "quoted"');
  });

  describe('header problems (reported at once, before any row)', () => {
    it('names a missing column', () => {
      const header = CATALOGUE_COLUMNS.filter((c) => c !== 'response');
      expect(problemsOf(() => parseCatalogueCsv(csvFile([{}], header)))).toEqual([
        { row: 1, field: 'response', message: 'The header has no response column' },
      ]);
    });

    it('names every missing column', () => {
      const missing = CATALOGUE_COLUMNS.filter((c) => c !== 'code' && c !== 'text');
      expect(problemsOf(() => parseCatalogueCsv('code,text\r\nA,B\r\n'))).toEqual(
        missing.map((c) => ({ row: 1, field: c, message: `The header has no ${c} column` })),
      );
    });

    it('names an unknown column, as written', () => {
      expect(
        problemsOf(() => parseCatalogueCsv(csvFile([{}], [...CATALOGUE_COLUMNS, 'Notes']))),
      ).toEqual([problem(1, 'notes', 'Unknown column "Notes"')]);
    });

    it('names a column without a name by its position', () => {
      expect(
        problemsOf(() => parseCatalogueCsv(csvFile([{}], [...CATALOGUE_COLUMNS, '']))),
      ).toEqual([problem(1, 'column 11', 'Unknown column ""')]);
    });

    it('names a duplicate column', () => {
      expect(
        problemsOf(() => parseCatalogueCsv(csvFile([{}], [...CATALOGUE_COLUMNS, 'TAGS']))),
      ).toEqual([{ row: 1, field: 'tags', message: 'The column tags appears twice' }]);
    });

    it('reports missing, unknown and duplicate columns together', () => {
      const header = ['code', 'text', 'text', 'theme', 'source', 'source_paragraph'];
      expect(problemsOf(() => parseCatalogueCsv(csvFile([{}], header)))).toEqual([
        problem(1, 'source_document', 'no source_document column'),
        problem(1, 'sdg_targets', 'no sdg_targets column'),
        problem(1, 'tags', 'no tags column'),
        problem(1, 'recommending_state', 'no recommending_state column'),
        problem(1, 'mechanism', 'no mechanism column'),
        problem(1, 'response', 'no response column'),
        problem(1, 'text', 'appears twice'),
        problem(1, 'source', 'Unknown column "source"'),
      ]);
    });
  });

  it('names a record whose field count differs from the header', () => {
    const text = `${csvFile([{ code: 'A-1' }])}B-2,only,three\r\n${csvFile([{ code: 'C-3' }]).split('\r\n')[1]},extra\r\n`;
    const problems = problemsOf(() => importCsv(text));
    expect(problems).toEqual([
      problem(3, 'row', 'Row 3 has 3 fields; the header has 10'),
      problem(3, 'source_document', 'source_document is required'),
      problem(3, 'source_paragraph', 'source_paragraph is required'),
      problem(4, 'row', 'Row 4 has 11 fields; the header has 10'),
    ]);
  });

  it('numbers rows by record, the header being row 1, whatever lines a record spans', () => {
    const text = csvFile([
      { code: 'A-1', text: 'first\r\nsecond\r\nthird line' },
      { code: 'B-2', response: 'perhaps' },
    ]);
    expect(problemsOf(() => importCsv(text))).toEqual([problem(3, 'response', '"perhaps"')]);
  });

  it('names the first row of a code that appears twice (any case)', () => {
    const text = csvFile([{ code: 'X-1' }, { code: 'Y-2' }, { code: ' x-1 ' }, { code: 'X-1' }]);
    expect(problemsOf(() => importCsv(text))).toEqual([
      { row: 4, field: 'code', message: 'code X-1 already appears in row 2' },
      { row: 5, field: 'code', message: 'code X-1 already appears in row 2' },
    ]);
  });

  it('reports a duplicate code even when its first row has other problems', () => {
    const text = csvFile([{ code: 'X-1', text: '' }, { code: 'X-1' }]);
    expect(problemsOf(() => importCsv(text))).toEqual([
      problem(2, 'text', 'text is required'),
      problem(3, 'code', 'already appears in row 2'),
    ]);
  });

  it('reports every problem of every row, in row order, each with row and field', () => {
    const text = csvFile([
      { code: 'OK-1' },
      { code: 'BAD-2', text: '', theme: ' ' },
      { code: 'BAD-3', sdg_targets: '16.10;18.1;16' },
      { code: 'BAD-4', source_paragraph: 'forty-nine' },
      { code: 'BAD-5', response: 'rejected' },
      { code: 'ok-1' },
      { code: '', source_document: '' },
    ]);
    expect(problemsOf(() => importCsv(text))).toEqual([
      { row: 3, field: 'text', message: 'text is required' },
      { row: 3, field: 'theme', message: 'theme is required' },
      problem(4, 'sdg_targets', '"18.1" is not an SDG target'),
      problem(4, 'sdg_targets', '"16" is not an SDG target'),
      problem(5, 'source_paragraph', '(got "forty-nine")'),
      problem(6, 'response', 'response must be supported or noted (got "rejected")'),
      { row: 7, field: 'code', message: 'code OK-1 already appears in row 2' },
      { row: 8, field: 'code', message: 'code is required' },
      { row: 8, field: 'source_document', message: 'source_document is required' },
    ]);
  });

  it('names the line of a CSV syntax error as the row, field "file"', () => {
    const text = `${csvFile([{ code: 'A-1' }])}B-2,"never closed\r\n`;
    expect(problemsOf(() => parseCatalogueCsv(text))).toEqual([
      { row: 3, field: 'file', message: 'A quoted field is never closed (line 3)' },
    ]);
    expect(problemsOf(() => parseCatalogueCsv('code,"text"x\r\n'))).toEqual([
      problem(1, 'file', 'must end at a comma or a line end (line 1)'),
    ]);
  });

  it('refuses an empty file and a file with a header only', () => {
    expect(problemsOf(() => parseCatalogueCsv(''))).toEqual([
      { row: 1, field: 'file', message: 'The file is empty' },
    ]);
    expect(problemsOf(() => parseCatalogueCsv('\uFEFF\r\n\r\n'))).toEqual([
      { row: 1, field: 'file', message: 'The file is empty' },
    ]);
    expect(problemsOf(() => importCsv(csvFile([])))).toEqual([
      { row: 1, field: 'file', message: 'The file holds no recommendations' },
    ]);
  });

  it("takes back the apostrophe that guards a formula, and keeps any other '", () => {
    const [fields] = importCsv(
      csvFile([
        {
          text: '\'=HYPERLINK("http://evil.example")',
          theme: "'+theme",
          recommending_state: "'@state",
          mechanism: "'-mech",
          tags: "'-first;second",
          source_document: "'Quoted' report",
        },
      ]),
    );
    expect(fields).toMatchObject({
      text: '=HYPERLINK("http://evil.example")',
      theme: '+theme',
      recommendingState: '@state',
      mechanism: '-mech',
      tags: ['-first', 'second'],
      source: { document: "'Quoted' report" },
    });
  });
});

describe('parseCatalogueJson + validateRows', () => {
  it('reads rows with lists as arrays or as ;-separated strings, numbering rows from 1', () => {
    const fields = importJson([
      { ...GOOD, code: 'j-1', sdg_targets: [' 16.10 ', '', '16.a'], tags: ['Business'] },
      { ...GOOD, code: 'J-2', sdg_targets: '16.10; 4.7 ;', tags: null, source_paragraph: 49 },
      { code: 'J-3', text: 'T', theme: 'Th', source_document: 'D', source_paragraph: '1' },
    ]);
    expect(fields.map((f) => [f.code, f.sdgTargets, f.tags, f.source.paragraph])).toEqual([
      ['J-1', ['16.10', '16.a'], ['business'], '49'],
      ['J-2', ['16.10', '4.7'], [], '49'],
      ['J-3', [], [], '1'],
    ]);
    expect(fields[2]).toMatchObject({ recommendingState: null, mechanism: null, response: null });
  });

  it('refuses a file that is not an array', () => {
    for (const value of [{ recommendations: [] }, 'code,text', null, 42]) {
      expect(problemsOf(() => parseCatalogueJson(value))).toEqual([
        problem(1, 'file', 'A JSON catalogue is an array of rows'),
      ]);
    }
  });

  it('refuses an empty array', () => {
    expect(problemsOf(() => importJson([]))).toEqual([
      { row: 1, field: 'file', message: 'The file holds no recommendations' },
    ]);
  });

  it('reports every problem with the item position as the row and the key as the field', () => {
    const problems = problemsOf(() =>
      importJson([
        { ...GOOD, code: 'J-1' },
        'not an object',
        { ...GOOD, code: 'J-3', notes: 'x', theme: { $ne: null } },
        { ...GOOD, code: 'J-4', tags: [1, 2], sdg_targets: ['18.1'] },
        { ...GOOD, code: 'J-5', response: 'rejected' },
        [GOOD],
      ]),
    );
    expect(problems).toEqual([
      problem(2, 'row', 'must be a JSON object'),
      problem(2, 'code', 'code is required'),
      problem(2, 'text', 'text is required'),
      problem(2, 'theme', 'theme is required'),
      problem(2, 'source_document', 'source_document is required'),
      problem(2, 'source_paragraph', 'source_paragraph is required'),
      problem(3, 'notes', 'Unknown field "notes"'),
      problem(3, 'theme', 'theme must be a string'),
      problem(3, 'theme', 'theme is required'),
      problem(4, 'tags', 'tags must be a list of strings'),
      problem(4, 'sdg_targets', '"18.1" is not an SDG target'),
      problem(5, 'response', '(got "rejected")'),
      problem(6, 'row', 'must be a JSON object'),
      problem(6, 'code', 'code is required'),
      problem(6, 'text', 'text is required'),
      problem(6, 'theme', 'theme is required'),
      problem(6, 'source_document', 'source_document is required'),
      problem(6, 'source_paragraph', 'source_paragraph is required'),
    ]);
  });
});

describe('rowsToCsv (export) and back', () => {
  const rows: CatalogueRow[] = [
    catalogueRow({
      code: 'RT-1',
      text: '=1+1 is "two", surely\r\nand a second line\nand a third',
      theme: '@theme',
      sdg_targets: ['16.10', '16.a'],
      tags: ['-first', 'second'],
      recommending_state: "Côte d'Ivoire",
      mechanism: '+UPR',
      response: 'supported',
    }),
    catalogueRow({
      code: 'RT-2',
      text: '@everyone: read Łódź, 中文 and 🌍✊🏿',
      source_paragraph: '140.7',
      response: 'noted',
    }),
    catalogueRow({ code: 'RT-3', text: '-5 degrees', theme: '=SUM(A1)' }),
  ];

  it('writes the header, then the columns in order with lists joined by ;', () => {
    const records = parseCsv(rowsToCsv(rows));
    expect(records[0]).toEqual([...CATALOGUE_COLUMNS]);
    expect(records[2]).toEqual([
      'RT-2',
      "'@everyone: read Łódź, 中文 and 🌍✊🏿",
      GOOD.theme,
      DOCUMENT,
      '140.7',
      '',
      '',
      '',
      '',
      'noted',
    ]);
    expect(records).toHaveLength(4);
  });

  it('guards every cell that a spreadsheet would run as a formula with a leading apostrophe', () => {
    const csv = rowsToCsv(rows);
    const [, first, , third] = parseCsv(csv);
    expect(first).toEqual([
      'RT-1',
      '\'=1+1 is "two", surely\r\nand a second line\nand a third',
      "'@theme",
      DOCUMENT,
      '49',
      '16.10;16.a',
      "'-first;second",
      "Côte d'Ivoire",
      "'+UPR",
      'supported',
    ]);
    expect(third.slice(0, 3)).toEqual(['RT-3', "'-5 degrees", "'=SUM(A1)"]);
    expect(csv).toContain('"\'=1+1 is ""two"", surely\r\nand a second line\nand a third"');
    for (const cell of parseCsv(csv).flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('reads back exactly what it wrote, formulas included', () => {
    const back = parseCatalogueCsv(rowsToCsv(rows));
    expect(back.problems).toEqual([]);
    expect(back.rows.map((r) => r.row)).toEqual(rows);
    expect(back.rows.map((r) => r.rowNumber)).toEqual([2, 3, 4]);
    expect(validateRows(back).map((f) => [f.text, f.theme])).toEqual([
      ['=1+1 is "two", surely\r\nand a second line\nand a third', '@theme'],
      ['@everyone: read Łódź, 中文 and 🌍✊🏿', GOOD.theme],
      ['-5 degrees', '=SUM(A1)'],
    ]);
  });

  it("reads back a text that itself starts with ' and a formula character", () => {
    const row = catalogueRow({ code: 'RT-4', text: "'=not a formula, just quoted" });
    expect(parseCatalogueCsv(rowsToCsv([row])).rows[0].row.text).toBe(row.text);
  });

  it('matches the JSON export: the same rows both ways', () => {
    const viaJson = parseCatalogueJson(JSON.parse(JSON.stringify(rows)));
    expect(viaJson.problems).toEqual([]);
    expect(viaJson.rows.map((r) => r.row)).toEqual(
      parseCatalogueCsv(rowsToCsv(rows)).rows.map((r) => r.row),
    );
  });

  it('exports a stored record through recordToRow with absent values empty', () => {
    const record = {
      _id: new Types.ObjectId(),
      code: 'WP1515-49',
      text: 'T',
      theme: 'Th',
      themeKey: 'th',
      source: { document: DOCUMENT, paragraph: '49' },
      sortKey: 'x',
      sdgTargets: ['16.10'],
      tags: ['a', 'b'],
      recommendingState: null,
      mechanism: null,
      response: null,
      searchText: 'x',
      createdAt: new Date(),
      updatedAt: new Date(),
    } satisfies RecommendationRecord;
    expect(recordToRow(record)).toEqual({
      code: 'WP1515-49',
      text: 'T',
      theme: 'Th',
      source_document: DOCUMENT,
      source_paragraph: '49',
      sdg_targets: ['16.10'],
      tags: ['a', 'b'],
      recommending_state: '',
      mechanism: '',
      response: '',
    });
    expect(rowsToCsv([recordToRow(record)])).toBe(
      `${CATALOGUE_COLUMNS.join(',')}\r\nWP1515-49,T,Th,${DOCUMENT},49,16.10,a;b,,,\r\n`,
    );
  });
});
