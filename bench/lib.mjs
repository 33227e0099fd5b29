// Shared helpers of the realtime benchmarks: processes (FerretDB, Accord, the baseline server),
// CPU pinning, /proc readings, REST calls, socket helpers, statistics and clean shutdown.
// Plain Node ESM: no build step. Progress goes to stderr; tables and the RESULT line to stdout.
import { spawn, execFileSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { io } from 'socket.io-client';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ACCORD_MAIN =
  process.env.ACCORD_MAIN ?? join(ROOT, 'dist/apps/api/apps/api/src/main.js');
export const FERRETDB_BIN = process.env.FERRETDB_BIN ?? join(ROOT, '.tools/bin/ferretdb');
export const PASSWORD = 'bench password, long enough';

// ---------------------------------------------------------------- logging

const startedAt = Date.now();

/** Progress line on stderr, with the time since the benchmark started. */
export function log(message) {
  const s = ((Date.now() - startedAt) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${s}s] ${message}\n`);
}

export class BenchError extends Error {}

/** A bad setting, found before anything started: the message and exit code 1. */
export function usageError(message) {
  process.stderr.write(`BENCHMARK FAILED: ${message}\n`);
  process.exit(1);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Rejects with a clear message when `promise` takes longer than `ms`. */
export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new BenchError(`Timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------- options

/** Reads `--name=value` / `--name value` flags, then the env variable, then the default. */
export function option(name, fallback, { integer = true, min = 1 } = {}) {
  const flag = `--${name.toLowerCase()}`;
  const argv = process.argv.slice(2);
  let raw;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag) raw = argv[i + 1];
    else if (argv[i].startsWith(`${flag}=`)) raw = argv[i].slice(flag.length + 1);
  }
  raw ??= process.env[name.toUpperCase()];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    usageError(
      `${name.toUpperCase()} must be ${integer ? 'a whole number' : 'a number'} ≥ ${min}, not "${raw}"`,
    );
  }
  return value;
}

// ---------------------------------------------------------------- cleanup

const children = new Set();
const tempDirs = new Set();
let cleaning;

export function tempDir(label) {
  const dir = mkdtempSync(join(tmpdir(), `accord-bench-${label}-`));
  tempDirs.add(dir);
  return dir;
}

/** Stops every process this benchmark started (SIGTERM, SIGKILL after 8 s) and removes temp dirs. */
export function cleanup() {
  cleaning ??= (async () => {
    await Promise.all([...children].map((child) => stopChild(child)));
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    tempDirs.clear();
  })();
  return cleaning;
}

async function stopChild(child, graceMs = 8000) {
  children.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Runs `main`, prints a clear message on failure, always cleans up. Exit code: `main`'s return
 * value (0 = all goals met, 2 = goals missed), 1 when the benchmark could not run, 130 on SIGINT.
 */
export function runMain(main) {
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      log(`${signal}: stopping everything this benchmark started`);
      void cleanup().then(() => process.exit(130));
    });
  }
  // Last resort: never leave a server behind when the process dies anyway.
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
  main().then(
    async (code) => {
      await cleanup();
      process.exit(code ?? 0);
    },
    async (error) => {
      process.stderr.write(
        `\nBENCHMARK FAILED: ${error instanceof BenchError ? error.message : (error?.stack ?? error)}\n`,
      );
      await cleanup();
      process.exit(1);
    },
  );
}

// ---------------------------------------------------------------- CPU pinning

let pinning;

/**
 * With ≥ 2 CPUs and `taskset`: this process (the load generator, all its threads) moves to CPU 1
 * and servers are started on CPU 0. Otherwise a warning and no pinning.
 */
export function setUpPinning() {
  if (pinning) return pinning;
  const count = cpus().length;
  let hasTaskset = false;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    hasTaskset = true;
  } catch {
    hasTaskset = false;
  }
  if (process.env.BENCH_NO_PIN === '1') {
    log('WARNING: BENCH_NO_PIN=1, servers and load generator share all CPUs');
    pinning = { enabled: false, cpus: count, reason: 'BENCH_NO_PIN=1' };
  } else if (count < 2 || !hasTaskset) {
    const reason = count < 2 ? `only ${count} CPU` : 'taskset is not installed';
    log(`WARNING: ${reason}; not pinning (servers and load generator share the CPU)`);
    pinning = { enabled: false, cpus: count, reason };
  } else {
    execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
    log(
      `Pinned: servers and engine on CPU 0, load generator (pid ${process.pid}) on CPU 1 of ${count}`,
    );
    pinning = { enabled: true, cpus: count, server: 0, load: 1 };
  }
  return pinning;
}

/**
 * Spawns a server process, on CPU 0 when pinning is on (taskset execs it: same pid). Its output
 * is kept (the last lines go into error messages) and, with BENCH_LOG_DIR, written to
 * `BENCH_LOG_DIR/<label>-<pid>.log`.
 */
export function spawnServer(label, command, args, options) {
  const p = setUpPinning();
  const child = p.enabled
    ? spawn('taskset', ['-c', String(p.server), command, ...args], options)
    : spawn(command, args, options);
  children.add(child);
  const recent = [];
  const keep = (chunk) => {
    recent.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    recent.splice(0, Math.max(0, recent.length - 30));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  if (process.env.BENCH_LOG_DIR && child.pid) {
    mkdirSync(process.env.BENCH_LOG_DIR, { recursive: true });
    const file = createWriteStream(join(process.env.BENCH_LOG_DIR, `${label}-${child.pid}.log`));
    child.stdout?.pipe(file);
    child.stderr?.pipe(file);
  }
  child.recentOutput = () => recent.join('\n    ');
  child.once('exit', () => children.delete(child));
  child.once('error', (error) => {
    recent.push(`could not be run: ${error.message}`);
  });
  child.stop = () => stopChild(child);
  return child;
}

// ---------------------------------------------------------------- /proc

let clockTicks;

export function clkTck() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime of a process (all its threads), in µs. */
export function cpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / clkTck();
}

/** VmRSS of a process in KB. */
export function rssKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new BenchError(`No VmRSS for pid ${pid}`);
  return Number(match[1]);
}

/** Busy CPU time of the whole machine (all CPUs, every process and interrupt), in µs. */
export function machineBusyMicros() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice
  const [user, nice, system, , , irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return ((user + nice + system + irq + softirq + (steal || 0)) * 1e6) / clkTck();
}

/** Reads server, engine (0 without one), this process' and the machine's CPU at once. */
export function cpuSnapshot(serverPid, enginePid) {
  const self = process.cpuUsage();
  return {
    at: performance.now(),
    server: cpuMicros(serverPid),
    engine: enginePid ? cpuMicros(enginePid) : 0,
    load: self.user + self.system,
    machine: machineBusyMicros(),
  };
}

/**
 * CPU used between two snapshots. `otherUs` is the machine's busy time not accounted to the
 * server, the engine or the load generator: other processes, plus interrupt time (some of it the
 * benchmark's own loopback traffic). A large value means the machine was not quiet.
 */
export function cpuDelta(before, after) {
  const serverUs = after.server - before.server;
  const engineUs = after.engine - before.engine;
  const loadUs = after.load - before.load;
  return {
    wallMs: after.at - before.at,
    serverUs,
    engineUs,
    loadUs,
    otherUs: Math.max(0, after.machine - before.machine - serverUs - engineUs - loadUs),
  };
}

/**
 * Samples the machine for `seconds` before a measurement: warns when the server or the engine is
 * still busy (a backlog from earlier load) or when other processes keep the machine busy (they
 * would distort the figures). Answers the percentages (of one core).
 */
export async function checkQuiet(label, serverPid, enginePid, seconds = 2) {
  const before = cpuSnapshot(serverPid, enginePid);
  await sleep(seconds * 1000);
  const d = cpuDelta(before, cpuSnapshot(serverPid, enginePid));
  const pct = (us) => (us / (d.wallMs * 1000)) * 100;
  const quiet = {
    serverPct: pct(d.serverUs),
    enginePct: pct(d.engineUs),
    otherPct: pct(d.otherUs),
  };
  if (quiet.serverPct + quiet.enginePct > 10) {
    log(
      `WARNING (${label}): before measuring, the server uses ${quiet.serverPct.toFixed(0)}% and the engine ${quiet.enginePct.toFixed(0)}% of a core: still working off earlier load`,
    );
  }
  if (quiet.otherPct > 15) {
    log(
      `WARNING (${label}): other processes keep the machine ${quiet.otherPct.toFixed(0)}% busy (of one core); they will distort the figures`,
    );
  }
  return quiet;
}

// ---------------------------------------------------------------- network

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

// ---------------------------------------------------------------- FerretDB

async function pingMongo(uri) {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: 1000,
    connectTimeoutMS: 1000,
    directConnection: true,
  });
  try {
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Starts FerretDB (SQLite backend) on a free loopback port with a temp data dir. */
export async function startFerretDb() {
  if (!existsSync(FERRETDB_BIN)) {
    throw new BenchError(`FerretDB not found at ${FERRETDB_BIN}: run \`npm run setup\` first`);
  }
  const dir = tempDir('ferretdb');
  const port = await freePort();
  const child = spawnServer(
    'ferretdb',
    FERRETDB_BIN,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
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
  const uri = `mongodb://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await pingMongo(uri)) {
      log(`FerretDB ready on 127.0.0.1:${port} (pid ${child.pid})`);
      return { child, pid: child.pid, uri, port };
    }
    await sleep(150);
  }
  await child.stop();
  throw new BenchError(
    `FerretDB did not answer ping within 30 s.\n    Its last output:\n    ${child.recentOutput()}`,
  );
}

// ---------------------------------------------------------------- HTTP servers

/** Polls GET `url` until it answers 200 with JSON `status: 'ok'`, or the process exits. */
export async function waitForHealth(child, url, timeoutMs, label) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const error = new BenchError(
        `${label} exited (${child.signalCode ?? `code ${child.exitCode}`}) before it was healthy.\n    Its last output:\n    ${child.recentOutput()}`,
      );
      error.exitCode = child.exitCode;
      throw error;
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok && (await res.json()).status === 'ok') return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  await child.stop();
  throw new BenchError(
    `${label} was not healthy at ${url} within ${timeoutMs / 1000} s.\n    Its last output:\n    ${child.recentOutput()}`,
  );
}

/**
 * Starts the built Accord server on CPU 0 against `mongoUri` (a fresh database), with a temp
 * DATA_DIR. Retries (the dist folder may be in the middle of a rebuild).
 */
export async function startAccord(mongoUri, { attempts = 3, retryWaitMs = 30_000 } = {}) {
  for (let attempt = 1; ; attempt++) {
    if (!existsSync(ACCORD_MAIN)) {
      if (attempt >= attempts)
        throw new BenchError(`${ACCORD_MAIN} is missing: run \`npm run build\` first`);
    } else {
      const dataDir = tempDir('accord-data');
      const port = await freePort();
      // ACCORD_NODE_ARGS: node flags for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
      const nodeArgs = (process.env.ACCORD_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
      const child = spawnServer('accord', process.execPath, [...nodeArgs, ACCORD_MAIN], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          MONGODB_URI: mongoUri,
          DATA_DIR: dataDir,
          LOG_LEVEL: process.env.ACCORD_LOG_LEVEL ?? 'warn',
        },
      });
      const url = `http://127.0.0.1:${port}`;
      try {
        await waitForHealth(child, `${url}/api/health`, 60_000, 'Accord');
        log(`Accord ready at ${url} (pid ${child.pid})`);
        return { child, pid: child.pid, url };
      } catch (error) {
        await child.stop();
        // 78: Accord refused its configuration; 9: node refused its flags. Retrying cannot help.
        if (attempt >= attempts || error.exitCode === 78 || error.exitCode === 9) throw error;
        log(`${error.message}`);
      }
    }
    log(
      `Accord did not start (attempt ${attempt}/${attempts}); retrying in ${retryWaitMs / 1000} s (dist may be rebuilding)`,
    );
    await sleep(retryWaitMs);
  }
}

/** Starts bench/baseline-server.mjs on CPU 0 against `mongoUri`. */
export async function startBaseline(mongoUri) {
  const port = await freePort();
  const child = spawnServer(
    'baseline',
    process.execPath,
    [join(ROOT, 'bench/baseline-server.mjs')],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', MONGODB_URI: mongoUri },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(child, `${url}/api/health`, 30_000, 'Baseline server');
  log(`Baseline server ready at ${url} (pid ${child.pid})`);
  return { child, pid: child.pid, url };
}

// ---------------------------------------------------------------- REST

/**
 * Calls the Accord API; throws with the status and the error body on a non-2xx answer. A 409
 * that asks to try again (a lock held by a concurrent change) is retried, up to 10 times.
 */
export async function api(baseUrl, method, path, { token, body, timeoutMs = 60_000 } = {}) {
  for (let attempt = 1; ; attempt++) {
    let res;
    try {
      res = await fetch(`${baseUrl}/api${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new BenchError(`${method} /api${path} failed: ${error.message}`);
    }
    const text = await res.text();
    if (res.ok) return text ? JSON.parse(text) : undefined;
    if (res.status === 409 && /try again/i.test(text) && attempt < 10) {
      await sleep(50 + Math.random() * 100 * attempt);
      continue;
    }
    throw new BenchError(`${method} /api${path} answered ${res.status}: ${text.slice(0, 500)}`);
  }
}

/** Runs `fn` over `items` with at most `concurrency` at a time; results in order. */
export async function pool(items, concurrency, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Logs "label: done/total" at most every `everyMs`. */
export function progress(label, total, everyMs = 2000) {
  let done = 0;
  let last = 0;
  return {
    tick(n = 1) {
      done += n;
      const now = Date.now();
      if (done === total || now - last >= everyMs) {
        last = now;
        log(`${label}: ${done}/${total}`);
      }
    },
  };
}

// ---------------------------------------------------------------- sockets

/** Opens a socket.io connection (websocket only, no reconnection) and waits for `connect`. */
export function connectSocket(url, token, timeoutMs = 20_000) {
  const socket = io(url, {
    transports: ['websocket'],
    auth: { token },
    forceNew: true,
    reconnection: false,
    timeout: timeoutMs,
  });
  return withTimeout(
    new Promise((resolveSocket, reject) => {
      socket.once('connect', () => resolveSocket(socket));
      socket.once('connect_error', (error) => {
        socket.close();
        reject(new BenchError(`socket connect_error: ${error.message}`));
      });
    }),
    timeoutMs,
    'socket connect',
  ).catch((error) => {
    socket.close();
    throw error;
  });
}

/** Emits an event and resolves with its ack; rejects on a timeout or an `{ ok: false }` ack. */
export async function emitOk(socket, event, payload, timeoutMs = 15_000) {
  let reply;
  try {
    reply = await socket.timeout(timeoutMs).emitWithAck(event, payload);
  } catch {
    throw new BenchError(`${event}: no ack within ${timeoutMs} ms`);
  }
  if (!reply?.ok) {
    throw new BenchError(`${event} failed: ${reply?.error?.code} ${reply?.error?.message}`);
  }
  return reply.data;
}

// ---------------------------------------------------------------- statistics

/** The p-th percentile (0–100) of an ascending-sorted array, nearest rank. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(values) {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** A growable Float64Array of samples (millions of latencies without a JS array of boxes). */
export class Samples {
  constructor(capacity = 1 << 16) {
    this.data = new Float64Array(capacity);
    this.length = 0;
  }

  push(value) {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  sorted() {
    return this.data.slice(0, this.length).sort();
  }
}

export const round = (value, digits = 2) =>
  Number.isFinite(value) ? Number(value.toFixed(digits)) : null;

/** A plain text table: `rows` is a list of arrays, the first is the header. */
export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) =>
    r
      .map((cell, c) =>
        c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]),
      )
      .join('  ');
  return [
    line(rows[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}
