// Real processes for multi-node tests: Accord as `npm start` runs it (the built main.js) and a
// real redis-server from the machine, each on a free loopback port.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket as NetSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AccordClient } from '@accord/client';
import type { TestUser } from './factories';

const ROOT = resolve(__dirname, '../..');
export const ACCORD_MAIN = join(ROOT, 'dist/apps/api/apps/api/src/main.js');

export interface RunningProcess {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** True while the process has not exited. */
  alive: () => boolean;
  /** Graceful stop: SIGTERM, then SIGKILL after 10 s. */
  stop: () => Promise<void>;
  /** Sends `signal` (SIGKILL by default: no shutdown hooks run) and waits for the exit. */
  kill: (signal?: NodeJS.Signals) => Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  port: number,
): RunningProcess {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (chunk: Buffer): void => {
    out += chunk.toString('utf8');
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => {
      running = false;
      done({ code, signal });
    }),
  );
  return {
    child,
    port,
    output: () => out,
    exited,
    alive: () => running,
    stop: async () => {
      if (!running) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    kill: async (signal = 'SIGKILL') => {
      if (!running) return;
      child.kill(signal);
      await exited;
    },
  };
}

async function until(
  check: () => Promise<boolean>,
  ms: number,
  what: string,
  proc: RunningProcess,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!proc.alive())
      throw new Error(`${what}: the process exited.\n${proc.output().slice(-4000)}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} within ${ms} ms did not happen.\n${proc.output().slice(-4000)}`);
}

/** A real redis-server (from the machine) on `port`, no persistence. */
export async function startRedis(port?: number): Promise<RunningProcess> {
  const p = port ?? (await freePort());
  const proc = run(
    'redis-server',
    ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    process.env,
    p,
  );
  await until(() => tcpAnswers(p, 'PING\r\n', '+PONG'), 10_000, 'redis-server answering', proc);
  return proc;
}

function tcpAnswers(port: number, send: string, expect: string): Promise<boolean> {
  return new Promise((resolveAnswer) => {
    const socket = new NetSocket();
    let data = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolveAnswer(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      if (data.includes(expect)) done(true);
    });
    socket.connect(port, '127.0.0.1', () => socket.write(send));
  });
}

export interface AccordNodeOptions {
  mongodbUri: string;
  redisUrl?: string;
  /** Shared by every node of one deployment (tokens from one node are valid on the others). */
  secrets: { jwtAccess: string; jwtRefresh: string; audit: string };
  /** More configuration variables (e.g. PLAN_COMPACT_AFTER), applied over the defaults above. */
  env?: Record<string, string>;
}

/** The built Accord server in a child process, ready when /api/health answers 200. */
export async function startAccordNode(options: AccordNodeOptions): Promise<RunningProcess> {
  if (!existsSync(ACCORD_MAIN)) {
    throw new Error(`${ACCORD_MAIN} does not exist: run \`npm run build\` first`);
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'accord-node-'));
  const proc = run(
    process.execPath,
    [ACCORD_MAIN],
    {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? tmpdir(),
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      MONGODB_URI: options.mongodbUri,
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
      JWT_ACCESS_SECRET: options.secrets.jwtAccess,
      JWT_REFRESH_SECRET: options.secrets.jwtRefresh,
      AUDIT_SECRET: options.secrets.audit,
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    port,
  );
  const { stop, kill } = proc;
  proc.stop = async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  proc.kill = async (signal) => {
    await kill(signal);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await until(
      async () => (await fetch(`http://127.0.0.1:${port}/api/health`)).status === 200,
      30_000,
      'Accord answering /api/health with 200',
      proc,
    );
  } catch (error) {
    await proc.kill();
    throw error;
  }
  return proc;
}

/** The base URL of a started node. */
export const url = (node: RunningProcess): string => `http://127.0.0.1:${node.port}`;

/** The same person, talking to `node` (tokens are valid on every node of one deployment). */
export function at(node: RunningProcess, user: TestUser): TestUser {
  return {
    ...user,
    client: new AccordClient({ baseUrl: url(node), accessToken: user.accessToken }),
  };
}
