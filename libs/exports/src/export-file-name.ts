import type { ExportFormat } from './render/formats';
import type { PlanReport } from './render/plan-report';

export interface ExportFileNames {
  /** ASCII only, for the plain `filename` parameter (older clients). */
  ascii: string;
  /** The readable name, in the title's own script, for `filename*` (RFC 6266 / 5987). */
  unicode: string;
}

/**
 * "National action plan on defenders – v3 Ministry draft.pdf": the plan's title, the version
 * when one is exported (else the day of the export), and the format's extension; characters
 * file systems refuse are dropped.
 */
export function exportFileNames(report: PlanReport, format: ExportFormat): ExportFileNames {
  const title = report.content.title.trim() || 'Action plan';
  const suffix = report.version
    ? `v${report.version.number} ${report.version.name}`
    : report.generatedAt.slice(0, 10);
  const unicode = `${cut(clean(title), 120)} - ${cut(clean(suffix), 60)}.${format}`;
  const asciiTitle = slug(title) || 'action-plan';
  const asciiSuffix = report.version
    ? `v${report.version.number}${slug(report.version.name) ? `-${slug(report.version.name)}` : ''}`
    : suffix;
  return { ascii: `${asciiTitle.slice(0, 80)}-${asciiSuffix.slice(0, 40)}.${format}`, unicode };
}

/** `attachment; filename="…"; filename*=UTF-8''…` */
export function contentDisposition(names: ExportFileNames): string {
  const encoded = encodeURIComponent(names.unicode).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${names.ascii}"; filename*=UTF-8''${encoded}`;
}

/** At most `max` characters, never half of one. */
function cut(text: string, max: number): string {
  return Array.from(text).slice(0, max).join('').trim();
}

function clean(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Cf}\p{Cs}\\/:*?"<>|]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
}

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
