import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AccordClient, ErrorBody, Health } from '@accord/client';
import { registerUser } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

const ALLOWED_ORIGIN = 'https://allowed.example';
const EVIL_ORIGIN = 'https://evil.example';
const ACCEPTABLE_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** A TCP port nobody listens on right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True when a Redis server answers PING on the port. */
function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

function redisServerBinary(): string {
  if (process.env.REDIS_SERVER_BIN) return process.env.REDIS_SERVER_BIN;
  return existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : 'redis-server';
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('HTTP contract (real engine, real HTTP)', () => {
  let t: TestApp;
  let api: AccordClient;

  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: ALLOWED_ORIGIN });
    api = t.client();
  });

  afterAll(async () => {
    await t?.close();
  });

  const url = (path: string) => `${t.baseUrl}${path}`;

  describe('health', () => {
    it('answers 200 ok with the database up and Redis disabled when REDIS_URL is unset', async () => {
      const res = await api.raw<Health>('GET', '/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', db: 'up', redis: 'disabled' });
      expect(await api.health()).toEqual({ status: 'ok', db: 'up', redis: 'disabled' });
    });
  });

  describe('OpenAPI', () => {
    it('publishes the contract routes at /api/docs-json', async () => {
      const res = await fetch(url('/api/docs-json'));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      const doc = (await res.json()) as {
        openapi: string;
        paths: Record<string, Record<string, unknown>>;
      };
      expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
      const expected: [string, string[]][] = [
        ['/api/auth/register', ['post']],
        ['/api/auth/login', ['post']],
        ['/api/auth/refresh', ['post']],
        ['/api/auth/logout', ['post']],
        ['/api/me', ['get']],
        ['/api/organisations', ['get', 'post']],
        ['/api/organisations/{id}', ['get', 'patch']],
        ['/api/organisations/{id}/members', ['post']],
        ['/api/health', ['get']],
      ];
      for (const [path, methods] of expected) {
        expect({ path, methods: Object.keys(doc.paths[path] ?? {}).sort() }).toEqual({
          path,
          methods: expect.arrayContaining(methods),
        });
      }
    });

    it('documents bearer auth on protected routes only, and the request bodies', async () => {
      const doc = (await (await fetch(url('/api/docs-json'))).json()) as {
        paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
        components: {
          securitySchemes: Record<string, { type: string; scheme: string }>;
          schemas: Record<string, { required?: string[] }>;
        };
      };
      expect(doc.components.securitySchemes.bearer).toMatchObject({
        type: 'http',
        scheme: 'bearer',
      });
      const bearer = [{ bearer: [] }];
      expect(doc.paths['/api/me'].get.security).toEqual(bearer);
      expect(doc.paths['/api/organisations'].post.security).toEqual(bearer);
      expect(doc.paths['/api/organisations/{id}/members'].post.security).toEqual(bearer);
      expect(doc.paths['/api/health'].get.security).toBeUndefined();
      expect(doc.paths['/api/auth/register'].post.security).toBeUndefined();
      expect(doc.components.schemas.CreateOrganisationDto.required?.sort()).toEqual([
        'country',
        'name',
        'stakeholderType',
      ]);
    });

    it('serves the docs page as HTML at /api/docs', async () => {
      const res = await fetch(url('/api/docs'));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect((await res.text()).toLowerCase()).toContain('<html');
    });
  });

  describe('errors', () => {
    it.each([
      ['GET', '/api/does-not-exist'],
      ['POST', '/api/organisations/abc/nothing-here'],
      ['DELETE', '/api/organisations'],
    ])('answers an unknown route (%s %s) with 404 in the error contract', async (method, path) => {
      const res = await fetch(url(path), { method });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/json');
      const body = (await res.json()) as ErrorBody;
      expect(body).toMatchObject({
        statusCode: 404,
        code: 'NOT_FOUND',
        message: expect.any(String),
      });
      expect(body.message.length).toBeGreaterThan(0);
    });

    it.each([
      ['application/x-www-form-urlencoded', 'email=a%40b.example&password=0123456789'],
      ['text/plain', '{"email":"a@b.example","password":"0123456789"}'],
    ])('refuses a %s body with 415 instead of half-reading it', async (contentType, body) => {
      const res = await fetch(url('/api/auth/login'), {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({
        statusCode: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: expect.stringContaining('application/json'),
      });
    });

    it('answers a JSON body over 1 MB with 413 PAYLOAD_TOO_LARGE, and one under it normally', async () => {
      const big = JSON.stringify({
        email: 'big@test.accord.example',
        padding: 'x'.repeat(1024 * 1024 + 10),
      });
      const res = await fetch(url('/api/auth/register'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: big,
      });
      expect(res.status).toBe(413);
      const body = (await res.json()) as ErrorBody;
      expect(body).toMatchObject({
        statusCode: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: expect.any(String),
      });
      expect(body.correlationId).toBe(res.headers.get('x-request-id'));

      // Just under the limit the body is parsed and validated as usual.
      const fits = JSON.stringify({
        email: 'fits@test.accord.example',
        padding: 'x'.repeat(1000 * 1000),
      });
      const ok = await fetch(url('/api/auth/register'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: fits,
      });
      expect(ok.status).toBe(400);
      expect(await ok.json()).toMatchObject({ code: 'VALIDATION' });
    });

    it('answers an over-large body with 413 before asking for a sign-in', async () => {
      const res = await fetch(url('/api/organisations'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });
  });

  describe('request ids', () => {
    it('puts an X-Request-Id on every response, a new one per request', async () => {
      const user = await registerUser(api);
      const responses = [
        await fetch(url('/api/health')),
        await fetch(url('/api/does-not-exist')),
        await fetch(url('/api/me')),
        await fetch(url('/api/me'), { headers: { authorization: `Bearer ${user.accessToken}` } }),
        await fetch(url('/api/docs-json')),
        await fetch(url('/api/organisations'), {
          method: 'OPTIONS',
          headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'GET' },
        }),
      ];
      const ids = responses.map((r) => r.headers.get('x-request-id'));
      for (const id of ids) expect(id).toMatch(ACCEPTABLE_ID);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it.each(['abcd1234', 'req-2024.06.01_client-42', 'A'.repeat(64)])(
      'echoes the acceptable caller id %p',
      async (id) => {
        const res = await fetch(url('/api/health'), { headers: { 'x-request-id': id } });
        expect(res.headers.get('x-request-id')).toBe(id);
      },
    );

    it.each([
      ['too short', 'abc1234'],
      ['too long', 'A'.repeat(65)],
      ['spaces', 'has spaces in it'],
      ['markup', '<script>alert(1)</script>'],
      ['slashes and colons', 'id:1/2/3/4/5'],
    ])('replaces an unacceptable caller id (%s)', async (_label, id) => {
      const res = await fetch(url('/api/health'), { headers: { 'x-request-id': id } });
      const answered = res.headers.get('x-request-id');
      expect(answered).not.toBe(id);
      expect(answered).toMatch(ACCEPTABLE_ID);
    });

    it('carries the same id as correlationId in error bodies', async () => {
      const given = 'trace-0123456789';
      const user = await registerUser(api);
      const errors = [
        await fetch(url('/api/does-not-exist'), { headers: { 'x-request-id': given } }),
        await fetch(url('/api/me'), { headers: { 'x-request-id': given } }),
        await fetch(url('/api/organisations?colour=blue'), {
          headers: { 'x-request-id': given, authorization: `Bearer ${user.accessToken}` },
        }),
        await fetch(url('/api/organisations/abc'), {
          headers: { 'x-request-id': given, authorization: `Bearer ${user.accessToken}` },
        }),
        await fetch(url('/api/auth/login'), {
          method: 'POST',
          headers: { 'x-request-id': given, 'content-type': 'application/json' },
          body: '{"email": ',
        }),
      ];
      expect(errors.map((r) => r.status)).toEqual([404, 401, 400, 404, 400]);
      for (const res of errors) {
        expect(res.headers.get('x-request-id')).toBe(given);
        expect(((await res.json()) as ErrorBody).correlationId).toBe(given);
      }

      // A generated id is the one in the body too.
      const generated = await fetch(url('/api/does-not-exist'), {
        headers: { 'x-request-id': 'bad id' },
      });
      const header = generated.headers.get('x-request-id');
      expect(header).toMatch(ACCEPTABLE_ID);
      expect(((await generated.json()) as ErrorBody).correlationId).toBe(header);
    });
  });

  describe('security headers', () => {
    it('sends helmet headers and hides x-powered-by, on answers and errors alike', async () => {
      const requests: [string, RequestInit][] = [
        ['/api/health', {}],
        ['/api/does-not-exist', {}],
        ['/api/me', {}],
        [
          '/api/auth/login',
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: 'x'.repeat(1100 * 1024),
          },
        ],
      ];
      for (const [path, init] of requests) {
        const res = await fetch(url(path), init);
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
        expect(res.headers.get('strict-transport-security')).toContain('max-age=');
        expect(res.headers.get('x-powered-by')).toBeNull();
      }
    });
  });

  describe('CORS', () => {
    const preflight = (origin: string) =>
      fetch(url('/api/organisations'), {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });

    it('allows a preflight from an allowed origin', async () => {
      const res = await preflight(ALLOWED_ORIGIN);
      expect(res.status).toBeLessThan(300);
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
      expect((res.headers.get('access-control-allow-headers') ?? '').toLowerCase()).toContain(
        'authorization',
      );
    });

    it('gives no access-control-allow-origin to another origin', async () => {
      const res = await preflight(EVIL_ORIGIN);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    });

    it('marks plain requests from the allowed origin only, and exposes X-Request-Id and Retry-After', async () => {
      const allowed = await fetch(url('/api/health'), { headers: { origin: ALLOWED_ORIGIN } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      const exposed = (allowed.headers.get('access-control-expose-headers') ?? '').toLowerCase();
      expect(exposed).toContain('x-request-id');
      expect(exposed).toContain('retry-after');

      const evil = await fetch(url('/api/health'), { headers: { origin: EVIL_ORIGIN } });
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
      // Look-alike origins are not the allowed one.
      for (const origin of [
        'https://allowed.example.evil.example',
        'http://allowed.example',
        'https://allowed.example:8443',
      ]) {
        const res = await fetch(url('/api/health'), { headers: { origin } });
        expect({ origin, allow: res.headers.get('access-control-allow-origin') }).toEqual({
          origin,
          allow: null,
        });
      }
    });
  });

  describe('CORS on errors', () => {
    it('lets an allowed origin read every error, including body-parser ones (413, malformed JSON)', async () => {
      const fromAllowed = { origin: ALLOWED_ORIGIN, 'content-type': 'application/json' };
      const cases: [string, RequestInit, number][] = [
        ['unauthenticated', { headers: { origin: ALLOWED_ORIGIN } }, 401],
        [
          'too large',
          {
            method: 'POST',
            headers: fromAllowed,
            body: JSON.stringify({ a: 'x'.repeat(1100 * 1024) }),
          },
          413,
        ],
        ['malformed JSON', { method: 'POST', headers: fromAllowed, body: '{"email": ' }, 400],
      ];
      for (const [label, init, status] of cases) {
        const res = await fetch(url('/api/me'), init);
        expect({
          label,
          status: res.status,
          allow: res.headers.get('access-control-allow-origin'),
        }).toEqual({
          label,
          status,
          allow: ALLOWED_ORIGIN,
        });
      }
    });
  });

  describe('global validation', () => {
    it('answers an unknown query parameter on GET /api/organisations with 400 naming it', async () => {
      const user = await registerUser(api);
      const res = await user.client.raw('GET', '/organisations', { query: { colour: 'blue' } });
      expect(res.status).toBe(400);
      const body = res.body as ErrorBody & { details: { field: string }[] };
      expect(body).toMatchObject({ statusCode: 400, code: 'VALIDATION' });
      expect(body.details.map((d) => d.field)).toEqual(['colour']);
      expect(body.message).toContain('colour');
    });

    it('refuses operator-shaped and repeated query parameters', async () => {
      const user = await registerUser(api);
      const auth = { authorization: `Bearer ${user.accessToken}` };
      for (const query of ['q[$regex]=.*', 'q[$ne]=x', 'q=a&q=b', 'verified[$ne]=true']) {
        const res = await fetch(url(`/api/organisations?${query}`), { headers: auth });
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(await res.json()).toMatchObject({ code: 'VALIDATION' });
      }
    });
  });
});

describe('health with Redis (real redis-server)', () => {
  let redis: ChildProcess | undefined;
  let t: TestApp | undefined;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis();
    t = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
  });

  afterAll(async () => {
    try {
      // The app first, so its Redis client closes a live connection rather than a dead one.
      await t?.close();
    } finally {
      if (redis && redis.exitCode === null && redis.signalCode === null) {
        redis.kill('SIGKILL');
        await exited(redis);
      }
    }
  });

  const health = () => t!.client().raw<Health>('GET', '/health');

  /** Asks /health until it answers `status` (the client may need a moment to notice a change). */
  async function healthUntil(status: number) {
    let res = await health();
    for (let attempt = 0; attempt < 60 && res.status !== status; attempt++) {
      await sleep(100);
      res = await health();
    }
    return res;
  }

  async function startRedis(): Promise<ChildProcess> {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ];
    const child = spawn(redisServerBinary(), args, { stdio: 'ignore' });
    let spawnError: Error | undefined;
    child.once('error', (error) => (spawnError = error));
    for (let attempt = 0; attempt < 100; attempt++) {
      if (spawnError) throw spawnError;
      if (child.exitCode !== null)
        throw new Error(`redis-server exited early (code ${child.exitCode})`);
      if (await redisAnswers(port)) return child;
      await sleep(50);
    }
    child.kill('SIGKILL');
    throw new Error(`redis-server did not answer on port ${port}`);
  }

  it('reports Redis up, 503 degraded while redis-server is stopped, and up again once it is back', async () => {
    const up = await health();
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ status: 'ok', db: 'up', redis: 'up' });

    redis!.kill('SIGKILL');
    await exited(redis!);
    expect(await redisAnswers(port)).toBe(false);

    const down = await healthUntil(503);
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ status: 'degraded', db: 'up', redis: 'down' });

    redis = await startRedis();
    const back = await healthUntil(200);
    expect(back.status).toBe(200);
    expect(back.body).toEqual({ status: 'ok', db: 'up', redis: 'up' });
  });
});
