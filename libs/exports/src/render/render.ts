import { renderCsv } from './csv';
import { renderDocx } from './docx';
import type { ExportFormat } from './formats';
import { renderIcs } from './ics';
import { renderJson } from './json';
import { renderMarkdown } from './markdown';
import { renderPdf } from './pdf';
import { cleanReport, type PlanReport } from './plan-report';
import { renderXlsx } from './xlsx';

/** Renders a plan report to one format's bytes. Runs in a render worker. */
export async function renderReport(format: ExportFormat, given: PlanReport): Promise<Buffer> {
  const report = cleanReport(given);
  switch (format) {
    case 'pdf':
      return renderPdf(report);
    case 'docx':
      return renderDocx(report);
    case 'xlsx':
      return renderXlsx(report);
    case 'md':
      return Buffer.from(renderMarkdown(report));
    case 'csv':
      return Buffer.from(renderCsv(report));
    case 'json':
      return Buffer.from(renderJson(report));
    case 'ics':
      return Buffer.from(renderIcs(report));
  }
}
