import fc from 'fast-check';
import { CsvSyntaxError, neutraliseFormula, parseCsv, unneutraliseFormula, writeCsv } from './csv';

/** The error that `fn` throws; fails the test when it throws nothing. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error to be thrown');
}

function syntaxErrorOf(input: string): CsvSyntaxError {
  const error = thrownBy(() => parseCsv(input));
  expect(error).toBeInstanceOf(CsvSyntaxError);
  return error as CsvSyntaxError;
}

const BOM = '\uFEFF';

describe('writeCsv', () => {
  it('writes plain fields bare, separated by commas, each record ended by CRLF', () => {
    expect(
      writeCsv([
        ['code', 'text'],
        ['A-1', 'plain words'],
      ]),
    ).toBe('code,text\r\nA-1,plain words\r\n');
  });

  it('quotes a field holding a comma, a quote, CR or LF, doubling the quotes', () => {
    expect(writeCsv([['a,b', 'say "hi"', 'x\ny', 'x\ry', 'x\r\ny', '"']])).toBe(
      '"a,b","say ""hi""","x\ny","x\ry","x\r\ny",""""\r\n',
    );
  });

  it('leaves non-ASCII text as it is, unquoted', () => {
    expect(writeCsv([['Côte d’Ivoire', 'Łódź', '中文', '🌍✊🏿']])).toBe(
      'Côte d’Ivoire,Łódź,中文,🌍✊🏿\r\n',
    );
  });

  it('writes empty fields as nothing between the commas', () => {
    expect(
      writeCsv([
        ['', 'b', ''],
        ['a', '', ''],
      ]),
    ).toBe(',b,\r\na,,\r\n');
  });
});

describe('parseCsv', () => {
  it('reads LF, CRLF and CR record ends alike', () => {
    const rows = [
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ];
    expect(parseCsv('a,b\nc,d\ne,f\n')).toEqual(rows);
    expect(parseCsv('a,b\r\nc,d\r\ne,f\r\n')).toEqual(rows);
    expect(parseCsv('a,b\rc,d\re,f\r')).toEqual(rows);
    expect(parseCsv('a,b\r\nc,d\ne,f\r')).toEqual(rows);
  });

  it('reads the last record with or without a trailing line end', () => {
    expect(parseCsv('a,b\r\nc,d')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseCsv('a,b\r\nc,d\r\n')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseCsv('a,"b"')).toEqual([['a', 'b']]);
    expect(parseCsv('a,')).toEqual([['a', '']]);
  });

  it('ignores one byte-order mark at the very start, and only there', () => {
    expect(parseCsv(`${BOM}code,text\r\nA,B\r\n`)).toEqual([
      ['code', 'text'],
      ['A', 'B'],
    ]);
    expect(parseCsv(`${BOM}"code",text`)).toEqual([['code', 'text']]);
    expect(parseCsv(`a,${BOM}b`)).toEqual([['a', `${BOM}b`]]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    expect(parseCsv('"a,b","say ""hi""","x\ny","x\ry","x\r\ny",""""\r\nnext,row\r\n')).toEqual([
      ['a,b', 'say "hi"', 'x\ny', 'x\ry', 'x\r\ny', '"'],
      ['next', 'row'],
    ]);
  });

  it('reads empty fields, quoted or not', () => {
    expect(parseCsv(',b,\r\n"",,""\r\na,,\r\n')).toEqual([
      ['', 'b', ''],
      ['', '', ''],
      ['a', '', ''],
    ]);
  });

  it('skips blank lines', () => {
    expect(parseCsv('\r\na,b\r\n\r\n\nc,d\r\n\r\n')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv(BOM)).toEqual([]);
  });

  it('reads non-ASCII text, including characters outside the BMP', () => {
    expect(parseCsv('Côte d’Ivoire,"Łódź, Polska",中文\r\n🌍,"👩🏽‍⚖️ ""emoji""",\r\n')).toEqual([
      ['Côte d’Ivoire', 'Łódź, Polska', '中文'],
      ['🌍', '👩🏽‍⚖️ "emoji"', ''],
    ]);
  });

  describe('errors', () => {
    it('names the line where a quote that is never closed was opened', () => {
      const error = syntaxErrorOf('code,text\r\nA,B\r\nC,"never closed\r\nmore\r\n');
      expect(error.line).toBe(3);
      expect(error.message).toBe('A quoted field is never closed (line 3)');
      expect(error.name).toBe('CsvSyntaxError');
    });

    it('counts the lines a quoted field spans before an unclosed quote', () => {
      expect(syntaxErrorOf('"a\nb\nc",d\ne,"f').line).toBe(4);
      expect(syntaxErrorOf('"a\r\nb",c\r\n"d').line).toBe(3);
      expect(syntaxErrorOf('a\rb\r"c').line).toBe(3);
    });

    it('counts a lone CR inside a quoted field as a line break, as it does outside one', () => {
      // "a<CR>b" spans lines 1 and 2; the unclosed quote opens on line 3.
      expect(syntaxErrorOf('"a\rb",c\n"d').line).toBe(3);
    });

    it('names the line of text that follows a closing quote', () => {
      const error = syntaxErrorOf('a,b\n"quoted"tail,c\n');
      expect(error.line).toBe(2);
      expect(error.message).toBe('A quoted field must end at a comma or a line end (line 2)');
      expect(syntaxErrorOf('x\n"multi\nline" ,y').line).toBe(3);
      expect(syntaxErrorOf('"a""b"c').line).toBe(1);
    });

    it('refuses a quote inside an unquoted field, naming its line', () => {
      const error = syntaxErrorOf('a,b\nc,d\nab"c,d\n');
      expect(error.line).toBe(3);
      expect(error.message).toBe('A quote may only open a field (line 3)');
    });
  });
});

describe('writeCsv then parseCsv', () => {
  it.each<[string, string[][]]>([
    ['quoted commas', [['a,b', ',', ',,', 'x, y, z']]],
    ['doubled quotes', [['"', '""', 'say "hi"', '"start', 'end"']]],
    ['LF inside fields', [['line 1\nline 2', '\n', '\n\n']]],
    ['CR inside fields', [['line 1\rline 2', '\r', 'a\r']]],
    ['CRLF inside fields', [['line 1\r\nline 2', '\r\n', '\r\n\r\n']]],
    [
      'empty fields',
      [
        ['', 'b', ''],
        ['a', '', ''],
        ['', ''],
      ],
    ],
    [
      'non-ASCII',
      [
        ['Côte d’Ivoire', 'Łódź', '中文'],
        ['emoji 🌍✊🏿👩🏽‍⚖️', 'São Tomé, Príncipe', 'Ελλάδα'],
      ],
    ],
    [
      'mixed',
      [
        ['code', 'text'],
        ['X-1', 'He said, "no"\r\nthen left'],
        ['X-2', ''],
      ],
    ],
  ])('keeps %s', (_label, rows) => {
    const written = writeCsv(rows);
    expect(written.endsWith('\r\n')).toBe(true);
    expect(parseCsv(written)).toEqual(rows);
    // Without the final line end, and behind a byte-order mark, the rows are the same.
    expect(parseCsv(written.slice(0, -2))).toEqual(rows);
    expect(parseCsv(BOM + written)).toEqual(rows);
  });

  it('keeps a first field that itself starts with U+FEFF', () => {
    const rows = [[`${BOM}starts with a BOM`, 'b']];
    expect(parseCsv(writeCsv(rows))).toEqual(rows);
  });

  it('returns the same rows for arbitrary strings (property)', () => {
    // Characters that matter to the codec, mixed with any code point.
    const tricky = fc.constantFrom(',', '"', '\r', '\n', ' ', "'", '=', 'é', '中', '😀');
    const field = fc.string({
      unit: fc.oneof(tricky, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
    });
    // A row of one empty field is written as a blank line, which is skipped: rows need content.
    const row = fc
      .array(field, { minLength: 1, maxLength: 6 })
      .filter((r) => !(r.length === 1 && r[0] === ''));
    // A U+FEFF opening the file is the byte-order mark; that case has a test of its own above.
    const rows = fc
      .array(row, { minLength: 1, maxLength: 6 })
      .filter((rs) => !rs[0][0].startsWith(BOM));
    fc.assert(
      fc.property(rows, (input) => {
        expect(parseCsv(writeCsv(input))).toEqual(input);
      }),
      { seed: 1515, numRuns: 1000 },
    );
  });
});

describe('neutraliseFormula / unneutraliseFormula', () => {
  it.each(['=SUM(A1:A2)', '+1', '-1', '@cmd', '\tTab', '\rCR', '=', '-'])(
    'prefixes %p with an apostrophe, and undoes it',
    (value) => {
      expect(neutraliseFormula(value)).toBe(`'${value}`);
      expect(unneutraliseFormula(`'${value}`)).toBe(value);
    },
  );

  it.each(['plain text', '', 'a=b', '1+1', 'e-mail', ' =x', "'quoted", 'Côte d’Ivoire', '中文'])(
    'leaves %p as it is both ways',
    (value) => {
      expect(neutraliseFormula(value)).toBe(value);
      expect(unneutraliseFormula(value)).toBe(value);
    },
  );

  it('removes an apostrophe only before a formula character', () => {
    expect(unneutraliseFormula("'x")).toBe("'x");
    expect(unneutraliseFormula("'")).toBe("'");
    expect(unneutraliseFormula("'a=b")).toBe("'a=b");
  });

  it('round-trips text that itself starts with an apostrophe and a formula character', () => {
    for (const value of ["'=1+1", "'+44 20 7946 0000", "'-", "'@home"]) {
      expect(unneutraliseFormula(neutraliseFormula(value))).toBe(value);
    }
  });

  it('undoes neutralising for arbitrary text not starting with an apostrophe (property)', () => {
    const unit = fc.oneof(
      fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'", 'a', ' '),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(
        fc.string({ unit }).filter((s) => !s.startsWith("'")),
        (value) => {
          const safe = neutraliseFormula(value);
          expect(/^[=+\-@\t\r]/.test(safe)).toBe(false);
          expect(unneutraliseFormula(safe)).toBe(value);
        },
      ),
      { seed: 1515, numRuns: 1000 },
    );
  });
});
