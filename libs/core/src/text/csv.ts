/**
 * RFC 4180 CSV: fields separated by commas, records by CRLF (LF accepted), fields quoted when
 * they hold a comma, a quote or a line break, quotes doubled inside quotes. UTF-8, with or
 * without a byte-order mark.
 */

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} (line ${line})`);
    this.name = 'CsvSyntaxError';
  }
}

/** Parses CSV text into rows of fields. Blank lines are skipped. */
export function parseCsv(input: string): string[][] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  let line = 1;
  let quoteOpenedOn = 0;
  const endField = (): void => {
    row.push(field);
    field = '';
    fieldStarted = false;
  };
  const endRow = (): void => {
    endField();
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          const next = text[i + 1];
          if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
            throw new CsvSyntaxError('A quoted field must end at a comma or a line end', line);
          }
        }
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (fieldStarted) throw new CsvSyntaxError('A quote may only open a field', line);
      quoted = true;
      fieldStarted = true;
      quoteOpenedOn = line;
    } else if (ch === ',') {
      endField();
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (quoted) throw new CsvSyntaxError('A quoted field is never closed', quoteOpenedOn);
  if (fieldStarted || field !== '' || row.length > 0) endRow();
  return rows;
}

function quoteField(value: string): string {
  // A leading U+FEFF is quoted so that it is not taken for the file's byte-order mark.
  return /[",\r\n]|^\uFEFF/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes rows as RFC 4180 CSV with CRLF line ends (and a final CRLF). */
export function writeCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(quoteField).join(',')).join('\r\n') + '\r\n';
}

/** A formula start, possibly behind apostrophes (which are then guarded too, to round-trip). */
const GUARDED = /^'*[=+\-@\t\r]/;

/**
 * Spreadsheets run a cell that starts with = + - @ (or a tab / CR) as a formula; a leading
 * apostrophe makes it text. `unneutraliseFormula` undoes it on import, so text that itself
 * starts with apostrophes before such a character also comes back unchanged.
 */
export function neutraliseFormula(value: string): string {
  return GUARDED.test(value) ? `'${value}` : value;
}

export function unneutraliseFormula(value: string): string {
  return value.startsWith("'") && GUARDED.test(value.slice(1)) ? value.slice(1) : value;
}
