// The embedded engine launcher, in-process: it starts a real FerretDB (SQLite) per data
// directory, refuses a second one on the same directory, recovers from a crashed owner, and
// the whole app runs on it without MONGODB_URI, keeping data and JWT secrets across restarts.
import type { INestApplication } from '@nestjs/common';
import { AccordClient } from '@accord/client';
import {
  DatabaseEngine,
  EmbeddedEngine,
  EngineNotFoundError,
  EngineStartError,
  ensureSecrets,
  parseConfig,
} from '@accord/core';
import { MongoClient } from 'mongodb';
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createAccordApp } from '../../apps/api/src/create-app';
import { PASSWORD, uniqueEmail } from '../support/factories';
import { probeProcess } from '../support/helpers';

const FERRETDB = resolve(__dirname, '../../.tools/bin/ferretdb');

interface LockContent {
  ownerPid: number;
  enginePid?: number;
  port?: number;
  startedAt: string;
}

const tempDirs: string[] = [];
const engines: EmbeddedEngine[] = [];
const children: ChildProcess[] = [];

function tempDataDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `accord-embedded-${label}-`));
  tempDirs.push(dir);
  return dir;
}

async function startEngine(dataDir: string): Promise<EmbeddedEngine> {
  const engine = await EmbeddedEngine.start({ dataDir });
  engines.push(engine);
  return engine;
}

function lockPath(dataDir: string): string {
  return join(dataDir, 'db', 'accord-engine.lock');
}

function readLock(dataDir: string): LockContent {
  return JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockContent;
}

async function ping(uri: string): Promise<unknown> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.connect();
    return await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** A pid that certainly belonged to a process and is now gone (and reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid as number;
  await new Promise((r) => child.once('exit', r));
  return pid;
}

function track(child: ChildProcess): ChildProcess {
  children.push(child);
  return child;
}

function exitOf(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
}

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.stop();
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exitOf(child);
    }
  }
});

afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('EmbeddedEngine', () => {
  it('starts FerretDB on a temp data dir, answers ping, keeps its SQLite files under <dataDir>/db, and stops completely', async () => {
    const dataDir = tempDataDir('start');
    const engine = await startEngine(dataDir);
    const pid = engine.pid as number;

    expect(engine.running).toBe(true);
    expect(engine.uri).toBe(`mongodb://127.0.0.1:${engine.port}/accord`);
    expect(await ping(engine.uri)).toMatchObject({ ok: 1 });
    expect(probeProcess(pid)).toBeUndefined();
    expect(readLock(dataDir)).toMatchObject({
      ownerPid: process.pid,
      enginePid: pid,
      port: engine.port,
    });

    const client = await MongoClient.connect(engine.uri);
    try {
      await client.db().collection('notes').insertOne({ text: 'kept on disk' });
      expect(
        await client
          .db()
          .collection('notes')
          .findOne({}, { projection: { _id: 0 } }),
      ).toEqual({ text: 'kept on disk' });
    } finally {
      await client.close();
    }
    expect(readdirSync(dataDir)).toEqual(['db']);
    expect(readdirSync(join(dataDir, 'db'))).toEqual(
      expect.arrayContaining(['accord.sqlite', 'accord-engine.lock']),
    );
    expect(statSync(join(dataDir, 'db', 'accord.sqlite')).size).toBeGreaterThan(0);

    await engine.stop();
    expect(engine.running).toBe(false);
    expect(probeProcess(pid)).toBe('ESRCH');
    expect(existsSync(lockPath(dataDir))).toBe(false);
    // The data stays.
    expect(existsSync(join(dataDir, 'db', 'accord.sqlite'))).toBe(true);
    // Stopping twice is harmless.
    await expect(engine.stop()).resolves.toBeUndefined();
  });

  it('keeps the data across a stop and a new start on the same data dir', async () => {
    const dataDir = tempDataDir('restart');
    const first = await startEngine(dataDir);
    let client = await MongoClient.connect(first.uri);
    await client.db().collection('notes').insertOne({ text: 'survives' });
    await client.close();
    await first.stop();

    const second = await startEngine(dataDir);
    client = await MongoClient.connect(second.uri);
    try {
      expect(
        await client
          .db()
          .collection('notes')
          .find({}, { projection: { _id: 0 } })
          .toArray(),
      ).toEqual([{ text: 'survives' }]);
    } finally {
      await client.close();
    }
  });

  it('explains how to get the engine when the binary is missing', async () => {
    const dataDir = tempDataDir('missing');
    const error = await rejection(
      EmbeddedEngine.start({ dataDir, binary: '/nonexistent/ferretdb' }),
    );

    expect(error).toBeInstanceOf(EngineNotFoundError);
    expect(error.message).toContain('npm run setup');
    expect(error.message).toContain('go install');
    expect(error.message).toContain('FERRETDB_BIN');
    expect(error.message).toContain('MONGODB_URI');
    expect(error.message).toContain('/nonexistent/ferretdb');
    expect(existsSync(lockPath(dataDir))).toBe(false);
  });

  it('reports the same missing binary through DatabaseEngine.open (the path the app takes)', async () => {
    const dataDir = tempDataDir('missing-open');
    const config = parseConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      FERRETDB_BIN: '/nonexistent/ferretdb',
    });
    const error = await rejection(DatabaseEngine.open(config));
    expect(error).toBeInstanceOf(EngineNotFoundError);
    expect(error.message).toContain('npm run setup');
  });

  it('refuses a second engine on a data dir that is in use, and leaves the running one alone', async () => {
    const dataDir = tempDataDir('twice');
    const first = await startEngine(dataDir);
    const lockBefore = readFileSync(lockPath(dataDir), 'utf8');

    const error = await rejection(EmbeddedEngine.start({ dataDir }));
    expect(error).toBeInstanceOf(EngineStartError);
    expect(error.message).toContain(join(dataDir, 'db'));

    expect(first.running).toBe(true);
    expect(await ping(first.uri)).toMatchObject({ ok: 1 });
    expect(readFileSync(lockPath(dataDir), 'utf8')).toBe(lockBefore);
  });

  it('refuses a data dir locked by another live process, naming its pid, and keeps its lock', async () => {
    const dataDir = tempDataDir('other-owner');
    const owner = track(spawn('sleep', ['60'], { stdio: 'ignore' }));
    const ownerPid = owner.pid as number;
    mkdirSync(join(dataDir, 'db'), { recursive: true });
    const lock = JSON.stringify({ ownerPid, startedAt: new Date().toISOString() });
    writeFileSync(lockPath(dataDir), lock);

    const error = await rejection(EmbeddedEngine.start({ dataDir }));
    expect(error).toBeInstanceOf(EngineStartError);
    expect(error.message).toContain(`pid ${ownerPid}`);
    expect(error.message).toContain('MONGODB_URI');
    expect(readFileSync(lockPath(dataDir), 'utf8')).toBe(lock);
  });

  it('cleans up a stale lock left by a dead process and starts', async () => {
    const dataDir = tempDataDir('stale');
    const [ownerPid, enginePid] = [await deadPid(), await deadPid()];
    mkdirSync(join(dataDir, 'db'), { recursive: true });
    writeFileSync(
      lockPath(dataDir),
      JSON.stringify({ ownerPid, enginePid, port: 1, startedAt: '2020-01-01T00:00:00.000Z' }),
    );

    const engine = await startEngine(dataDir);
    expect(await ping(engine.uri)).toMatchObject({ ok: 1 });
    expect(readLock(dataDir)).toMatchObject({
      ownerPid: process.pid,
      enginePid: engine.pid,
      port: engine.port,
    });
  });

  it('treats an unreadable lock file as stale', async () => {
    const dataDir = tempDataDir('garbage-lock');
    mkdirSync(join(dataDir, 'db'), { recursive: true });
    writeFileSync(lockPath(dataDir), 'not json at all');

    const engine = await startEngine(dataDir);
    expect(await ping(engine.uri)).toMatchObject({ ok: 1 });
    expect(readLock(dataDir).ownerPid).toBe(process.pid);
  });

  it('kills the orphaned engine of a crashed owner before starting its own on the same files', async () => {
    const dataDir = tempDataDir('orphan');
    const dbDir = join(dataDir, 'db');
    mkdirSync(dbDir, { recursive: true });
    // What a crashed Accord leaves behind: its ferretdb still running on the data dir.
    const orphanPort = await freePort();
    const orphan = track(
      spawn(
        FERRETDB,
        [
          '--handler=sqlite',
          `--sqlite-url=file:${dbDir}/`,
          `--state-dir=${dbDir}`,
          `--listen-addr=127.0.0.1:${orphanPort}`,
          '--debug-addr=-',
          '--telemetry=disable',
          '--log-level=error',
        ],
        { stdio: 'ignore' },
      ),
    );
    const orphanExit = exitOf(orphan);
    await waitForPing(`mongodb://127.0.0.1:${orphanPort}/`, orphan);
    writeFileSync(
      lockPath(dataDir),
      JSON.stringify({
        ownerPid: await deadPid(),
        enginePid: orphan.pid,
        port: orphanPort,
        startedAt: new Date().toISOString(),
      }),
    );

    const engine = await startEngine(dataDir);
    expect(await orphanExit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await ping(engine.uri)).toMatchObject({ ok: 1 });
    expect(readLock(dataDir)).toMatchObject({ ownerPid: process.pid, enginePid: engine.pid });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForPing(uri: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`ferretdb exited with code ${child.exitCode}`);
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300 });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  throw new Error(`ferretdb did not answer on ${uri}`);
}

describe('the whole app on the embedded engine (no MONGODB_URI)', () => {
  const apps: INestApplication[] = [];

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  async function boot(dataDir: string) {
    const config = ensureSecrets(
      parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir }),
    );
    expect(config.mongodbUri).toBeUndefined();
    const { app } = await createAccordApp(config);
    apps.push(app);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    const engine = app.get(DatabaseEngine);
    return { app, config, engine, api: new AccordClient({ baseUrl: `http://127.0.0.1:${port}` }) };
  }

  async function close(app: INestApplication): Promise<void> {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  }

  it('serves, stops its engine on close, and keeps users and JWT secrets across a restart', async () => {
    const dataDir = tempDataDir('app');
    const secretsFile = join(dataDir, 'secrets.json');

    const first = await boot(dataDir);
    expect(first.engine.kind).toBe('embedded');
    const enginePid = first.engine.embedded?.pid as number;
    expect(readLock(dataDir)).toMatchObject({ ownerPid: process.pid, enginePid });
    expect(await first.api.health()).toMatchObject({ status: 'ok', db: 'up' });

    const email = uniqueEmail('restart');
    const registered = await first.api.register({
      email,
      password: PASSWORD,
      displayName: 'Restart Tester',
    });

    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    const secretsBefore = readFileSync(secretsFile, 'utf8');
    expect(JSON.parse(secretsBefore)).toEqual({
      jwtAccessSecret: first.config.jwtAccessSecret,
      jwtRefreshSecret: first.config.jwtRefreshSecret,
      auditSecret: first.config.auditSecret,
    });

    await close(first.app);
    expect(probeProcess(enginePid)).toBe('ESRCH');
    expect(existsSync(lockPath(dataDir))).toBe(false);

    const second = await boot(dataDir);
    expect(second.engine.embedded?.pid).not.toBe(enginePid);
    expect(await second.api.health()).toMatchObject({ status: 'ok', db: 'up' });
    expect(readFileSync(secretsFile, 'utf8')).toBe(secretsBefore);
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    expect(second.config.jwtAccessSecret).toBe(first.config.jwtAccessSecret);
    expect(second.config.jwtRefreshSecret).toBe(first.config.jwtRefreshSecret);

    const loggedIn = await second.api.login(email, PASSWORD);
    expect(loggedIn.user.id).toBe(registered.user.id);
    // Tokens issued before the restart still verify: the same secrets were reused.
    expect((await second.api.withToken(registered.accessToken).me()).id).toBe(registered.user.id);
    expect((await second.api.refresh(registered.refreshToken)).user.id).toBe(registered.user.id);

    const secondPid = second.engine.embedded?.pid as number;
    await close(second.app);
    expect(probeProcess(secondPid)).toBe('ESRCH');
  });
});
