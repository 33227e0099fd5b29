/**
 * Glyph runs as PDF text operands, with a ToUnicode entry per glyph that is right for text
 * extraction and search.
 *
 * pdfkit's own encoder maps each glyph id to `glyph.codePoints`, but fontkit caches glyph objects
 * by id, so those are the characters that first produced the glyph. Noto Sans Arabic draws
 * ب ت ث ن ي (initial/medial forms) with one dotless glyph plus dot marks, so "الإنسان" came out of
 * the PDF as "الإبسان". Here each glyph's text is worked out from the run being drawn (base glyphs
 * match the text's base characters in logical order; decomposed dots carry no text), and a glyph
 * that stands for different characters in different words is embedded once per meaning (a few
 * duplicated outlines of a few hundred bytes each). A glyph that stands for no character (a dot
 * the font adds to a dotless letter) is drawn as a vector outline rather than text: an empty
 * ToUnicode entry makes pdf.js read the glyph id as a character, and any invisible character
 * would end up inside words for extractors that order glyphs by position.
 */

/** A glyph position from fontkit, scaled by pdfkit to a 1000-unit em. */
export interface GlyphPosition {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
  advanceWidth: number;
}

interface PathCommand {
  command: 'moveTo' | 'lineTo' | 'quadraticCurveTo' | 'bezierCurveTo' | 'closePath';
  args: number[];
}

interface FontkitGlyph {
  id: number;
  advanceWidth: number;
  codePoints: number[];
  path: { commands: PathCommand[] };
}

/** An array as restructure decodes it: plain, or lazy (read with `get`). */
type Decoded<T> = ArrayLike<T> & { get?(index: number): T };

/** An OpenType ClassDef table as fontkit parses it. */
interface ClassDef {
  version: number;
  startGlyph?: number;
  classValueArray?: Decoded<number>;
  classRangeRecord?: Decoded<{ start: number; end: number; class: number }>;
}

function item<T>(array: Decoded<T>, index: number): T {
  return array.get ? array.get(index) : array[index];
}

interface FontkitFont {
  unitsPerEm: number;
  GDEF?: { glyphClassDef?: ClassDef | null } | null;
  hasGlyphForCodePoint(codePoint: number): boolean;
}

/** The parts of pdfkit's (untyped) EmbeddedFont used for layout and encoding. */
export interface PdfkitFont {
  id: string;
  scale: number;
  font: FontkitFont;
  subset: { glyphs: number[]; includeGlyph(id: number): number };
  widths: number[];
  unicode: number[][];
  ref(): unknown;
  /** Shapes with fontkit (cached per space-separated word by pdfkit). */
  layout(text: string): { glyphs: FontkitGlyph[]; positions: GlyphPosition[] };
  widthOfString(text: string, size: number): number;
}

/** A run ready to draw. */
export interface Encoded {
  /**
   * The inside of a TJ array, advancing exactly the run's width. When some glyph is raised or
   * lowered (Arabic reh, vowel marks), `parts` has it instead, with numbers for the text rise to
   * set (thousandths of an em): rise keeps the glyphs in one run for extractors, where moving
   * the text matrix would split words.
   */
  operand: string;
  parts: (string | number)[] | null;
  /**
   * Glyphs that stand for no character, drawn as outlines: the name of a form XObject holding
   * the outline in font units (y up), placed at dx, dy thousandths of an em from the run's start.
   */
  outlines: { form: string; dx: number; dy: number }[];
}

/** Characters that belong to the cluster of the character before them. */
const ATTACHED = /[\p{M}\u200c\u200d]/u;

const markSets = new WeakMap<FontkitFont, Set<number> | null>();

/**
 * The font's mark glyphs (GDEF class 3), read once per parsed font. fontkit's glyph objects have
 * an `isMark`, but it is derived from their (cached, possibly foreign) code points.
 */
function markGlyphs(font: FontkitFont): Set<number> | null {
  let marks = markSets.get(font);
  if (marks !== undefined) return marks;
  const classes = font.GDEF?.glyphClassDef;
  marks = null;
  if (classes) {
    marks = new Set();
    if (classes.version === 1 && classes.classValueArray && classes.startGlyph !== undefined) {
      for (let i = 0; i < classes.classValueArray.length; i++) {
        if (item(classes.classValueArray, i) === 3) marks.add(classes.startGlyph + i);
      }
    } else if (classes.classRangeRecord) {
      for (let i = 0; i < classes.classRangeRecord.length; i++) {
        const range = item(classes.classRangeRecord, i);
        if (range.class !== 3) continue;
        for (let id = range.start; id <= range.end; id++) marks.add(id);
      }
    }
  }
  markSets.set(font, marks);
  return marks;
}

/**
 * Encodes runs of one embedded font. `reversed` says fontkit laid the run out right to left, so
 * its glyphs are in visual order and the text in logical order.
 */
export class GlyphEncoder {
  /** Subset glyph (hex) by original glyph id and the text it stands for. */
  private readonly subsetIds = new Map<string, string>();
  private readonly included = new Set<number>();
  /** Form XObject name by glyph id, for glyphs drawn as outlines. */
  private readonly forms = new Map<number, string>();

  private readonly isMark: (glyph: FontkitGlyph) => boolean;

  /**
   * @param defineForm makes a form XObject of PDF path operators (font units) and a bounding
   *   box, and returns its resource name.
   */
  constructor(
    readonly pdf: PdfkitFont,
    private readonly defineForm: (path: string, bbox: number[]) => string,
  ) {
    const markIds = markGlyphs(pdf.font);
    // Without a GDEF table, zero-width glyphs are the marks.
    this.isMark = (glyph) =>
      markIds ? markIds.has(glyph.id) : glyph.advanceWidth === 0 && glyph.id !== 0;
  }

  encode(text: string, reversed: boolean): Encoded {
    const { glyphs, positions } = this.pdf.layout(text);
    const meanings = glyphMeanings(text, glyphs, reversed, this.isMark);
    const outlines: Encoded['outlines'] = [];
    const parts: (string | number)[] = [];
    let operand = '';
    let hexRun = '';
    let rise = 0;
    // Advance still owed before the next glyph (kerning, offsets, outlines), in 1/1000 em.
    let owed = 0;
    let pen = 0;
    const settle = () => {
      if (owed !== 0) {
        operand += `${hexRun ? `<${hexRun}> ` : ''}${fmt(-owed)} `;
        hexRun = '';
        owed = 0;
      }
    };
    for (let i = 0; i < glyphs.length; i++) {
      const position = positions[i];
      if (meanings[i] === '') {
        const form = this.outline(glyphs[i]);
        if (form) outlines.push({ form, dx: pen + position.xOffset, dy: position.yOffset });
        owed += position.xAdvance;
      } else {
        if (position.yOffset !== rise) {
          settle();
          if (hexRun) operand += `<${hexRun}> `;
          hexRun = '';
          parts.push(operand, position.yOffset);
          operand = '';
          rise = position.yOffset;
        }
        owed += position.xOffset;
        settle();
        hexRun += this.subsetGlyph(glyphs[i], meanings[i]);
        owed = position.xAdvance - position.advanceWidth - position.xOffset;
      }
      pen += position.xAdvance;
    }
    if (hexRun) operand += `<${hexRun}> `;
    if (owed !== 0) operand += `${fmt(-owed)} `;
    if (parts.length === 0) return { operand, parts: null, outlines };
    parts.push(operand);
    if (rise !== 0) parts.push(0);
    return { operand: '', parts, outlines };
  }

  /** A form XObject with the glyph's outline (null for an empty glyph), one per glyph. */
  private outline(glyph: FontkitGlyph): string | null {
    let form = this.forms.get(glyph.id);
    if (form !== undefined) return form;
    const ops: string[] = [];
    const xs: number[] = [];
    const ys: number[] = [];
    let x = 0;
    let y = 0;
    for (const { command, args } of glyph.path.commands) {
      for (let a = 0; a + 1 < args.length; a += 2) {
        xs.push(args[a]);
        ys.push(args[a + 1]);
      }
      if (command === 'moveTo' || command === 'lineTo') {
        [x, y] = args;
        ops.push(`${fmt(x)} ${fmt(y)} ${command === 'moveTo' ? 'm' : 'l'}`);
      } else if (command === 'quadraticCurveTo') {
        // PDF has cubic curves only: the quadratic's control point, two thirds of the way.
        const [cx, cy, ex, ey] = args;
        const c1x = x + ((cx - x) * 2) / 3;
        const c1y = y + ((cy - y) * 2) / 3;
        const c2x = ex + ((cx - ex) * 2) / 3;
        const c2y = ey + ((cy - ey) * 2) / 3;
        ops.push(`${fmt(c1x)} ${fmt(c1y)} ${fmt(c2x)} ${fmt(c2y)} ${fmt(ex)} ${fmt(ey)} c`);
        [x, y] = [ex, ey];
      } else if (command === 'bezierCurveTo') {
        ops.push(`${args.map(fmt).join(' ')} c`);
        [x, y] = [args[4], args[5]];
      } else {
        ops.push('h');
      }
    }
    form =
      ops.length === 0
        ? ''
        : this.defineForm(`${ops.join(' ')} f`, [
            Math.min(...xs),
            Math.min(...ys),
            Math.max(...xs),
            Math.max(...ys),
          ]);
    this.forms.set(glyph.id, form);
    return form || null;
  }

  private subsetGlyph(glyph: FontkitGlyph, meaning: string): string {
    const key = `${glyph.id}\u0000${meaning}`;
    let hex = this.subsetIds.get(key);
    if (hex !== undefined) return hex;
    const pdf = this.pdf;
    let gid: number;
    if (!this.included.has(glyph.id)) {
      gid = pdf.subset.includeGlyph(glyph.id);
      this.included.add(glyph.id);
    } else {
      // The same outline standing for other characters: a second subset entry, so each can have
      // its own ToUnicode text.
      pdf.subset.glyphs.push(glyph.id);
      gid = pdf.subset.glyphs.length - 1;
    }
    pdf.widths[gid] = glyph.advanceWidth * pdf.scale;
    pdf.unicode[gid] = Array.from(meaning, (c) => c.codePointAt(0) ?? 0);
    hex = gid.toString(16).padStart(4, '0');
    this.subsetIds.set(key, hex);
    return hex;
  }
}

/**
 * The text each glyph stands for, by glyph (visual) index. Base glyphs take the text's base
 * characters in logical order, and a combining mark the last mark glyphs after its base; marks a
 * font adds (Arabic dots) stand for nothing. When the counts do not match (a ligature), the
 * glyphs' own code points are used left to right, or the whole text is put on one glyph.
 */
export function glyphMeanings(
  text: string,
  glyphs: FontkitGlyph[],
  reversed: boolean,
  isMark: (glyph: FontkitGlyph) => boolean,
): string[] {
  const n = glyphs.length;
  const meanings = new Array<string>(n).fill('');
  const visual = (logical: number) => (reversed ? n - 1 - logical : logical);
  const chars = Array.from(text);
  if (chars.length === n && !glyphs.some(isMark)) {
    for (let i = 0; i < n; i++) meanings[visual(i)] = chars[i];
    return meanings;
  }
  const clusters: string[][] = [];
  for (const char of chars) {
    if (clusters.length > 0 && ATTACHED.test(char)) clusters[clusters.length - 1].push(char);
    else clusters.push([char]);
  }
  const bases: number[] = [];
  for (let i = 0; i < n; i++) if (!isMark(glyphs[visual(i)])) bases.push(i);
  if (bases.length === clusters.length) {
    clusters.forEach((cluster, k) => {
      const base = bases[k];
      const end = k + 1 < bases.length ? bases[k + 1] : n;
      const combining = cluster.slice(1);
      const markGlyphs = end - base - 1;
      const onMarks = Math.min(combining.length, markGlyphs);
      // Characters without a glyph of their own stay with the base.
      meanings[visual(base)] = cluster[0] + combining.slice(0, combining.length - onMarks).join('');
      for (let m = 0; m < onMarks; m++) {
        meanings[visual(end - onMarks + m)] = combining[combining.length - onMarks + m];
      }
    });
    return meanings;
  }
  if (!reversed && glyphs.reduce((sum, g) => sum + g.codePoints.length, 0) === chars.length) {
    // Left-to-right ligatures (fi): fontkit's code points are right for glyphs only ligatures make.
    for (let i = 0; i < n; i++) meanings[i] = String.fromCodePoint(...glyphs[i].codePoints);
    return meanings;
  }
  // Extractors reverse a right-to-left run's text as a whole, so its text is stored reversed.
  meanings[visual(0)] = reversed ? chars.reverse().join('') : text;
  return meanings;
}

/**
 * A PDF number: two decimals, no trailing zeros. Built from integers because formatting doubles
 * showed in the profile (a 500-action plan writes a few hundred thousand numbers).
 */
export function fmt(n: number): string {
  let hundredths = Math.round(n * 100);
  if (hundredths === 0) return '0';
  const negative = hundredths < 0;
  if (negative) hundredths = -hundredths;
  const whole = Math.floor(hundredths / 100);
  const fraction = hundredths - whole * 100;
  let out = String(whole);
  if (fraction !== 0) {
    out +=
      fraction % 10 === 0 ? `.${fraction / 10}` : fraction < 10 ? `.0${fraction}` : `.${fraction}`;
  }
  return negative ? `-${out}` : out;
}
