import { contentDisposition, exportFileNames } from './export-file-name';
import { samplePlanReport } from './render/sample-report';

describe('export file names', () => {
  it('names the file after the plan and its version, readable and in ASCII', () => {
    const report = samplePlanReport({ actions: 1 });
    report.content.title = 'Plan d’action: défenseurs / 2027';
    const names = exportFileNames(report, 'pdf');
    expect(names).toEqual({
      unicode: 'Plan d’action défenseurs 2027 - v3 Ministry draft.pdf',
      ascii: 'plan-d-action-defenseurs-2027-v3-ministry-draft.pdf',
    });
    expect(contentDisposition(names)).toBe(
      `attachment; filename="plan-d-action-defenseurs-2027-v3-ministry-draft.pdf"; filename*=UTF-8''Plan%20d%E2%80%99action%20d%C3%A9fenseurs%202027%20-%20v3%20Ministry%20draft.pdf`,
    );
  });

  it('uses the export day without a version, and a fallback for titles without Latin letters', () => {
    const report = samplePlanReport({ actions: 1 });
    report.version = null;
    report.content.title = 'خطة العمل';
    expect(exportFileNames(report, 'docx')).toEqual({
      unicode: 'خطة العمل - 2026-11-28.docx',
      ascii: 'action-plan-2026-11-28.docx',
    });
  });

  it('never cuts a character in half, and drops what headers and file systems refuse', () => {
    const report = samplePlanReport({ actions: 1 });
    report.version = null;
    report.content.title = 'a'.repeat(119) + '😀 plan';
    const long = exportFileNames(report, 'md');
    expect(long.unicode).toBe(`${'a'.repeat(119)}😀 - 2026-11-28.md`);
    expect(() => contentDisposition(long)).not.toThrow();

    report.content.title = 'Plan \uD800 x\r\n"quoted"\u0000;';
    const odd = exportFileNames(report, 'md');
    expect(odd.unicode).toBe('Plan x quoted ; - 2026-11-28.md');
    const header = contentDisposition(odd);
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).not.toContain('\u0000');
    expect(header).toMatch(
      /^attachment; filename="plan-x-quoted-2026-11-28\.md"; filename\*=UTF-8''[^"]+$/,
    );
  });
});
