import { execFile } from 'node:child_process';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';

/**
 * Reads exported files back the way their users' programs do, so tests check content rather
 * than bytes: PDF text through pdf.js, Word's document.xml, workbooks through exceljs.
 */

export interface PdfText {
  pages: string[];
  info: Record<string, unknown>;
}

// pdf.js ships as ES modules only; it runs in a child node process, outside jest's module system.
const PDF_SCRIPT = `
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const pdf = await getDocument({ data: new Uint8Array(Buffer.concat(chunks)), useSystemFonts: false, isEvalSupported: false }).promise;
const pages = [];
for (let n = 1; n <= pdf.numPages; n++) {
  const page = await pdf.getPage(n);
  const content = await page.getTextContent();
  let text = '';
  for (const item of content.items) text += item.str + (item.hasEOL ? '\\n' : '');
  pages.push(text);
}
const meta = await pdf.getMetadata();
process.stdout.write(JSON.stringify({ pages, info: meta.info }));
`;

/** The fonts a PDF embeds, by their FontName (subset tags removed), e.g. NotoSansArabic-Regular. */
export function pdfEmbeddedFonts(bytes: Uint8Array): string[] {
  const text = Buffer.from(bytes).toString('latin1');
  const names = [...text.matchAll(/\/FontName\s*\/(?:[A-Z]{6}\+)?([A-Za-z0-9-]+)/g)].map((m) => m[1]);
  return [...new Set(names)].sort();
}

export function pdfText(bytes: Uint8Array): Promise<PdfText> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', PDF_SCRIPT],
      { cwd: process.cwd(), maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`pdf.js could not read the PDF: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout) as PdfText);
      },
    );
    child.stdin?.end(Buffer.from(bytes));
  });
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
