import {
  BuilderElement,
  OnOffElement,
  Paragraph,
  TextRun,
  type IParagraphOptions,
  type IRunOptions,
  type ParagraphChild,
} from 'docx';
import {
  FONT_FAMILIES,
  hasRightToLeft,
  scriptOf,
  type FontScript,
  type FontWeight,
} from '../fonts';

/**
 * Every run names a face for each of Word's character classes: Word (and LibreOffice) pick the
 * slot by character, so Latin, Cyrillic and Greek take Noto Sans, Arabic the complex-script face
 * and Chinese the East Asian one, whatever the run.
 */
export const RUN_FONTS = {
  ascii: FONT_FAMILIES.latin,
  hAnsi: FONT_FAMILIES.latin,
  cs: FONT_FAMILIES.arabic,
  eastAsia: FONT_FAMILIES.cjk,
} as const;

/**
 * Characters every embedded face has (checked against the three Noto faces): ASCII digits and
 * punctuation and a few typographic marks. They join a neighbouring run instead of starting one
 * of their own, so an Arabic sentence stays one right-to-left run, and every subset keeps them,
 * since Word draws ASCII with the run's ascii face even inside a Chinese or Arabic run.
 */
const NEUTRAL = ' !"#$%&\'()*+,-./0123456789:;<=>?@[\\]^_`{|}~\u00a0—–«»“”‘’…•·×';
const NEUTRAL_SET = new Set([...NEUTRAL].map((c) => c.codePointAt(0)));

/**
 * Characters XML 1.0 forbids, which would corrupt the part: most control characters, and (with
 * the u flag, which reads surrogate pairs as one character) lone surrogates.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff\ud800-\udfff]/gu;

export interface TextStyle {
  bold?: boolean;
  italics?: boolean;
  /** Half-points. */
  size?: number;
  color?: string;
}

export interface ParagraphStyle extends TextStyle {
  style?: string;
  heading?: IParagraphOptions['heading'];
  alignment?: IParagraphOptions['alignment'];
  keepNext?: boolean;
  spacing?: IParagraphOptions['spacing'];
  pageBreakBefore?: boolean;
}

/** What a table paragraph written as XML can have. */
export interface XmlParagraphStyle extends TextStyle {
  style?: string;
  center?: boolean;
}

/** How a stretch of text is set: its face, and right to left or not. */
type RunKind = 'latin' | 'arabic' | 'cjk' | 'rtl';

interface Segment {
  text: string;
  kind: RunKind;
}

function isRtl(kind: RunKind): boolean {
  return kind === 'arabic' || kind === 'rtl';
}

/**
 * An Arabic (right-to-left) run: `w:rtl` orders it right to left and `w:cs` marks it complex
 * script, so Word shapes it with the cs face and size. docx has no option for `w:cs`; `w:rtl` is
 * the last property the options below write, so `w:cs` and `w:lang` follow it in schema order.
 */
class ComplexScriptRun extends TextRun {
  constructor(options: IRunOptions) {
    super({ ...options, rightToLeft: true, font: { ...RUN_FONTS, hint: 'cs' } });
    this.properties.push(new OnOffElement('w:cs', true));
    this.properties.push(
      new BuilderElement({
        name: 'w:lang',
        attributes: { bidi: { key: 'w:bidi', value: 'ar-SA' } },
      }),
    );
  }
}

/** Whether a paragraph reads right to left: its first letter is right-to-left (Unicode P2–P3). */
export function isRightToLeftParagraph(text: string): boolean {
  const letter = /\p{L}/u.exec(text);
  return letter !== null && hasRightToLeft(letter[0]);
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;',
  );
}

const FONTS_XML = (hint: string) =>
  `<w:rFonts w:ascii="${RUN_FONTS.ascii}" w:hAnsi="${RUN_FONTS.hAnsi}" w:eastAsia="${RUN_FONTS.eastAsia}" w:cs="${RUN_FONTS.cs}" w:hint="${hint}"/>`;
const SYMBOL_FONTS_XML = `<w:rFonts w:ascii="${FONT_FAMILIES.cjk}" w:hAnsi="${FONT_FAMILIES.cjk}" w:eastAsia="${FONT_FAMILIES.cjk}" w:cs="${FONT_FAMILIES.cjk}" w:hint="eastAsia"/>`;

/**
 * Lays text out in runs by script, as docx objects (headings and body text) or as WordprocessingML
 * (the large tables, written as text for speed), and records which characters each embedded face
 * must keep, so the fonts can be subset to exactly what the document shows.
 */
export class Typesetter {
  private readonly used: Record<FontScript, Record<FontWeight, Set<number>>> = {
    latin: { regular: new Set(), bold: new Set() },
    arabic: { regular: new Set(), bold: new Set() },
    cjk: { regular: new Set(), bold: new Set() },
  };

  /** The characters a face draws, or an empty string when the document never uses it. */
  charactersOf(script: FontScript, weight: FontWeight): string {
    const used = this.used[script][weight];
    if (used.size === 0) return '';
    let text = NEUTRAL;
    for (const codePoint of used) text += String.fromCodePoint(codePoint);
    return text;
  }

  /** Records characters drawn outside runs made here (chart labels, field results). */
  use(script: FontScript, weight: FontWeight, text: string): void {
    const set = this.used[script][weight];
    for (const char of text) set.add(char.codePointAt(0)!);
  }

  /**
   * The text in stretches of one script. Neutral characters (spaces, digits, punctuation) join
   * the stretch before them, except between a right-to-left and a left-to-right stretch, where
   * they go with the left-to-right one, as the Unicode bidi algorithm resolves them: "حماية
   * المدافعين 3" keeps its number, and "… القضائية. 维权" puts the full stop after the Arabic
   * sentence in a left-to-right paragraph.
   */
  private segments(raw: string, bold: boolean | undefined): Segment[] {
    const text = raw.replace(INVALID_XML, '');
    const weight: FontWeight = bold ? 'bold' : 'regular';
    const segments: Segment[] = [];
    let kind: RunKind | null = null;
    let start = 0;
    // Where the neutral characters since the last strong one begin.
    let neutralFrom = 0;
    let index = 0;
    for (const char of text) {
      const codePoint = char.codePointAt(0)!;
      if (!NEUTRAL_SET.has(codePoint)) {
        const script = scriptOf(codePoint);
        const next: RunKind = script === 'latin' && hasRightToLeft(char) ? 'rtl' : script;
        this.used[script][weight].add(codePoint);
        if (kind !== next) {
          if (kind !== null) {
            const cut = isRtl(kind) && !isRtl(next) ? neutralFrom : index;
            segments.push({ text: text.slice(start, cut), kind });
            start = cut;
          }
          kind = next;
        }
        neutralFrom = index + char.length;
      }
      index += char.length;
    }
    const last: RunKind = kind ?? 'latin';
    // A run of digits alone still needs its face embedded (every subset keeps the neutrals).
    this.used[last === 'rtl' ? 'latin' : last][weight].add(0x20);
    segments.push({ text: text.slice(start), kind: last });
    return segments;
  }

  /** The text as docx runs. */
  runs(text: string, style: TextStyle = {}): TextRun[] {
    return this.segments(text, style.bold).map(({ text: part, kind }) => {
      switch (kind) {
        case 'latin':
          // Latin runs take the document's default fonts.
          return new TextRun({ text: part, ...style });
        case 'arabic':
        case 'rtl':
          return new ComplexScriptRun({ text: part, ...style });
        case 'cjk':
          // The eastAsia hint draws the run's ambiguous punctuation with the Chinese face too.
          return new TextRun({
            text: part,
            ...style,
            font: { ...RUN_FONTS, hint: 'eastAsia' },
            language: { eastAsia: 'zh-CN' },
          });
      }
    });
  }

  /**
   * A docx paragraph, right to left when its text starts with a right-to-left letter; `lead` (a
   * mark such as ◆) goes first, at the paragraph's start on either side.
   */
  paragraph(text: string, options: ParagraphStyle = {}, lead: ParagraphChild[] = []): Paragraph {
    const { bold, italics, size, color, ...paragraph } = options;
    return new Paragraph({
      ...paragraph,
      bidirectional: isRightToLeftParagraph(text) || undefined,
      children: [...lead, ...this.runs(text, { bold, italics, size, color })],
    });
  }

  /** One docx paragraph per line of the text. */
  paragraphs(text: string, options: ParagraphStyle = {}): Paragraph[] {
    return text.split(/\r?\n/).map((line) => this.paragraph(line, options));
  }

  /** A mark such as ◆ drawn with the Chinese face, the one embedded face that has the glyph. */
  symbol(char: string, style: TextStyle = {}): TextRun {
    this.use('cjk', style.bold ? 'bold' : 'regular', char);
    return new TextRun({
      text: char,
      ...style,
      font: {
        ascii: FONT_FAMILIES.cjk,
        hAnsi: FONT_FAMILIES.cjk,
        cs: FONT_FAMILIES.cjk,
        eastAsia: FONT_FAMILIES.cjk,
        hint: 'eastAsia',
      },
    });
  }

  /** The text as WordprocessingML runs: the same runs as `runs`, written directly. */
  xmlRuns(text: string, style: TextStyle = {}): string {
    let xml = '';
    for (const { text: part, kind } of this.segments(text, style.bold)) {
      const fonts = kind === 'latin' ? '' : FONTS_XML(kind === 'cjk' ? 'eastAsia' : 'cs');
      const tail =
        kind === 'cjk'
          ? '<w:lang w:eastAsia="zh-CN"/>'
          : isRtl(kind)
            ? '<w:rtl/><w:cs/><w:lang w:bidi="ar-SA"/>'
            : '';
      xml += run(part, fonts + xmlRunProperties(style) + tail);
    }
    return xml;
  }

  /** ◆ and the like as a WordprocessingML run in the Chinese face (see `symbol`). */
  xmlSymbol(char: string, style: TextStyle = {}): string {
    this.use('cjk', style.bold ? 'bold' : 'regular', char);
    return run(char, SYMBOL_FONTS_XML + xmlRunProperties(style));
  }

  /** A WordprocessingML paragraph, right to left when its text starts with a right-to-left letter. */
  xmlParagraph(text: string, options: XmlParagraphStyle = {}, lead = ''): string {
    const properties =
      (options.style ? `<w:pStyle w:val="${options.style}"/>` : '') +
      (isRightToLeftParagraph(text) ? '<w:bidi/>' : '') +
      (options.center ? '<w:jc w:val="center"/>' : '');
    return (
      '<w:p>' +
      (properties ? `<w:pPr>${properties}</w:pPr>` : '') +
      lead +
      (text ? this.xmlRuns(text, options) : '') +
      '</w:p>'
    );
  }

  /** One WordprocessingML paragraph per line of the text. */
  xmlParagraphs(text: string, options: XmlParagraphStyle = {}): string {
    return text
      .split(/\r?\n/)
      .map((line) => this.xmlParagraph(line, options))
      .join('');
  }
}

/** Run properties in schema order (rFonts come first, rtl/cs/lang last, from the caller). */
function xmlRunProperties(style: TextStyle): string {
  return (
    (style.bold ? '<w:b/><w:bCs/>' : '') +
    (style.italics ? '<w:i/><w:iCs/>' : '') +
    (style.color ? `<w:color w:val="${style.color}"/>` : '') +
    (style.size ? `<w:sz w:val="${style.size}"/><w:szCs w:val="${style.size}"/>` : '')
  );
}

function run(text: string, properties: string): string {
  const space = /^\s|\s$|\s\s/.test(text) ? ' xml:space="preserve"' : '';
  return `<w:r>${properties ? `<w:rPr>${properties}</w:rPr>` : ''}<w:t${space}>${escapeXml(text)}</w:t></w:r>`;
}
