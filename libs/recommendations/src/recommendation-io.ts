import {
  CsvSyntaxError,
  neutraliseFormula,
  parseCsv,
  unneutraliseFormula,
  writeCsv,
} from '@accord/core';
import {
  type RecommendationFields,
  type RecommendationRecord,
  sortKeyFor,
  UPR_RESPONSES,
  type UprResponse,
} from './recommendation.schema';

/** The one import / export format: these columns, in this order, in CSV and in JSON. */
export const CATALOGUE_COLUMNS = [
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
export type CatalogueColumn = (typeof CATALOGUE_COLUMNS)[number];

const LIST_COLUMNS: CatalogueColumn[] = ['sdg_targets', 'tags'];
const REQUIRED: ('code' | 'text' | 'theme' | 'source_document' | 'source_paragraph')[] = [
  'code',
  'text',
  'theme',
  'source_document',
  'source_paragraph',
];

/** One catalogue row as exchanged: lists as arrays, absent values as empty. */
export interface CatalogueRow {
  code: string;
  text: string;
  theme: string;
  source_document: string;
  source_paragraph: string;
  sdg_targets: string[];
  tags: string[];
  recommending_state: string;
  mechanism: string;
  response: string;
}

export interface RowProblem {
  /** CSV: the record's number in the file, the header being row 1. JSON: the item's 1-based position. */
  row: number;
  field: string;
  message: string;
}

export class CatalogueFileError extends Error {
  constructor(readonly problems: RowProblem[]) {
    super(`The file has ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    this.name = 'CatalogueFileError';
  }
}

const MAX_TAGS = 30;
const CODE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
const PARAGRAPH = /^\d{1,6}[a-z]?(\.\d{1,4}[a-z]?)*$/i;
const SDG_TARGET = /^(\d{1,2})\.(\d{1,2}|[a-z])$/;
const LIMITS: Partial<Record<CatalogueColumn, number>> = {
  text: 20_000,
  theme: 200,
  source_document: 200,
  recommending_state: 100,
  mechanism: 100,
};

function splitList(value: string): string[] {
  return value
    .split(';')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** Validates one row and turns it into stored fields; problems are appended to `problems`. */
export function rowToFields(
  row: CatalogueRow,
  rowNumber: number,
  problems: RowProblem[],
): RecommendationFields | null {
  const before = problems.length;
  const problem = (field: string, message: string): void => {
    problems.push({ row: rowNumber, field, message });
  };
  for (const column of REQUIRED) {
    if (!row[column].trim()) problem(column, `${column} is required`);
  }
  for (const [column, max] of Object.entries(LIMITS) as [CatalogueColumn, number][]) {
    const value = row[column] as string;
    if (value.length > max)
      problem(column, `${column} must be at most ${max} characters (it has ${value.length})`);
  }
  const code = row.code.trim().toUpperCase();
  if (code && !CODE.test(code)) {
    problem(
      'code',
      'code may hold letters, digits and . _ / - only (at most 64 characters), e.g. WP1515-49',
    );
  }
  const paragraph = row.source_paragraph.trim();
  if (paragraph && !PARAGRAPH.test(paragraph)) {
    problem(
      'source_paragraph',
      `source_paragraph must be a paragraph number such as 49 or 140.7 (got "${paragraph}")`,
    );
  }
  for (const target of row.sdg_targets) {
    const match = SDG_TARGET.exec(target);
    if (!match || Number(match[1]) < 1 || Number(match[1]) > 17) {
      problem('sdg_targets', `"${target}" is not an SDG target (goal 1–17, e.g. 16.10 or 16.a)`);
    }
  }
  if (row.tags.length > MAX_TAGS)
    problem(
      'tags',
      `a recommendation has at most ${MAX_TAGS} tags (this row has ${row.tags.length})`,
    );
  for (const tag of row.tags) {
    if (tag.length > 50)
      problem('tags', `the tag "${tag.slice(0, 20)}…" is longer than 50 characters`);
  }
  const response = row.response.trim().toLowerCase();
  if (response && !(UPR_RESPONSES as readonly string[]).includes(response)) {
    problem('response', `response must be ${UPR_RESPONSES.join(' or ')} (got "${row.response}")`);
  }
  if (problems.length > before) return null;
  const text = row.text.trim();
  const theme = row.theme.trim();
  const document = row.source_document.trim();
  return {
    code,
    text,
    theme,
    themeKey: theme.toLowerCase(),
    source: { document, paragraph },
    sortKey: sortKeyFor(document, paragraph),
    sdgTargets: [...new Set(row.sdg_targets)],
    tags: [...new Set(row.tags.map((t) => t.toLowerCase()))],
    recommendingState: row.recommending_state.trim() || null,
    mechanism: row.mechanism.trim() || null,
    response: (response || null) as UprResponse | null,
    searchText: `${code}\n${text}`.toLowerCase(),
  };
}

/** Rows read from a file, with the problems found while reading them (wrong shapes, field counts). */
export interface ParsedCatalogue {
  rows: { row: CatalogueRow; rowNumber: number }[];
  problems: RowProblem[];
}

/**
 * Validates every row. Throws CatalogueFileError with every problem of the file (reading and
 * validation alike, in row order), or returns every row's fields.
 */
export function validateRows(parsed: ParsedCatalogue): RecommendationFields[] {
  const problems: RowProblem[] = [...parsed.problems];
  const fields: RecommendationFields[] = [];
  const firstRowOfCode = new Map<string, number>();
  for (const { row, rowNumber } of parsed.rows) {
    const result = rowToFields(row, rowNumber, problems);
    // Duplicates are found among every row's code, valid rows or not.
    const code = typeof row.code === 'string' ? row.code.trim().toUpperCase() : '';
    const seen = code ? firstRowOfCode.get(code) : undefined;
    if (seen !== undefined) {
      problems.push({
        row: rowNumber,
        field: 'code',
        message: `code ${code} already appears in row ${seen}`,
      });
      continue;
    }
    if (code) firstRowOfCode.set(code, rowNumber);
    if (result) fields.push(result);
  }
  if (parsed.rows.length === 0 && problems.length === 0) {
    problems.push({ row: 1, field: 'file', message: 'The file holds no recommendations' });
  }
  if (problems.length > 0) throw new CatalogueFileError(problems.sort((a, b) => a.row - b.row));
  return fields;
}

/** Reads a CSV catalogue. A broken header stops reading at once; row problems are collected. */
export function parseCatalogueCsv(text: string): ParsedCatalogue {
  let records: string[][];
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      throw new CatalogueFileError([{ row: error.line, field: 'file', message: error.message }]);
    }
    throw error;
  }
  if (records.length === 0)
    throw new CatalogueFileError([{ row: 1, field: 'file', message: 'The file is empty' }]);
  const header = records[0].map((h) => h.trim().toLowerCase());
  const headerProblems: RowProblem[] = [];
  for (const column of CATALOGUE_COLUMNS) {
    if (!header.includes(column))
      headerProblems.push({ row: 1, field: column, message: `The header has no ${column} column` });
  }
  header.forEach((name, i) => {
    if (!(CATALOGUE_COLUMNS as readonly string[]).includes(name)) {
      headerProblems.push({
        row: 1,
        field: name || `column ${i + 1}`,
        message: `Unknown column "${records[0][i]}"; the columns are ${CATALOGUE_COLUMNS.join(', ')}`,
      });
    } else if (header.indexOf(name) !== i) {
      headerProblems.push({ row: 1, field: name, message: `The column ${name} appears twice` });
    }
  });
  if (headerProblems.length > 0) throw new CatalogueFileError(headerProblems);
  const problems: RowProblem[] = [];
  const rows = records.slice(1).map((record, i) => {
    const rowNumber = i + 2;
    if (record.length !== header.length) {
      problems.push({
        row: rowNumber,
        field: 'row',
        message: `Row ${rowNumber} has ${record.length} fields; the header has ${header.length}`,
      });
    }
    const cell = (column: CatalogueColumn): string =>
      unneutraliseFormula(record[header.indexOf(column)] ?? '');
    const row = Object.fromEntries(
      CATALOGUE_COLUMNS.map((column) => [
        column,
        LIST_COLUMNS.includes(column) ? splitList(cell(column)) : cell(column),
      ]),
    ) as unknown as CatalogueRow;
    return { row, rowNumber };
  });
  return { rows, problems };
}

/** Reads a JSON catalogue: an array of objects with the catalogue's columns as keys. */
export function parseCatalogueJson(value: unknown): ParsedCatalogue {
  if (!Array.isArray(value)) {
    throw new CatalogueFileError([
      {
        row: 1,
        field: 'file',
        message: `A JSON catalogue is an array of rows with the fields ${CATALOGUE_COLUMNS.join(', ')}`,
      },
    ]);
  }
  const problems: RowProblem[] = [];
  const rows = value.map((item: unknown, i) => {
    const rowNumber = i + 1;
    const row = {} as Record<CatalogueColumn, string | string[]>;
    const record = (
      typeof item === 'object' && item !== null && !Array.isArray(item) ? item : {}
    ) as Record<string, unknown>;
    if (record !== item)
      problems.push({ row: rowNumber, field: 'row', message: 'Each row must be a JSON object' });
    for (const key of Object.keys(record)) {
      if (!(CATALOGUE_COLUMNS as readonly string[]).includes(key)) {
        problems.push({
          row: rowNumber,
          field: key,
          message: `Unknown field "${key}"; the fields are ${CATALOGUE_COLUMNS.join(', ')}`,
        });
      }
    }
    for (const column of CATALOGUE_COLUMNS) {
      const raw = record[column];
      if (LIST_COLUMNS.includes(column)) {
        if (raw === undefined || raw === null) row[column] = [];
        else if (typeof raw === 'string') row[column] = splitList(raw);
        else if (Array.isArray(raw) && raw.every((x) => typeof x === 'string')) {
          row[column] = raw.map((x: string) => x.trim()).filter(Boolean);
        } else {
          problems.push({
            row: rowNumber,
            field: column,
            message: `${column} must be a list of strings (or one string separated by ;)`,
          });
          row[column] = [];
        }
      } else if (raw === undefined || raw === null) {
        row[column] = '';
      } else if (typeof raw === 'string' || typeof raw === 'number') {
        row[column] = String(raw);
      } else {
        problems.push({ row: rowNumber, field: column, message: `${column} must be a string` });
        row[column] = '';
      }
    }
    return { row: row as unknown as CatalogueRow, rowNumber };
  });
  return { rows, problems };
}

export function recordToRow(record: RecommendationRecord): CatalogueRow {
  return {
    code: record.code,
    text: record.text,
    theme: record.theme,
    source_document: record.source.document,
    source_paragraph: record.source.paragraph,
    sdg_targets: record.sdgTargets ?? [],
    tags: record.tags ?? [],
    recommending_state: record.recommendingState ?? '',
    mechanism: record.mechanism ?? '',
    response: record.response ?? '',
  };
}

/** CSV export: lists joined with `;`, every cell guarded against spreadsheet formulas. */
export function rowsToCsv(rows: CatalogueRow[]): string {
  return writeCsv([
    [...CATALOGUE_COLUMNS],
    ...rows.map((row) =>
      CATALOGUE_COLUMNS.map((column) => {
        const value = row[column];
        return neutraliseFormula(Array.isArray(value) ? value.join(';') : value);
      }),
    ),
  ]);
}
