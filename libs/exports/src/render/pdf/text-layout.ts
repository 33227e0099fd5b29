import bidiFactory from 'bidi-js';
import { createRequire } from 'node:module';
import { fontData, scriptOf, type FontScript, type FontWeight } from '../fonts';
import { GlyphEncoder, fmt, type Encoded, type PdfkitFont } from './glyphs';

/**
 * Multilingual text for pdfkit, which has neither font fallback nor bidi. A text is cut into
 * paragraphs; each paragraph gets bidi embedding levels (`bidi-js`, UAX #9) and a face per
 * character (`scriptOf`; spaces, digits and punctuation stay in the face of the letters around
 * them, so an Arabic phrase is one run of one font); it is cut into words at UAX #14 break
 * opportunities (`linebreak`, so Chinese breaks between ideographs) and each word into pieces of
 * one face and one level. Lines are filled greedily with cached word widths, their pieces put in
 * visual order (rule L2) and drawn as glyphs straight into the page's content stream.
 *
 * Who reverses what: fontkit shapes an Arabic run and returns its glyphs right to left itself, so
 * an Arabic piece is handed over in logical order. A right-to-left piece fontkit will not reverse
 * (spaces, punctuation) is reversed and mirrored here; a left-to-right piece it would reverse
 * (Arabic-Indic digits) is pre-reversed so the two reversals cancel.
 *
 * Why not `doc.text()`: it lays a string out word by word in logical order (a multi-word Arabic
 * run comes out with its words left to right) and costs ~25 µs a call, too slow for the tens of
 * thousands of pieces of a 500-action plan.
 */

/** `linebreak` ships no type declarations; this is the part of its API used here. */
interface LineBreakerInstance {
  nextBreak(): { position: number; required: boolean } | null;
}
type LineBreakerClass = new (text: string) => LineBreakerInstance;
// Loaded through createRequire rather than an ambient `declare module`, which every program
// compiling this file (the API, the worker, tests) would otherwise have to include.
const LineBreaker = createRequire(__filename)('linebreak') as LineBreakerClass;

const bidi = bidiFactory();

export type FaceKey = `${FontScript}-${FontWeight}`;

export interface TextStyle {
  size: number;
  weight?: FontWeight;
  /** Hex colour, e.g. '#1f2933'. */
  color?: string;
  /** Line height as a multiple of the size. */
  leading?: number;
  /**
   * Paragraph direction: 'auto' (the default) takes it from the first strong character; 'ltr'
   * suits a label whose frame is English ("Milestone: …, due 15 Jan 2027") around a name in
   * any script.
   */
  direction?: 'auto' | 'ltr' | 'rtl';
}

/** Where a line sits in its box; 'start' is left for left-to-right and right for RTL lines. */
export type Align = 'start' | 'end' | 'center' | 'left' | 'right';

interface Face {
  key: FaceKey;
  pdf: PdfkitFont;
  encoder: GlyphEncoder;
  /** Advance widths at size 1000, by text: the word-width cache. */
  widths: Map<string, number>;
  /** Encoded runs by text (glyph ids are per document, so is this cache). */
  encoded: Map<string, Encoded>;
}

/** One face, one embedding level, in the order it is handed to the font. */
interface Piece {
  /** The characters given to the font: reversed and mirrored when fontkit will not do it. */
  draw: string;
  face: Face;
  level: number;
  /** Advance at size 1000. */
  width: number;
}

/** Text between two break opportunities; trailing spaces are kept apart (dropped at line ends). */
interface Word {
  pieces: Piece[];
  space: Piece | null;
  width: number;
  start: number;
  end: number;
}

interface Paragraph {
  text: string;
  weight: FontWeight;
  levels: Uint8Array | null;
  /** Face script per UTF-16 unit, or null when the whole paragraph is Noto Sans. */
  scripts: FontScript[] | null;
  rtl: boolean;
  words: Word[];
}

export interface LinePiece {
  draw: string;
  face: Face;
  /** Points. */
  width: number;
}

export interface TextLine {
  /** Pieces in visual order, left to right. */
  pieces: LinePiece[];
  width: number;
  rtl: boolean;
}

export interface TextBlock {
  lines: TextLine[];
  size: number;
  lineHeight: number;
  height: number;
  /** Widest line. */
  width: number;
  color: string;
}

const FACES: FaceKey[] = [
  'latin-regular',
  'latin-bold',
  'arabic-regular',
  'arabic-bold',
  'cjk-regular',
  'cjk-bold',
];

/** Scripts fontkit shapes right to left (it reverses their glyphs itself). */
const RTL_SCRIPT =
  /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
/** fontkit picks a run's script from its first character that is not Common or Inherited. */
const SCRIPT_DECIDING = /[^\p{Script=Common}\p{Script=Inherited}]/u;
/** Characters that take the face of the text around them. */
const NEUTRAL = /[\p{Script=Common}\p{Script=Inherited}]/u;
/**
 * Text drawn entirely with Noto Sans and without bidi controls (Latin, Greek, Cyrillic, dashes,
 * quotes): it needs neither bidi levels nor per-character faces.
 */
const NOTO_SANS_ONLY = /^[\t -\u04ff\u2010-\u2027\u2030-\u205e]*$/;
const WHITESPACE = /\s/u;
const PARAGRAPH_BREAK = /\r\n|[\r\n\u2028\u2029]/;
/** Bidi controls and invisible breaks: they steer layout but have no glyph to draw. */
const INVISIBLE = /[\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/gu;

/** Noto Sans's vertical metrics (em units): the line box is centred on them. */
const ASCENT = 1.069;
const DESCENT = 0.293;

/**
 * Parsed fonts (fontkit objects) kept for the life of the worker: pdfkit accepts one in place of
 * the file's bytes, and parsing the six faces' tables again for every document cost a third of a
 * small plan's render time. Each document still makes its own subsets.
 */
const parsedFonts = new Map<FaceKey, PdfkitFont['font']>();

function fontkitReverses(text: string): boolean {
  const deciding = SCRIPT_DECIDING.exec(text);
  return deciding !== null && RTL_SCRIPT.test(deciding[0]);
}

export class TextEngine {
  private readonly faces: Record<FontScript, Partial<Record<FontWeight, Face>>> = {
    latin: {},
    arabic: {},
    cjk: {},
  };
  private readonly paragraphs = new Map<string, Paragraph>();
  /** Form XObjects (glyph outlines) by resource name. */
  private readonly forms: Record<string, unknown> = {};
  /** Face script by code point, after the missing-glyph fallback. */
  private readonly scriptCache = new Map<number, FontScript>();

  constructor(private readonly doc: PDFKit.PDFDocument) {
    for (const key of FACES) {
      const [script, weight] = key.split('-') as [FontScript, FontWeight];
      // pdfkit's types only list bytes, but its font factory takes a fontkit font as is.
      doc.registerFont(key, (parsedFonts.get(key) ?? fontData(script, weight)) as Buffer);
    }
  }

  /** Lays text out in lines no wider than `width` (points). */
  layout(text: string, style: TextStyle, width: number): TextBlock {
    const size = style.size;
    const scale = size / 1000;
    const lines: TextLine[] = [];
    for (const part of text.split(PARAGRAPH_BREAK)) {
      const paragraph = this.paragraph(part, style.weight ?? 'regular', style.direction);
      this.wrap(paragraph, scale, width, lines);
    }
    const lineHeight = size * (style.leading ?? 1.4);
    let widest = 0;
    for (const line of lines) widest = Math.max(widest, line.width);
    return {
      lines,
      size,
      lineHeight,
      height: lines.length * lineHeight,
      width: widest,
      color: style.color ?? '#1f2933',
    };
  }

  /** A single line, shortened with an ellipsis when it is wider than `width`. */
  singleLine(text: string, style: TextStyle, width: number): TextBlock {
    const flat = text.replace(/\s+/g, ' ').trim();
    const whole = this.layout(flat, style, Number.POSITIVE_INFINITY);
    if (whole.width <= width) return whole;
    const scale = style.size / 1000;
    const paragraph = this.paragraph(flat, style.weight ?? 'regular', style.direction);
    const ellipsis = this.layout('…', style, Number.POSITIVE_INFINITY).width;
    // Keep whole words (logical order) while they fit, then cut inside the first that does not.
    let used = 0;
    let cut = 0;
    for (const word of paragraph.words) {
      const w = word.width * scale;
      if (used + w + ellipsis > width) {
        cut = this.fittingPrefix(
          paragraph,
          word.start,
          word.end,
          (width - ellipsis - used) / scale,
        );
        break;
      }
      used += w + (word.space ? word.space.width * scale : 0);
      cut = word.end;
    }
    return this.layout(`${flat.slice(0, cut).trimEnd()}…`, style, Number.POSITIVE_INFINITY);
  }

  /**
   * Draws lines [from, to) of a block with the first line's top at `top`, each aligned in
   * [x, x + width]. Returns the height drawn.
   */
  draw(
    block: TextBlock,
    x: number,
    top: number,
    width: number,
    align: Align = 'start',
    from = 0,
    to = block.lines.length,
  ): number {
    if (to <= from) return 0;
    const page = this.doc.page;
    const fonts = page.fonts as Record<string, unknown>;
    const xobjects = page.xobjects as Record<string, unknown>;
    const pageHeight = page.height;
    const size = block.size;
    const scale = size / 1000;
    // Centre Noto Sans's ascent + descent in the line box.
    const baseline = (block.lineHeight - (ASCENT + DESCENT) * size) / 2 + ASCENT * size;
    // pdfkit's page space is y-down; text is drawn in an upright (PDF default) space instead.
    const ops: string[] = ['q', `1 0 0 -1 0 ${fmt(pageHeight)} cm`, colorOp(block.color), 'BT'];
    let currentFont = '';
    // Consecutive pieces of one face on a line share a TJ (the text position advances by exactly
    // the widths measured), so an Arabic phrase is one run for text extractors too.
    let tj = '';
    let tjFont = '';
    const flush = () => {
      if (tj) ops.push(`[${tj}] TJ`);
      tj = '';
      tjFont = '';
    };
    const moveTo = (face: Face, gx: number, gy: number) => {
      flush();
      ops.push(`1 0 0 1 ${fmt(gx)} ${fmt(gy)} Tm`);
      if (currentFont !== face.pdf.id) {
        ops.push(`/${face.pdf.id} ${fmt(size)} Tf`);
        currentFont = face.pdf.id;
      }
      tjFont = face.pdf.id;
    };
    const outlines: string[] = [];
    for (let i = from; i < to; i++) {
      const line = block.lines[i];
      const free = width - line.width;
      let lx = x;
      const side = align === 'start' ? (line.rtl ? 'right' : 'left') : align;
      if (side === 'end') lx += line.rtl ? 0 : free;
      else if (side === 'right') lx += free;
      else if (side === 'center') lx += free / 2;
      const y = pageHeight - (top + (i - from) * block.lineHeight + baseline);
      for (const piece of line.pieces) {
        const face = piece.face;
        if (fonts[face.pdf.id] == null) fonts[face.pdf.id] = face.pdf.ref();
        const encoded = this.encode(face, piece.draw);
        if (tjFont !== face.pdf.id) moveTo(face, lx, y);
        if (encoded.parts) {
          for (const part of encoded.parts) {
            tj += typeof part === 'string' ? part : `] TJ ${fmt(part * scale)} Ts [`;
          }
        } else {
          tj += encoded.operand;
        }
        for (const outline of encoded.outlines) {
          // Font units to points: two decimals would be 25% off at 8 pt (0.008).
          const unit = String(Math.round((size / face.pdf.font.unitsPerEm) * 1e6) / 1e6);
          const ox = fmt(lx + outline.dx * scale);
          const oy = fmt(y + outline.dy * scale);
          outlines.push(`q ${unit} 0 0 ${unit} ${ox} ${oy} cm /${outline.form} Do Q`);
          if (xobjects[outline.form] == null) xobjects[outline.form] = this.forms[outline.form];
        }
        lx += piece.width;
      }
      flush();
    }
    // Path operators are not allowed between BT and ET.
    ops.push('ET', ...outlines, 'Q', '');
    // A Buffer is written as is; a string would be copied into bytes character by character.
    this.doc.addContent(Buffer.from(ops.join('\n'), 'latin1'));
    return (to - from) * block.lineHeight;
  }

  private face(script: FontScript, weight: FontWeight): Face {
    return this.faces[script][weight] ?? this.loadFace(script, weight);
  }

  private loadFace(script: FontScript, weight: FontWeight): Face {
    const key: FaceKey = `${script}-${weight}`;
    this.doc.font(key);
    const pdf = (this.doc as unknown as { _font: PdfkitFont })._font;
    parsedFonts.set(key, pdf.font);
    const face: Face = {
      key,
      pdf,
      encoder: new GlyphEncoder(pdf, (path, bbox) => this.defineForm(path, bbox)),
      widths: new Map(),
      encoded: new Map(),
    };
    this.faces[script][weight] = face;
    return face;
  }

  /** A form XObject (written at once) drawing `path` with the current fill colour. */
  private defineForm(path: string, bbox: number[]): string {
    const name = `G${Object.keys(this.forms).length + 1}`;
    const form = this.doc.ref({ Type: 'XObject', Subtype: 'Form', BBox: bbox });
    form.end(path);
    this.forms[name] = form;
    return name;
  }

  private width(face: Face, text: string): number {
    let width = face.widths.get(text);
    if (width === undefined) {
      width = face.pdf.widthOfString(text, 1000);
      face.widths.set(text, width);
    }
    return width;
  }

  private encode(face: Face, text: string): Encoded {
    let encoded = face.encoded.get(text);
    if (!encoded) {
      encoded = face.encoder.encode(text, fontkitReverses(text));
      face.encoded.set(text, encoded);
    }
    return encoded;
  }

  /** Which face draws a code point: `scriptOf`, or another face when that one lacks the glyph. */
  private scriptFor(codePoint: number): FontScript {
    if (codePoint < 0x250) return 'latin';
    let script = this.scriptCache.get(codePoint);
    if (script) return script;
    script = scriptOf(codePoint);
    if (!this.hasGlyph(script, codePoint)) {
      script =
        (['latin', 'arabic', 'cjk'] as const).find((s) => this.hasGlyph(s, codePoint)) ?? script;
    }
    this.scriptCache.set(codePoint, script);
    return script;
  }

  private hasGlyph(script: FontScript, codePoint: number): boolean {
    return this.face(script, 'regular').pdf.font.hasGlyphForCodePoint(codePoint);
  }

  /** Bidi levels, faces and words of one paragraph, cached by weight, direction and text. */
  private paragraph(
    text: string,
    weight: FontWeight,
    direction: 'auto' | 'ltr' | 'rtl' = 'auto',
  ): Paragraph {
    const cacheKey = `${weight}\u0000${direction}\u0000${text}`;
    let paragraph = this.paragraphs.get(cacheKey);
    if (paragraph) return paragraph;
    const simple = NOTO_SANS_ONLY.test(text);
    let levels: Uint8Array | null = null;
    let rtl = direction === 'rtl';
    // Text drawn with Noto Sans only has no right-to-left character: every level is 0.
    if (!simple || rtl) {
      const embedding = bidi.getEmbeddingLevels(text, direction);
      levels = embedding.levels;
      rtl = ((embedding.paragraphs[0]?.level ?? 0) & 1) === 1;
    }
    paragraph = {
      text,
      weight,
      levels,
      scripts: simple ? null : this.scripts(text),
      rtl,
      words: [],
    };
    const breaker = new LineBreaker(text);
    let last = 0;
    for (let bk = breaker.nextBreak(); bk; bk = breaker.nextBreak()) {
      if (bk.position > last) paragraph.words.push(this.word(paragraph, last, bk.position));
      last = bk.position;
    }
    this.paragraphs.set(cacheKey, paragraph);
    return paragraph;
  }

  /**
   * The face of each character. Letters take their script's face; spaces, digits, punctuation and
   * marks (Unicode's Common and Inherited scripts) take the face of the letter before them (or,
   * at the start, after them) when it has the glyph, as shaping engines itemise script runs.
   */
  private scripts(text: string): FontScript[] {
    const scripts = new Array<FontScript>(text.length);
    let current: FontScript | null = null;
    for (let i = 0; i < text.length;) {
      const codePoint = text.codePointAt(i) ?? 0;
      const length = codePoint > 0xffff ? 2 : 1;
      const own = this.scriptFor(codePoint);
      if (NEUTRAL.test(String.fromCodePoint(codePoint))) {
        const inherited = current !== null && this.hasGlyph(current, codePoint) ? current : own;
        scripts.fill(inherited, i, i + length);
      } else {
        if (current === null) {
          // Neutrals before the first letter take its face too.
          for (let j = 0; j < i; j++) {
            if (this.hasGlyph(own, text.codePointAt(j) ?? 0)) scripts[j] = own;
          }
        }
        current = own;
        scripts.fill(own, i, i + length);
      }
      i += length;
    }
    return scripts;
  }

  private word(paragraph: Paragraph, start: number, end: number): Word {
    const text = paragraph.text;
    let core = end;
    while (core > start && WHITESPACE.test(text[core - 1])) core--;
    const pieces = this.pieces(paragraph, start, core);
    let width = 0;
    for (const piece of pieces) width += piece.width;
    const space =
      core < end
        ? this.piece(
            text.slice(core, end),
            this.face(scriptAt(paragraph, core), paragraph.weight),
            levelAt(paragraph, core),
          )
        : null;
    return { pieces, space, width, start, end };
  }

  /**
   * Cuts [start, end) into runs of one face and one embedding level. A mirrored character
   * (bracket, guillemet) at a right-to-left level is a run of its own: fontkit reverses an Arabic
   * run but does not mirror brackets in it (Noto Sans Arabic's rtlm does not fire), so it is
   * mirrored here like any neutral.
   */
  private pieces(paragraph: Paragraph, start: number, end: number): Piece[] {
    const text = paragraph.text;
    const pieces: Piece[] = [];
    let runStart = start;
    for (let i = start + 1; i <= end; i++) {
      if (
        i === end ||
        scriptAt(paragraph, i) !== scriptAt(paragraph, runStart) ||
        levelAt(paragraph, i) !== levelAt(paragraph, runStart) ||
        mirroredAt(paragraph, i) ||
        mirroredAt(paragraph, i - 1)
      ) {
        const face = this.face(scriptAt(paragraph, runStart), paragraph.weight);
        pieces.push(this.piece(text.slice(runStart, i), face, levelAt(paragraph, runStart)));
        runStart = i;
      }
    }
    return pieces;
  }

  private piece(text: string, face: Face, level: number): Piece {
    const rtl = (level & 1) === 1;
    const reverses = fontkitReverses(text);
    let draw = text;
    if (rtl && !reverses) {
      draw = Array.from(text, (c) => bidi.getMirroredCharacter(c) ?? c)
        .reverse()
        .join('');
    } else if (!rtl && reverses) {
      draw = Array.from(text).reverse().join('');
    }
    draw = draw.replace(INVISIBLE, '');
    return { draw, face, level, width: this.width(face, draw) };
  }

  /** The longest prefix of [start, end) no wider than `limit` (size-1000 units), at least one character. */
  private fittingPrefix(paragraph: Paragraph, start: number, end: number, limit: number): number {
    let used = 0;
    let i = start;
    while (i < end) {
      const codePoint = paragraph.text.codePointAt(i) ?? 0;
      const length = codePoint > 0xffff ? 2 : 1;
      const face = this.face(scriptAt(paragraph, i), paragraph.weight);
      const w = this.width(face, paragraph.text.slice(i, i + length));
      if (used + w > limit && i > start) break;
      used += w;
      i += length;
    }
    return i;
  }

  /** Greedy line filling; a word wider than the line is cut between characters. */
  private wrap(paragraph: Paragraph, scale: number, width: number, out: TextLine[]): void {
    const maxWidth = width / scale;
    let line: Word[] = [];
    let lineWidth = 0;
    let pendingSpace = 0;
    const emit = () => {
      out.push(this.line(line, paragraph.rtl, scale));
      line = [];
      lineWidth = 0;
      pendingSpace = 0;
    };
    const words = paragraph.words;
    if (words.length === 0) {
      out.push({ pieces: [], width: 0, rtl: paragraph.rtl });
      return;
    }
    for (let w = 0; w < words.length; w++) {
      let word = words[w];
      if (line.length > 0 && lineWidth + pendingSpace + word.width > maxWidth) emit();
      if (line.length === 0 && word.width > maxWidth) {
        // Too long for any line: a URL, an identifier; cut it where the width runs out. Only
        // each line's part is laid out (never the whole rest again), so a 20,000-character
        // word costs linear time.
        let start = word.start;
        for (;;) {
          const cut = this.fittingPrefix(paragraph, start, word.end, maxWidth);
          if (cut >= word.end) break;
          line.push(this.word(paragraph, start, cut));
          emit();
          start = cut;
        }
        if (start > word.start) word = this.word(paragraph, start, word.end);
      }
      lineWidth += pendingSpace + word.width;
      pendingSpace = word.space ? word.space.width : 0;
      line.push(word);
    }
    emit();
  }

  /** A line's pieces in visual order: rule L2 over the pieces' embedding levels. */
  private line(words: Word[], rtl: boolean, scale: number): TextLine {
    const logical: Piece[] = [];
    for (let w = 0; w < words.length; w++) {
      logical.push(...words[w].pieces);
      // Trailing spaces at the end of a line are not drawn (rule L1 would give them the
      // paragraph level; without a width they need none).
      const space = words[w].space;
      if (space && w < words.length - 1) logical.push(space);
    }
    let highest = 0;
    let lowestOdd = Number.POSITIVE_INFINITY;
    for (const piece of logical) {
      if (piece.level > highest) highest = piece.level;
      if (piece.level & 1 && piece.level < lowestOdd) lowestOdd = piece.level;
    }
    for (let lvl = highest; lvl >= lowestOdd; lvl--) {
      for (let i = 0; i < logical.length;) {
        if (logical[i].level < lvl) {
          i++;
          continue;
        }
        let j = i;
        while (j < logical.length && logical[j].level >= lvl) j++;
        reverseRange(logical, i, j);
        i = j;
      }
    }
    let width = 0;
    const pieces = logical.map((piece) => {
      const w = piece.width * scale;
      width += w;
      return { draw: piece.draw, face: piece.face, width: w };
    });
    return { pieces, width, rtl };
  }
}

function levelAt(paragraph: Paragraph, index: number): number {
  return paragraph.levels ? paragraph.levels[index] : 0;
}

/** Whether the character at `index` is drawn mirrored (a bracket at a right-to-left level). */
function mirroredAt(paragraph: Paragraph, index: number): boolean {
  return (
    paragraph.levels !== null &&
    (paragraph.levels[index] & 1) === 1 &&
    bidi.getMirroredCharacter(paragraph.text[index]) !== null
  );
}

function scriptAt(paragraph: Paragraph, index: number): FontScript {
  return paragraph.scripts ? paragraph.scripts[index] : 'latin';
}

function reverseRange<T>(items: T[], from: number, to: number): void {
  for (let i = from, j = to - 1; i < j; i++, j--) {
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
}

const colorOps = new Map<string, string>();

/** The non-stroking RGB operator for a '#rrggbb' colour. */
function colorOp(hex: string): string {
  let op = colorOps.get(hex);
  if (!op) {
    const value = Number.parseInt(hex.slice(1), 16);
    const channel = (shift: number) =>
      String(Math.round((((value >> shift) & 255) / 255) * 1000) / 1000);
    op = `${channel(16)} ${channel(8)} ${channel(0)} rg`;
    colorOps.set(hex, op);
  }
  return op;
}
