import { ChildProcess, spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  WriteStream,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { projectRoot } from '../config/project-root';
import { MongoClient } from 'mongodb';

export const FERRETDB_VERSION = '1.24.2';
export const FERRETDB_INSTALL_COMMAND = `GOBIN=$PWD/.tools/bin go install github.com/FerretDB/FerretDB/cmd/ferretdb@v${FERRETDB_VERSION}`;

export interface EmbeddedEngineOptions {
  /** Where Accord keeps its data; the engine's files live in `<dataDir>/db`. */
  dataDir: string;
  /** An explicit ferretdb binary (FERRETDB_BIN); otherwise the usual places are searched. */
  binary?: string;
  /** How long to wait for the engine to answer `ping`. */
  startTimeoutMs?: number;
  log?: (message: string) => void;
}

export class EngineNotFoundError extends Error {
  constructor(readonly searched: string[]) {
    super(
      `The embedded database engine (FerretDB ${FERRETDB_VERSION}) was not found.\n` +
        `  Install it with \`npm run setup\` (it runs \`${FERRETDB_INSTALL_COMMAND}\`),\n` +
        `  or point FERRETDB_BIN at a ferretdb binary,\n` +
        `  or set MONGODB_URI to use MongoDB or FerretDB running elsewhere.\n` +
        `  Looked for: ${searched.join(', ')}`,
    );
    this.name = 'EngineNotFoundError';
  }
}

export class EngineStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineStartError';
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The places a ferretdb binary is looked for, in order. */
export function ferretdbCandidates(explicit?: string): string[] {
  if (explicit) return [resolve(explicit)];
  const roots = [process.cwd(), projectRoot()].filter((r): r is string => r !== undefined);
  const local = roots.map((root) => join(root, '.tools', 'bin', 'ferretdb'));
  const onPath = (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'ferretdb'));
  return [...new Set([...local, ...onPath])];
}

export function findFerretdbBinary(explicit?: string): string {
  const candidates = ferretdbCandidates(explicit);
  const found = candidates.find((file) => existsSync(file) && isExecutable(file));
  if (!found) throw new EngineNotFoundError(explicit ? candidates : [candidates[0], '$PATH']);
  return found;
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isFerretdbProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('ferretdb');
  } catch {
    return false;
  }
}

interface EngineLock {
  ownerPid: number;
  enginePid?: number;
  port?: number;
  startedAt: string;
}

const enginesInThisProcess = new Set<string>();

/**
 * Runs FerretDB (SQLite backend) as a child process on a free loopback port, with its
 * data under `<dataDir>/db`. One engine per data directory: a lock file refuses a second
 * Accord on the same directory and cleans up after one that crashed.
 */
export class EmbeddedEngine {
  private stopping?: Promise<void>;
  private readonly exitHandler = (): void => {
    // Last resort when the process exits without a clean shutdown: never leave an orphan.
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  };

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly dbDir: string,
    private readonly lockFile: string,
    private readonly logStream: WriteStream,
  ) {
    process.once('exit', this.exitHandler);
  }

  get uri(): string {
    return `mongodb://127.0.0.1:${this.port}/accord`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  static async start(options: EmbeddedEngineOptions): Promise<EmbeddedEngine> {
    const binary = findFerretdbBinary(options.binary);
    const dataDir = resolve(options.dataDir);
    const dbDir = join(dataDir, 'db');
    mkdirSync(dbDir, { recursive: true });
    const lockFile = join(dbDir, 'accord-engine.lock');
    claimLock(lockFile, dbDir);
    enginesInThisProcess.add(dbDir);
    try {
      let lastError: Error | undefined;
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          return await EmbeddedEngine.launch(binary, dbDir, lockFile, options);
        } catch (error) {
          lastError = error as Error;
          // Another process may have taken the port between probing and binding: try another.
          if (!/address already in use/i.test(lastError.message)) break;
        }
      }
      throw lastError ?? new EngineStartError('The embedded database engine did not start');
    } catch (error) {
      enginesInThisProcess.delete(dbDir);
      rmSync(lockFile, { force: true });
      throw error;
    }
  }

  private static async launch(
    binary: string,
    dbDir: string,
    lockFile: string,
    options: EmbeddedEngineOptions,
  ): Promise<EmbeddedEngine> {
    const port = await freeLoopbackPort();
    const logStream = createWriteStream(join(dbDir, 'ferretdb.log'), { flags: 'a' });
    const recent: string[] = [];
    const child = spawn(
      binary,
      [
        '--handler=sqlite',
        `--sqlite-url=file:${dbDir}/`,
        `--state-dir=${dbDir}`,
        `--listen-addr=127.0.0.1:${port}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=warn',
        '--log-format=text',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FERRETDB_TELEMETRY: 'disable', DO_NOT_TRACK: '1' },
      },
    );
    const keep = (chunk: Buffer): void => {
      logStream.write(chunk);
      recent.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      recent.splice(0, Math.max(0, recent.length - 20));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<string>((resolveExit) => {
      child.once('exit', (code, signal) => resolveExit(`exited with ${signal ?? `code ${code}`}`));
      child.once('error', (error) => resolveExit(`could not be run: ${error.message}`));
    });
    writeFileSync(
      lockFile,
      JSON.stringify({
        ownerPid: process.pid,
        enginePid: child.pid,
        port,
        startedAt: new Date().toISOString(),
      } satisfies EngineLock),
    );
    const engine = new EmbeddedEngine(child, port, dbDir, lockFile, logStream);
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    let exitReason: string | undefined;
    void exited.then((reason) => (exitReason = reason));
    while (Date.now() < deadline) {
      if (exitReason !== undefined) break;
      if (await pingOnce(engine.uri)) {
        options.log?.(
          `Embedded FerretDB ${FERRETDB_VERSION} (SQLite) ready on 127.0.0.1:${port}, data in ${dbDir}`,
        );
        return engine;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await engine.stop();
    const output = recent.length ? `\n  Its last output:\n    ${recent.join('\n    ')}` : '';
    throw new EngineStartError(
      exitReason
        ? `The embedded database engine (${binary}) ${exitReason} before answering.${output}`
        : `The embedded database engine did not answer ping within ${options.startTimeoutMs ?? 30_000} ms.${output}`,
    );
  }

  /** Stops the engine: SIGTERM, then SIGKILL if it has not exited after 10 s. */
  async stop(): Promise<void> {
    this.stopping ??= (async () => {
      process.removeListener('exit', this.exitHandler);
      if (this.running) {
        const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
        this.child.kill('SIGTERM');
        const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await new Promise<void>((r) => this.logStream.end(() => r()));
      enginesInThisProcess.delete(this.dbDir);
      rmSync(this.lockFile, { force: true });
    })();
    return this.stopping;
  }
}

async function pingOnce(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300 });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

function claimLock(lockFile: string, dbDir: string): void {
  if (enginesInThisProcess.has(dbDir)) {
    throw new EngineStartError(
      `The data directory ${dbDir} is already served by an engine of this process`,
    );
  }
  if (!existsSync(lockFile)) return;
  let lock: EngineLock | undefined;
  try {
    lock = JSON.parse(readFileSync(lockFile, 'utf8')) as EngineLock;
  } catch {
    lock = undefined;
  }
  if (lock && lock.ownerPid !== process.pid && processIsAlive(lock.ownerPid)) {
    throw new EngineStartError(
      `The data directory ${dbDir} is in use by another Accord process (pid ${lock.ownerPid}). ` +
        'Stop it, use another DATA_DIR, or run several nodes against one engine with MONGODB_URI.',
    );
  }
  // The previous owner is gone; do not leave its engine running on our files.
  if (lock?.enginePid && processIsAlive(lock.enginePid) && isFerretdbProcess(lock.enginePid)) {
    process.kill(lock.enginePid, 'SIGKILL');
  }
  rmSync(lockFile, { force: true });
}
