import { CharacterSet, type Document, type IPropertiesOptions } from 'docx';
import subsetFont from 'subset-font';
import { FONT_FAMILIES, fontData, type FontScript, type FontWeight } from '../fonts';
import type { Typesetter } from './text';

type FontOptions = NonNullable<IPropertiesOptions['fonts']>[number];

const CHARACTER_SETS: Record<FontScript, FontOptions['characterSet']> = {
  latin: CharacterSet.ANSI,
  arabic: CharacterSet.ARABIC,
  cjk: CharacterSet.GB_2312,
};

const SCRIPTS: FontScript[] = ['latin', 'arabic', 'cjk'];

/**
 * The faces the document uses, each cut down to the characters it draws: Noto Sans SC is ~10 MB a
 * face, its subset a few tens of kilobytes. HarfBuzz's subsetter (wasm, through subset-font) keeps
 * the cmap, and the glyphs the layout tables reach from the kept characters, so Arabic letters
 * keep their joined forms. A family whose regular face is unused still embeds a tiny regular
 * subset: docx embeds a family's bold face only beside its regular one.
 */
export async function embeddedFonts(t: Typesetter): Promise<FontOptions[]> {
  const fonts: FontOptions[] = [];
  for (const script of SCRIPTS) {
    const regular = t.charactersOf(script, 'regular');
    const bold = t.charactersOf(script, 'bold');
    if (!regular && !bold) continue;
    fonts.push({
      name: FONT_FAMILIES[script],
      characterSet: CHARACTER_SETS[script],
      data: await subset(script, 'regular', regular || ' '),
      bold: bold ? await subset(script, 'bold', bold) : undefined,
    });
  }
  return fonts;
}

function subset(script: FontScript, weight: FontWeight, text: string): Promise<Buffer> {
  return subsetFont(fontData(script, weight), text, { targetFormat: 'truetype' });
}

/**
 * `word/fontTable.xml` in place of docx's: the same embedded files and keys (docx's FontWrapper
 * gives the Nth face the relationship rIdN), marked `w:subsetted` so Word knows a face lacks the
 * characters the document doesn't use, and with each face's real PANOSE and Unicode/code-page
 * signature from its OS/2 table, which Word uses to pick a stand-in wherever it can't load an
 * embedded font (docx writes one generic Latin signature for every font).
 */
export function fontTableXml(doc: Document, fonts: FontOptions[]): string {
  const files = doc.FontTable.files;
  const entries = fonts.map((font) => {
    const os2 = readOs2(font.data);
    const embeds = files
      .map((file, i) => ({ file, id: `rId${i + 1}` }))
      .filter(({ file }) => file.name === font.name)
      .map(({ file, id }) => {
        const element = file.bold ? 'w:embedBold' : 'w:embedRegular';
        return `<${element} r:id="${id}" w:fontKey="{${file.fontKey.toUpperCase()}}" w:subsetted="1"/>`;
      })
      .join('');
    return (
      `<w:font w:name="${font.name}">` +
      (os2 ? `<w:panose1 w:val="${os2.panose}"/>` : '') +
      `<w:charset w:val="${font.characterSet ?? CharacterSet.ANSI}"/>` +
      '<w:family w:val="swiss"/><w:pitch w:val="variable"/>' +
      (os2 ? `<w:sig ${os2.signature}/>` : '') +
      embeds +
      '</w:font>'
    );
  });
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<w:fonts xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ' +
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
    entries.join('') +
    '</w:fonts>'
  );
}

/** PANOSE and the `w:sig` attributes from a TrueType file's OS/2 table, or null without one. */
function readOs2(font: Buffer): { panose: string; signature: string } | null {
  const tables = font.readUInt16BE(4);
  for (let i = 0; i < tables; i++) {
    const record = 12 + i * 16;
    if (font.toString('latin1', record, record + 4) !== 'OS/2') continue;
    const offset = font.readUInt32BE(record + 8);
    const hex = (at: number) =>
      font
        .readUInt32BE(offset + at)
        .toString(16)
        .toUpperCase()
        .padStart(8, '0');
    const version = font.readUInt16BE(offset);
    return {
      panose: font.toString('hex', offset + 32, offset + 42).toUpperCase(),
      signature:
        `w:usb0="${hex(42)}" w:usb1="${hex(46)}" w:usb2="${hex(50)}" w:usb3="${hex(54)}" ` +
        `w:csb0="${version >= 1 ? hex(78) : '00000000'}" w:csb1="${version >= 1 ? hex(82) : '00000000'}"`,
    };
  }
  return null;
}
