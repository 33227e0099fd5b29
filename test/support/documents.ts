import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';

/**
 * Reads exported files back the way their users' programs do, so tests check content rather
 * than bytes: PDF text through pdf.js, Word's document.xml, workbooks through exceljs.
 */

export interface PdfText {
  numPages: number;
  info: Record<string, unknown>;
  /** Each page's text, whitespace collapsed. */
  pages: string[];
  /** Every page's text, joined by spaces. */
  text: string;
}

/**
 * pdf.js is ESM-only and jest runs CommonJS, so it runs in a child `node` process (outside jest's
 * module registry) with this script, which reads the PDF from stdin and prints its metadata and
 * text as JSON.
 */
const EXTRACT = `
const { getDocument } = await import(process.argv[1]);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const doc = await getDocument({ data: new Uint8Array(Buffer.concat(chunks)), isEvalSupported: false, verbosity: 0 }).promise;
const { info } = await doc.getMetadata();
const pages = [];
for (let n = 1; n <= doc.numPages; n++) {
  const page = await doc.getPage(n);
  const { items } = await page.getTextContent();
  pages.push(items.map((item) => item.str + (item.hasEOL ? '\\n' : '')).join(''));
}
process.stdout.write(JSON.stringify({ numPages: doc.numPages, info, pages }));
`;

const PDFJS = pathToFileURL(
  join(dirname(require.resolve('pdfjs-dist/package.json')), 'legacy/build/pdf.mjs'),
).href;

/** The text and metadata of a PDF as pdf.js (a browser's PDF viewer) reads them. */
export function pdfText(pdf: Uint8Array): Promise<PdfText> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', EXTRACT, PDFJS],
      { maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`pdf.js could not read the PDF: ${error.message}\n${stderr}`));
          return;
        }
        const raw = JSON.parse(stdout) as Omit<PdfText, 'text'>;
        const pages = raw.pages.map((page) => page.replace(/\s+/g, ' ').trim());
        resolve({ ...raw, pages, text: pages.join(' ') });
      },
    );
    child.stdin?.end(Buffer.from(pdf));
  });
}

/** The fonts a PDF embeds as TrueType subsets, by FontName without the subset tag. */
export function pdfEmbeddedFonts(pdf: Uint8Array): string[] {
  const raw = Buffer.from(pdf).toString('latin1');
  const names: string[] = [];
  for (const match of raw.matchAll(/\/FontName \/[A-Z]{6}\+([\w-]+)[^>]*?\/FontFile2 \d+ 0 R/g)) {
    names.push(match[1]);
  }
  return names.sort();
}

/** The parts of a DOCX (or any OOXML) package by path, as text. */
export async function ooxmlParts(bytes: Uint8Array): Promise<Map<string, string>> {
  const zip = await JSZip.loadAsync(bytes);
  const parts = new Map<string, string>();
  for (const [path, file] of Object.entries(zip.files)) {
    if (!file.dir) parts.set(path, await file.async('string'));
  }
  return parts;
}

/** The visible text of a WordprocessingML part: its w:t runs, paragraphs on lines of their own. */
export function wordText(xml: string): string {
  return xml
    .split(/<\/w:p>/)
    .map((paragraph) =>
      [...paragraph.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)]
        .map((m) => unescapeXml(m[1]))
        .join(''),
    )
    .join('\n');
}

export async function readWorkbook(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  );
  return workbook;
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
