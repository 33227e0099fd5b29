import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AccordConfig, AccordError, ErrorCode } from '@accord/core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { ExportFormat } from './render/formats';
import type { PlanReport } from './render/plan-report';
import type { ImportOutcome, ImportTask } from './render/plan-import';
import type { RenderTask } from './render/render.worker';

/** Exports waiting for a worker beyond this many are refused (503, try again shortly). */
const MAX_QUEUED_PER_WORKER = 8;

/**
 * Renders exports (and reads imports) in worker threads (piscina), so laying out a 500-action
 * PDF or reading a large plan file never stalls the API's event loop: live rooms and plan
 * editing keep answering meanwhile. A task that takes longer than EXPORT_TIMEOUT_SECONDS is
 * stopped and its worker replaced.
 */
@Injectable()
export class ExportRenderer implements OnApplicationShutdown {
  private pool: Piscina | null = null;
  private closed = false;

  constructor(@Inject(AccordConfig) private readonly config: AccordConfig) {}

  async render(format: ExportFormat, report: PlanReport): Promise<Buffer> {
    const task: RenderTask = { format, report };
    const bytes = await this.run<Uint8Array>(task, 'render', `The ${format.toUpperCase()} export`);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Reads a plan import's file into a new document (or its problems) in a worker. */
  readImport(task: ImportTask): Promise<ImportOutcome> {
    return this.run<ImportOutcome>(task, 'import', 'The import');
  }

  /** Runs a worker task: refused when shutting down or when too many wait; stopped when late. */
  private async run<T>(task: unknown, worker: WorkerFile, what: string): Promise<T> {
    if (this.closed) {
      throw new AccordError(
        ErrorCode.SERVICE_UNAVAILABLE,
        'Accord is shutting down; try again in a moment',
        { retryAfterSeconds: 5 },
      );
    }
    const pool = this.workers();
    if (pool.queueSize >= pool.options.maxQueue) {
      throw new AccordError(
        ErrorCode.SERVICE_UNAVAILABLE,
        'Too many exports and imports are being prepared right now; try again in a few seconds',
        { retryAfterSeconds: 5 },
      );
    }
    try {
      return (await pool.run(task, {
        filename: WORKER_FILES[worker],
        signal: AbortSignal.timeout(this.config.exportTimeoutSeconds * 1000),
      })) as T;
    } catch (error) {
      if (
        error instanceof Error &&
        (error.name === 'AbortError' || error.name === 'TimeoutError')
      ) {
        throw new AccordError(
          ErrorCode.SERVICE_UNAVAILABLE,
          `${what} was not ready within ${this.config.exportTimeoutSeconds} s (the plan is very large or many exports are waiting) and was stopped; try again later`,
          { retryAfterSeconds: 30, cause: error },
        );
      }
      throw error;
    }
  }

  /** After the HTTP server has closed (Nest's last hook), so exports in flight finish first. */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy();
  }

  /** Started on first use: an API that never exports never starts a worker. */
  private workers(): Piscina {
    if (!this.pool) {
      const threads = this.config.exportWorkers;
      this.pool = new Piscina({
        filename: WORKER_FILES.render,
        // From the TypeScript sources (tests), workers compile their modules as jest does.
        execArgv: WORKER_FILES.render.endsWith('.ts') ? ['--require', '@swc-node/register'] : [],
        minThreads: 0,
        maxThreads: threads,
        maxQueue: threads * MAX_QUEUED_PER_WORKER,
        // A warm worker (fonts parsed, code compiled) renders several times faster than a new one.
        idleTimeout: 10 * 60_000,
        // A runaway render ends its own worker (the export fails), never the API process.
        resourceLimits: { maxOldGenerationSizeMb: 1024 },
      });
    }
    return this.pool;
  }
}

/** A worker's file: the compiled JavaScript in a build, else the TypeScript source. */
function workerFile(name: string): string {
  const compiled = join(__dirname, 'render', `${name}.worker.js`);
  return existsSync(compiled) ? compiled : join(__dirname, 'render', `${name}.worker.ts`);
}

/** The pool's two tasks, each a file of its own (piscina loads a file on its first task). */
const WORKER_FILES = { render: workerFile('render'), import: workerFile('import') };
type WorkerFile = keyof typeof WORKER_FILES;
