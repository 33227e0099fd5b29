import { type AccordConfig, AccordError, ErrorCode } from '@accord/core';
import { ExportRenderer } from './export-renderer';
import { renderMarkdown } from './render/markdown';
import { samplePlanReport } from './render/sample-report';

function rendererWith(settings: { exportWorkers: number; exportTimeoutSeconds: number }) {
  return new ExportRenderer(settings as AccordConfig);
}

describe('ExportRenderer (worker threads)', () => {
  const renderers: ExportRenderer[] = [];
  afterAll(async () => {
    await Promise.all(renderers.map((r) => r.onApplicationShutdown()));
  });

  it('renders in a worker the same bytes as the renderer itself', async () => {
    const renderer = rendererWith({ exportWorkers: 1, exportTimeoutSeconds: 60 });
    renderers.push(renderer);
    const report = samplePlanReport({ actions: 5 });
    const bytes = await renderer.render('md', report);
    expect(bytes.toString('utf8')).toBe(renderMarkdown(report));
    const pdf = await renderer.render('pdf', report);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('refuses with 503 and Retry-After when more exports wait than the queue holds', async () => {
    const renderer = rendererWith({ exportWorkers: 1, exportTimeoutSeconds: 60 });
    renderers.push(renderer);
    const report = samplePlanReport({ actions: 40 });
    const results = await Promise.allSettled(
      Array.from({ length: 14 }, () => renderer.render('docx', report)),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    const done = results.filter((r) => r.status === 'fulfilled');
    expect(done.length).toBeGreaterThanOrEqual(8);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const r of refused) {
      const error = r.reason as AccordError;
      expect(error).toBeInstanceOf(AccordError);
      expect(error.code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
      expect(error.retryAfterSeconds).toBe(5);
      expect(error.message).toMatch(/Too many exports and imports/);
    }
  });

  it('stops a render that takes too long, and the next render still works', async () => {
    const settings = { exportWorkers: 1, exportTimeoutSeconds: 0.05 };
    const renderer = rendererWith(settings);
    renderers.push(renderer);
    const error = await renderer.render('pdf', samplePlanReport({ actions: 1000 })).then(
      () => null,
      (e: unknown) => e as AccordError,
    );
    expect(error).toBeInstanceOf(AccordError);
    expect(error?.code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
    expect(error?.message).toMatch(/PDF export was not ready within 0.05 s .* and was stopped/);
    // The stopped worker was replaced: with time enough, the same renderer answers again.
    settings.exportTimeoutSeconds = 60;
    const md = await renderer.render('md', samplePlanReport({ actions: 1 }));
    expect(md.toString()).toContain('# National action plan');
  });

  it('refuses exports once the application is shutting down', async () => {
    const renderer = rendererWith({ exportWorkers: 1, exportTimeoutSeconds: 60 });
    await renderer.render('csv', samplePlanReport({ actions: 1 }));
    await renderer.onApplicationShutdown();
    const error = await renderer.render('csv', samplePlanReport({ actions: 1 })).then(
      () => null,
      (e: unknown) => e as AccordError,
    );
    expect(error?.code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
    expect(error?.message).toMatch(/shutting down/);
  });
});
