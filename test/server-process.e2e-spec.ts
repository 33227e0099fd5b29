// The real server process, as `npm start` runs it: the built main.js in a child process with
// nothing but environment variables. It must start its own engine without MONGODB_URI, stop it
// on SIGTERM, and refuse a bad configuration with one message that names every bad variable.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { probeProcess } from './support/helpers';

const ROOT = resolve(__dirname, '..');
const MAIN = join(ROOT, 'dist/apps/api/apps/api/src/main.js');
const START_TIMEOUT_MS = 20_000;
const EXIT_TIMEOUT_MS = 15_000;

interface Server {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: Server[] = [];
const enginePids: number[] = [];
const tempDirs: string[] = [];

function requireBuild(): void {
  if (!existsSync(MAIN)) {
    throw new Error(
      `${MAIN} does not exist: run \`npm run build\` (nest build api) before the server-process tests`,
    );
  }
}

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'accord-server-'));
  tempDirs.push(dir);
  return dir;
}

/**
 * Runs the built server with exactly these variables (plus PATH and HOME): nothing leaks in
 * from the environment running the tests (no MONGODB_URI, no JWT secrets, no FERRETDB_BIN).
 */
function startServer(env: Record<string, string>): Server {
  requireBuild();
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  const server = { child, stdout: () => out, stderr: () => err, exited };
  running.push(server);
  return server;
}

async function within<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  server: Server,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `${what} did not happen within ${ms} ms.\nstdout:\n${server.stdout().slice(-3000)}\nstderr:\n${server.stderr().slice(-3000)}`,
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for the JSON log line whose msg contains the text; fails early if the process exits. */
async function waitForLogLine(server: Server, text: string): Promise<Record<string, unknown>> {
  const found = new Promise<Record<string, unknown>>((resolveLine, reject) => {
    const check = (): boolean => {
      for (const line of server.stdout().split('\n')) {
        if (!line.includes(text)) continue;
        try {
          resolveLine(JSON.parse(line) as Record<string, unknown>);
          return true;
        } catch {
          // a partial line: wait for the rest
        }
      }
      return false;
    };
    if (check()) return;
    const onData = (): void => {
      if (check()) server.child.stdout?.off('data', onData);
    };
    server.child.stdout?.on('data', onData);
    void server.exited.then(({ code, signal }) => {
      if (!check())
        reject(
          new Error(
            `the server exited (${signal ?? `code ${code}`}) before logging "${text}".\nstderr:\n${server.stderr()}`,
          ),
        );
    });
  });
  return within(found, START_TIMEOUT_MS, `the log line "${text}"`, server);
}

function isFerretdb(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('ferretdb');
  } catch {
    return false;
  }
}

afterEach(async () => {
  for (const server of running.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  }
  // A server killed hard cannot stop its engine: never leave one behind.
  for (const pid of enginePids.splice(0)) {
    if (probeProcess(pid) === undefined && isFerretdb(pid)) process.kill(pid, 'SIGKILL');
  }
});

afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the server process (node dist/apps/api/apps/api/src/main.js)', () => {
  it('is built', () => {
    requireBuild();
  });

  it('starts its own engine without MONGODB_URI, serves, and on SIGTERM stops the engine and exits with code 0', async () => {
    const dataDir = tempDataDir();
    const server = startServer({
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });

    const listening = await waitForLogLine(server, 'Accord is listening on');
    const url = listening.url as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(listening.msg).toContain(`Accord is listening on ${url}/api`);
    expect(listening.engine).toBe('embedded FerretDB');

    const lock = JSON.parse(readFileSync(join(dataDir, 'db', 'accord-engine.lock'), 'utf8')) as {
      ownerPid: number;
      enginePid: number;
    };
    enginePids.push(lock.enginePid);
    expect(lock.ownerPid).toBe(server.child.pid);
    expect(probeProcess(lock.enginePid)).toBeUndefined();
    expect(isFerretdb(lock.enginePid)).toBe(true);

    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', db: 'up', redis: 'disabled' });

    server.child.kill('SIGTERM');
    const exit = await within(server.exited, EXIT_TIMEOUT_MS, 'the exit after SIGTERM', server);
    expect(probeProcess(lock.enginePid)).toBe('ESRCH');
    expect(existsSync(join(dataDir, 'db', 'accord-engine.lock'))).toBe(false);
    expect({ ...exit, stderr: server.stderr() }).toEqual({ code: 0, signal: null, stderr: '' });
  });

  it('refuses a bad configuration with exit code 78 and one message naming every bad variable', async () => {
    const dataDir = tempDataDir();
    const server = startServer({
      DATA_DIR: dataDir,
      PORT: 'abc',
      MONGODB_URI: 'http://nope',
      REDIS_URL: 'nope',
      NODE_ENV: 'production',
    });

    const exit = await within(
      server.exited,
      EXIT_TIMEOUT_MS,
      'the exit on a bad configuration',
      server,
    );
    expect(exit).toEqual({ code: 78, signal: null });
    const stderr = server.stderr();
    expect(stderr.match(/Accord cannot start/g)).toHaveLength(1);
    expect(stderr).toContain('6 configuration problems');
    for (const name of [
      'AUDIT_SECRET',
      'PORT',
      'MONGODB_URI',
      'REDIS_URL',
      'JWT_ACCESS_SECRET',
      'JWT_REFRESH_SECRET',
    ]) {
      expect(stderr).toMatch(new RegExp(`^  - ${name} `, 'm'));
    }
    // Nothing was started or written.
    expect(server.stdout()).not.toContain('Accord is listening');
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'db'))).toBe(false);
  });

  it('explains how to get the engine when FERRETDB_BIN points nowhere and MONGODB_URI is not set', async () => {
    const dataDir = tempDataDir();
    const server = startServer({
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      FERRETDB_BIN: '/nonexistent/ferretdb',
      LOG_LEVEL: 'silent',
    });

    const exit = await within(server.exited, EXIT_TIMEOUT_MS, 'the exit without an engine', server);
    expect(exit.signal).toBeNull();
    expect(exit.code).not.toBe(0);
    const stderr = server.stderr();
    expect(stderr).toContain('npm run setup');
    expect(stderr).toContain('MONGODB_URI');
    expect(stderr).toContain('/nonexistent/ferretdb');
    expect(existsSync(join(dataDir, 'db', 'accord-engine.lock'))).toBe(false);
  });
});
