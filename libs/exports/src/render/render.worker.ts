import { Piscina } from 'piscina';
import type { ExportFormat } from './formats';
import type { PlanReport } from './plan-report';
import { renderReport } from './render';

export interface RenderTask {
  format: ExportFormat;
  report: PlanReport;
}

/**
 * A render worker's task (piscina calls the default export). The file's bytes are moved, not
 * copied, to the API's thread, which receives them as a Uint8Array.
 */
export default async function render(task: RenderTask): Promise<Uint8Array> {
  const bytes = await renderReport(task.format, task.report);
  // Small buffers share Node's pool: give away only a copy of their own bytes.
  const own =
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? new Uint8Array(bytes.buffer)
      : new Uint8Array(bytes);
  return Piscina.move(own) as unknown as Uint8Array;
}
