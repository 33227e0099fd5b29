import { readFileSync } from 'node:fs';

/**
 * The fonts every document embeds (Noto, SIL Open Font License), from npm packages so a fresh
 * install renders the same documents as production: Noto Sans for Latin, Cyrillic and Greek,
 * Noto Sans Arabic, and Noto Sans SC for Chinese. A text is split into runs by script and each
 * run drawn with the face that has its glyphs.
 */
export type FontScript = 'latin' | 'arabic' | 'cjk';
export type FontWeight = 'regular' | 'bold';

export const FONT_FAMILIES: Record<FontScript, string> = {
  latin: 'Noto Sans',
  arabic: 'Noto Sans Arabic',
  cjk: 'Noto Sans SC',
};

const FONT_FILES: Record<FontScript, Record<FontWeight, string>> = {
  latin: {
    regular: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
    bold: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
  },
  arabic: {
    regular: '@expo-google-fonts/noto-sans-arabic/400Regular/NotoSansArabic_400Regular.ttf',
    bold: '@expo-google-fonts/noto-sans-arabic/700Bold/NotoSansArabic_700Bold.ttf',
  },
  cjk: {
    regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
    bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
  },
};

const loaded = new Map<string, Buffer>();

/** The font file's bytes, read once per process (or worker). */
export function fontData(script: FontScript, weight: FontWeight = 'regular'): Buffer {
  const file = FONT_FILES[script][weight];
  let data = loaded.get(file);
  if (!data) {
    data = readFileSync(require.resolve(file));
    loaded.set(file, data);
  }
  return data;
}

/**
 * Which face draws a character: Arabic-script letters (Arabic, its supplements and presentation
 * forms), Han ideographs, kana, CJK punctuation and full-width forms; everything else (Latin,
 * Cyrillic, Greek, digits, common punctuation) is Noto Sans.
 */
export function scriptOf(codePoint: number): FontScript {
  if (
    (codePoint >= 0x0600 && codePoint <= 0x06ff) ||
    (codePoint >= 0x0750 && codePoint <= 0x077f) ||
    (codePoint >= 0x0870 && codePoint <= 0x08ff) ||
    (codePoint >= 0xfb50 && codePoint <= 0xfdff) ||
    (codePoint >= 0xfe70 && codePoint <= 0xfeff)
  ) {
    return 'arabic';
  }
  if (
    (codePoint >= 0x2e80 && codePoint <= 0x2fdf) ||
    (codePoint >= 0x3000 && codePoint <= 0x30ff) ||
    (codePoint >= 0x3100 && codePoint <= 0x31ff) ||
    (codePoint >= 0x3400 && codePoint <= 0x4dbf) ||
    (codePoint >= 0x4e00 && codePoint <= 0x9fff) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xff00 && codePoint <= 0xffef) ||
    (codePoint >= 0x20000 && codePoint <= 0x3134f)
  ) {
    return 'cjk';
  }
  return 'latin';
}

/** Whether a text needs right-to-left layout (it holds a right-to-left letter). */
export function hasRightToLeft(text: string): boolean {
  return /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/u.test(text);
}
