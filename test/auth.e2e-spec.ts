import { type AccordClient } from '@accord/client';
import { MongoClient } from 'mongodb';
import { PASSWORD, registerUser, uniqueEmail } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { apiError } from './support/helpers';

describe('accounts (real engine, real HTTP)', () => {
  let t: TestApp;
  let api: AccordClient;
  let mongo: MongoClient;

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAILS: 'Chair@Platform.example' });
    api = t.client();
    mongo = await MongoClient.connect(t.mongodbUri);
  });

  afterAll(async () => {
    await mongo?.close();
    await t?.close();
  });

  const users = () => mongo.db().collection('users');

  it('registers, signs in and answers /me', async () => {
    const email = uniqueEmail('ana');
    const registered = await api.register({
      email,
      password: PASSWORD,
      displayName: '  Ana Duarte ',
    });
    expect(registered.user).toMatchObject({
      email,
      displayName: 'Ana Duarte',
      platformRole: 'user',
    });
    expect(registered.user.id).toMatch(/^[0-9a-f]{24}$/);
    expect(registered.accessToken).toEqual(expect.any(String));
    expect(registered.refreshToken).toEqual(expect.any(String));
    expect(registered.expiresIn).toBe(900);

    const loggedIn = await api.login(email.toUpperCase(), PASSWORD);
    expect(loggedIn.user.id).toBe(registered.user.id);
    const me = await api.withToken(loggedIn.accessToken).me();
    expect(me).toMatchObject({ id: registered.user.id, email, organisations: [] });
  });

  it('stores an argon2id hash, never the password', async () => {
    const user = await registerUser(api);
    const stored = await users().findOne({ emailNormalized: user.email.toLowerCase() });
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(stored)).not.toContain(PASSWORD);
  });

  it('issues access tokens that expire after 15 minutes', async () => {
    const user = await registerUser(api);
    const payload = JSON.parse(
      Buffer.from(user.accessToken.split('.')[1], 'base64url').toString(),
    ) as {
      iat: number;
      exp: number;
    };
    expect(payload.exp - payload.iat).toBe(15 * 60);
  });

  it('rejects the same email in another case with 409 and stores one account', async () => {
    const email = uniqueEmail('dup');
    await api.register({ email, password: PASSWORD, displayName: 'First' });
    const error = await apiError(
      api.register({ email: email.toUpperCase(), password: PASSWORD, displayName: 'Second' }),
    );
    expect(error.status).toBe(409);
    expect(error.code).toBe('CONFLICT');
    expect(await users().countDocuments({ emailNormalized: email.toLowerCase() })).toBe(1);
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const user = await registerUser(api);
    const wrongPassword = await api.raw('POST', '/auth/login', {
      body: { email: user.email, password: 'not the password' },
    });
    const unknownEmail = await api.raw('POST', '/auth/login', {
      body: { email: uniqueEmail('nobody'), password: PASSWORD },
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    const strip = (body: unknown) => ({ ...(body as object), correlationId: undefined });
    expect(strip(wrongPassword.body)).toEqual(strip(unknownEmail.body));
    expect(wrongPassword.body).toMatchObject({
      statusCode: 401,
      code: 'UNAUTHORIZED',
      message: 'Email or password is incorrect',
    });
  });

  it('gives platform admin to the accounts in ADMIN_EMAILS, whatever their case', async () => {
    const admin = await api.register({
      email: 'chair@platform.example',
      password: PASSWORD,
      displayName: 'Chair',
    });
    expect(admin.user.platformRole).toBe('admin');
    expect((await api.withToken(admin.accessToken).me()).platformRole).toBe('admin');
  });

  describe('validation and injection', () => {
    it('names an unknown field and stores nothing', async () => {
      const email = uniqueEmail('extra');
      const res = await api.raw('POST', '/auth/register', {
        body: { email, password: PASSWORD, displayName: 'X', isAdmin: true },
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION', details: [{ field: 'isAdmin' }] });
      expect((res.body as { message: string }).message).toContain('isAdmin');
      expect(await users().countDocuments({ emailNormalized: email })).toBe(0);
    });

    it('names each missing or invalid field', async () => {
      const res = await api.raw('POST', '/auth/register', {
        body: { email: 'not-an-email', password: 'short' },
      });
      expect(res.status).toBe(400);
      const fields = (res.body as { details: { field: string }[] }).details
        .map((d) => d.field)
        .sort();
      expect(fields).toEqual(['displayName', 'email', 'password']);
    });

    it('refuses operator objects in login instead of matching any account', async () => {
      await registerUser(api);
      const res = await api.raw('POST', '/auth/login', {
        body: { email: { $ne: null }, password: { $ne: null } },
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION' });
      expect((res.body as { details: { field: string }[] }).details.map((d) => d.field)).toEqual(
        expect.arrayContaining(['email', 'password']),
      );
    });

    it('refuses operator objects in register and stores nothing', async () => {
      const before = await users().countDocuments();
      const res = await api.raw('POST', '/auth/register', {
        body: { email: { $gt: '' }, password: PASSWORD, displayName: 'Injected' },
      });
      expect(res.status).toBe(400);
      expect(await users().countDocuments()).toBe(before);
    });

    it('answers malformed JSON with a 400 in the error contract', async () => {
      const res = await fetch(`${t.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"email": ',
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        statusCode: 400,
        code: 'VALIDATION',
        message: expect.stringContaining('JSON'),
      });
    });
  });

  describe('refresh tokens', () => {
    it('rotates the pair on every use', async () => {
      const user = await registerUser(api);
      const first = await api.refresh(user.refreshToken);
      expect(first.refreshToken).not.toBe(user.refreshToken);
      expect(first.accessToken).not.toBe(user.accessToken);
      const second = await api.refresh(first.refreshToken);
      expect(second.user.id).toBe(user.user.id);
      expect((await api.withToken(second.accessToken).me()).id).toBe(user.user.id);
    });

    it('treats a reused refresh token as theft: 401 and the whole family revoked', async () => {
      const user = await registerUser(api);
      const rotated = await api.refresh(user.refreshToken);

      const reuse = await apiError(api.refresh(user.refreshToken));
      expect(reuse.status).toBe(401);
      expect(reuse.code).toBe('UNAUTHORIZED');

      // The legitimate holder's newer tokens of the same family stop working too.
      expect((await apiError(api.refresh(rotated.refreshToken))).status).toBe(401);
      expect((await apiError(api.withToken(rotated.accessToken).me())).status).toBe(401);
      // Another sign-in of the same user is a separate family and keeps working.
      const other = await api.login(user.email, user.password);
      expect((await api.withToken(other.accessToken).me()).id).toBe(user.user.id);
    });

    it('lets exactly one of two concurrent uses of a token win', async () => {
      const user = await registerUser(api);
      const results = await Promise.allSettled([
        api.refresh(user.refreshToken),
        api.refresh(user.refreshToken),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    });

    it('refuses a token that is not one of ours', async () => {
      const forged = await api.raw('POST', '/auth/refresh', {
        body: { refreshToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' },
      });
      expect(forged.status).toBe(401);
      const notJwt = await api.raw('POST', '/auth/refresh', { body: { refreshToken: 'abc' } });
      expect(notJwt.status).toBe(400);
      expect(notJwt.body).toMatchObject({ details: [{ field: 'refreshToken' }] });
    });
  });

  describe('logout', () => {
    it('answers 204 and ends the sign-in: refresh and access tokens stop working', async () => {
      const user = await registerUser(api);
      const res = await api.raw('POST', '/auth/logout', {
        body: { refreshToken: user.refreshToken },
      });
      expect(res.status).toBe(204);
      expect((await apiError(api.refresh(user.refreshToken))).status).toBe(401);
      expect((await apiError(user.client.me())).status).toBe(401);
    });
  });

  describe('access tokens', () => {
    it('requires a bearer token on protected routes', async () => {
      const res = await api.raw('GET', '/me');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({
        code: 'UNAUTHORIZED',
        message: expect.stringContaining('Authorization'),
      });
    });

    it('refuses a tampered token', async () => {
      const user = await registerUser(api);
      const [h, p] = user.accessToken.split('.');
      const res = await api.withToken(`${h}.${p}.AAAA`).raw('GET', '/me');
      expect(res.status).toBe(401);
    });

    it('refuses a refresh token used as an access token', async () => {
      const user = await registerUser(api);
      const res = await api.withToken(user.refreshToken).raw('GET', '/me');
      expect(res.status).toBe(401);
    });
  });
});

describe('login throttling', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_IP: '5' });
  });

  afterAll(async () => {
    await t?.close();
  });

  const from = (ip: string) => t.client().withHeaders({ 'x-forwarded-for': ip });

  it('locks an account after repeated failures: 429 with Retry-After, even with the right password', async () => {
    const user = await registerUser(from('198.51.100.1'));
    for (let i = 0; i < 3; i++) {
      const res = await from(`198.51.100.${10 + i}`).raw('POST', '/auth/login', {
        body: { email: user.email, password: 'wrong password' },
      });
      expect(res.status).toBe(401);
    }
    const locked = await from('198.51.100.20').raw('POST', '/auth/login', {
      body: { email: user.email, password: user.password },
    });
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ code: 'RATE_LIMITED' });
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(t.config.loginThrottleWindowSeconds);
  });

  it('a success resets the account count', async () => {
    const user = await registerUser(from('198.51.100.30'));
    const client = from('198.51.100.31');
    for (let i = 0; i < 2; i++) {
      await client.raw('POST', '/auth/login', {
        body: { email: user.email, password: 'wrong password' },
      });
    }
    expect(
      (
        await client.raw('POST', '/auth/login', {
          body: { email: user.email, password: user.password },
        })
      ).status,
    ).toBe(200);
    for (let i = 0; i < 2; i++) {
      expect(
        (
          await client.raw('POST', '/auth/login', {
            body: { email: user.email, password: 'wrong password' },
          })
        ).status,
      ).toBe(401);
    }
    expect(
      (
        await client.raw('POST', '/auth/login', {
          body: { email: user.email, password: user.password },
        })
      ).status,
    ).toBe(200);
  });

  it('locks an address that fails across many accounts, and only that address', async () => {
    const attacker = from('203.0.113.7');
    for (let i = 0; i < 5; i++) {
      const res = await attacker.raw('POST', '/auth/login', {
        body: { email: uniqueEmail('target'), password: 'guess' },
      });
      expect(res.status).toBe(401);
    }
    const blocked = await attacker.raw('POST', '/auth/login', {
      body: { email: uniqueEmail('target'), password: 'guess' },
    });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);

    const user = await registerUser(from('203.0.113.8'));
    expect(
      (
        await from('203.0.113.9').raw('POST', '/auth/login', {
          body: { email: user.email, password: user.password },
        })
      ).status,
    ).toBe(200);
  });
});
