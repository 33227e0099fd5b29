import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { AccordError, DomainEvents, ErrorCode, parseConfig } from '@accord/core';
import type { ClientMeta } from './auth-context';
import { type AccessTokenPayload, AuthService } from './auth.service';
import type { LoginThrottleService } from './login-throttle.service';
import { PasswordService } from './password.service';
import type { RefreshTokenRecord, SessionRecord } from './session.schema';
import type { NewRefreshToken, SessionsRepository } from './sessions.repository';
import { normalizeEmail, type UserRecord } from './user.schema';
import type { UsersRepository } from './users.repository';

const ACCESS_SECRET = 'a'.repeat(40);
const REFRESH_SECRET = 'b'.repeat(40);
const PASSWORD = 'correct horse battery staple';
const META: ClientMeta = { ip: '203.0.113.7', userAgent: 'jest' };
const DAY_MS = 86_400_000;

// ---- factories -------------------------------------------------------------

let seq = 0;

function aUser(overrides: Partial<UserRecord> = {}): UserRecord {
  seq += 1;
  const email = overrides.email ?? `member-${seq}@rights.example.org`;
  return {
    _id: new Types.ObjectId(),
    email,
    emailNormalized: normalizeEmail(email),
    displayName: `Member ${seq}`,
    passwordHash: 'not-a-real-hash',
    createdAt: new Date('2025-01-01T00:00:00Z'),
    updatedAt: new Date('2025-01-01T00:00:00Z'),
    ...overrides,
  };
}

function aSession(user: UserRecord, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    _id: randomUUID(),
    userId: user._id,
    ip: null,
    userAgent: null,
    expiresAt: new Date(Date.now() + 30 * DAY_MS),
    createdAt: new Date(),
    ...overrides,
  };
}

function aRefreshTokenRecord(token: NewRefreshToken): RefreshTokenRecord {
  return {
    _id: token.id,
    parentId: token.parentId,
    sessionId: token.sessionId,
    userId: new Types.ObjectId(token.userId),
    expiresAt: token.expiresAt,
  };
}

// ---- repository-boundary mocks -----------------------------------------------

function mockUsersRepository() {
  return {
    create: jest.fn<Promise<UserRecord>, Parameters<UsersRepository['create']>>(),
    findById: jest.fn<Promise<UserRecord | null>, [string]>(),
    findByEmail: jest.fn<Promise<UserRecord | null>, [string]>(),
    findByIds: jest.fn<Promise<UserRecord[]>, [string[]]>(),
  };
}

function mockSessionsRepository() {
  return {
    createSession: jest.fn<Promise<void>, Parameters<SessionsRepository['createSession']>>(),
    findSession: jest.fn<Promise<SessionRecord | null>, [string]>(),
    isRevoked: jest.fn<Promise<boolean>, [string]>(),
    revokeSession: jest.fn<Promise<void>, Parameters<SessionsRepository['revokeSession']>>(),
    findRefreshToken: jest.fn<Promise<RefreshTokenRecord | null>, [string]>(),
    insertRefreshToken: jest.fn<Promise<boolean>, [NewRefreshToken]>(),
    deleteExpired: jest.fn<Promise<void>, [Date]>(),
  };
}

function mockLoginThrottle() {
  return {
    assertAllowed: jest.fn<Promise<void>, [string, string | null, Date?]>(),
    recordFailure: jest.fn<Promise<void>, [string, string | null, Date?]>(),
    recordSuccess: jest.fn<Promise<void>, [string]>(),
    forgetStale: jest.fn<Promise<void>, [Date?]>(),
  };
}

/** Catches the rejection of a call expected to fail with an AccordError. */
async function accordError(promise: Promise<unknown>): Promise<AccordError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AccordError) return error;
    throw error;
  }
  throw new Error('expected an AccordError, but the call succeeded');
}

describe('AuthService', () => {
  const jwt = new JwtService({});
  const passwords = new PasswordService();
  let users: ReturnType<typeof mockUsersRepository>;
  let sessions: ReturnType<typeof mockSessionsRepository>;
  let throttle: ReturnType<typeof mockLoginThrottle>;
  let service: AuthService;

  function build(env: Record<string, string> = {}): AuthService {
    const config = parseConfig({
      NODE_ENV: 'test',
      JWT_ACCESS_SECRET: ACCESS_SECRET,
      JWT_REFRESH_SECRET: REFRESH_SECRET,
      ...env,
    });
    return new AuthService(
      config,
      users as unknown as UsersRepository,
      sessions as unknown as SessionsRepository,
      passwords,
      throttle as unknown as LoginThrottleService,
      jwt,
      new DomainEvents(),
    );
  }

  beforeEach(() => {
    users = mockUsersRepository();
    sessions = mockSessionsRepository();
    throttle = mockLoginThrottle();
    throttle.assertAllowed.mockResolvedValue(undefined);
    throttle.recordFailure.mockResolvedValue(undefined);
    throttle.recordSuccess.mockResolvedValue(undefined);
    sessions.createSession.mockResolvedValue(undefined);
    sessions.insertRefreshToken.mockResolvedValue(true);
    sessions.revokeSession.mockResolvedValue(undefined);
    sessions.isRevoked.mockResolvedValue(false);
    service = build();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  /**
   * Signs a user in through the service and points the repository mocks at what it stored,
   * so the refresh token it returns is genuine and currently valid. Call history is cleared.
   */
  async function signIn(user = aUser()) {
    const result = await service.login(user, META);
    const created = sessions.createSession.mock.calls[0][0];
    const issued = sessions.insertRefreshToken.mock.calls[0][0];
    const session = aSession(user, { _id: created.id, expiresAt: created.expiresAt });
    sessions.findSession.mockImplementation((id) =>
      Promise.resolve(id === session._id ? session : null),
    );
    sessions.findRefreshToken.mockImplementation((id) =>
      Promise.resolve(id === issued.id ? aRefreshTokenRecord(issued) : null),
    );
    users.findById.mockImplementation((id) =>
      Promise.resolve(id === user._id.toString() ? user : null),
    );
    jest.clearAllMocks();
    return { ...result, session, jti: issued.id };
  }

  describe('register', () => {
    it('stores an argon2id hash of the password and never the password itself', async () => {
      users.create.mockImplementation((input) => Promise.resolve(aUser({ ...input })));

      const result = await service.register(
        { email: '  Ana@Rights.Example.org ', password: PASSWORD, displayName: '  Ana Duarte ' },
        META,
      );

      expect(users.create).toHaveBeenCalledTimes(1);
      const stored = users.create.mock.calls[0][0];
      expect(stored).toEqual({
        email: 'Ana@Rights.Example.org',
        emailNormalized: 'ana@rights.example.org',
        displayName: 'Ana Duarte',
        passwordHash: expect.stringMatching(/^\$argon2id\$v=19\$/),
      });
      // PHC string: $argon2id$v=19$<params>$<salt>$<hash>; the parameter order varies by version.
      const params = stored.passwordHash.split('$')[3].split(',').sort();
      expect(params).toEqual(['m=19456', 'p=1', 't=2']);
      await expect(passwords.verify(stored.passwordHash, PASSWORD)).resolves.toBe(true);
      await expect(passwords.verify(stored.passwordHash, `${PASSWORD}!`)).resolves.toBe(false);

      const everythingPersisted = JSON.stringify([
        users.create.mock.calls,
        sessions.createSession.mock.calls,
        sessions.insertRefreshToken.mock.calls,
      ]);
      expect(everythingPersisted).not.toContain(PASSWORD);
      expect(result.user.email).toBe('Ana@Rights.Example.org');
      expect(result.accessToken).toEqual(expect.any(String));
      expect(result.refreshToken).toEqual(expect.any(String));
    });

    it('starts a session whose first refresh token descends from root:<session id>', async () => {
      users.create.mockImplementation((input) => Promise.resolve(aUser({ ...input })));

      await service.register(
        { email: 'ana@rights.example.org', password: PASSWORD, displayName: 'Ana' },
        META,
      );

      const created = sessions.createSession.mock.calls[0][0];
      expect(created).toMatchObject({ ip: META.ip, userAgent: META.userAgent });
      expect(sessions.insertRefreshToken).toHaveBeenCalledWith(
        expect.objectContaining({ parentId: `root:${created.id}`, sessionId: created.id }),
      );
    });
  });

  describe('validateCredentials', () => {
    let registered: UserRecord;

    beforeAll(async () => {
      registered = aUser({
        email: 'Ana@Rights.Example.org',
        passwordHash: await passwords.hash(PASSWORD),
      });
    });

    it('answers an unknown email and a wrong password with the same UNAUTHORIZED error, recording a failure each time', async () => {
      users.findByEmail.mockResolvedValueOnce(null).mockResolvedValueOnce(registered);

      const unknownEmail = await accordError(
        service.validateCredentials('nobody@rights.example.org', PASSWORD, '203.0.113.7'),
      );
      const wrongPassword = await accordError(
        service.validateCredentials('ana@rights.example.org', 'not the password', '203.0.113.7'),
      );

      expect(unknownEmail.code).toBe(ErrorCode.UNAUTHORIZED);
      expect(unknownEmail.status).toBe(401);
      expect(wrongPassword.code).toBe(unknownEmail.code);
      expect(wrongPassword.message).toBe(unknownEmail.message);
      expect(throttle.recordFailure.mock.calls).toEqual([
        ['nobody@rights.example.org', '203.0.113.7'],
        ['ana@rights.example.org', '203.0.113.7'],
      ]);
      expect(throttle.recordSuccess).not.toHaveBeenCalled();
    });

    it('returns the user and records a success for the right password', async () => {
      users.findByEmail.mockResolvedValue(registered);

      const user = await service.validateCredentials('  ANA@rights.example.org ', PASSWORD, null);

      expect(user).toBe(registered);
      expect(users.findByEmail).toHaveBeenCalledWith('ana@rights.example.org');
      expect(throttle.recordSuccess).toHaveBeenCalledWith('ana@rights.example.org');
      expect(throttle.recordFailure).not.toHaveBeenCalled();
    });

    it('checks the throttle before looking the user up', async () => {
      users.findByEmail.mockResolvedValue(registered);

      await service.validateCredentials('ana@rights.example.org', PASSWORD, '203.0.113.7');

      expect(throttle.assertAllowed).toHaveBeenCalledWith('ana@rights.example.org', '203.0.113.7');
      expect(throttle.assertAllowed.mock.invocationCallOrder[0]).toBeLessThan(
        users.findByEmail.mock.invocationCallOrder[0],
      );
    });

    it('does not look the user up (or check the password) while the throttle refuses', async () => {
      const limited = new AccordError(ErrorCode.RATE_LIMITED, 'Too many failed sign-in attempts', {
        retryAfterSeconds: 60,
      });
      throttle.assertAllowed.mockRejectedValue(limited);

      await expect(
        service.validateCredentials('ana@rights.example.org', PASSWORD, '203.0.113.7'),
      ).rejects.toBe(limited);
      expect(users.findByEmail).not.toHaveBeenCalled();
      expect(throttle.recordFailure).not.toHaveBeenCalled();
      expect(throttle.recordSuccess).not.toHaveBeenCalled();
    });
  });

  describe('refresh', () => {
    it('rotates a valid token: the new refresh token succeeds the presented one and a new pair is returned', async () => {
      const signedIn = await signIn();
      expect(jwt.decode<{ jti: string }>(signedIn.refreshToken).jti).toBe(signedIn.jti);

      const rotated = await service.refresh(signedIn.refreshToken);

      expect(sessions.insertRefreshToken).toHaveBeenCalledTimes(1);
      const successor = sessions.insertRefreshToken.mock.calls[0][0];
      expect(successor).toMatchObject({
        parentId: signedIn.jti,
        sessionId: signedIn.session._id,
        userId: signedIn.user._id.toString(),
      });
      expect(successor.id).not.toBe(signedIn.jti);

      expect(rotated.user).toBe(signedIn.user);
      expect(rotated.expiresIn).toBe(900);
      expect(rotated.refreshToken).not.toBe(signedIn.refreshToken);
      expect(rotated.accessToken).not.toBe(signedIn.accessToken);
      const refreshClaims = jwt.verify<{ jti: string; sid: string; sub: string; typ: string }>(
        rotated.refreshToken,
        { secret: REFRESH_SECRET },
      );
      expect(refreshClaims).toMatchObject({
        jti: successor.id,
        sid: signedIn.session._id,
        sub: signedIn.user._id.toString(),
        typ: 'refresh',
      });
      const accessClaims = jwt.verify<AccessTokenPayload>(rotated.accessToken, {
        secret: ACCESS_SECRET,
      });
      expect(accessClaims).toMatchObject({
        sid: signedIn.session._id,
        sub: signedIn.user._id.toString(),
        typ: 'access',
      });
      expect(sessions.revokeSession).not.toHaveBeenCalled();
    });

    it('treats a token whose successor already exists as a replay: revokes the session and answers UNAUTHORIZED', async () => {
      const signedIn = await signIn();
      sessions.insertRefreshToken.mockResolvedValue(false);

      const error = await accordError(service.refresh(signedIn.refreshToken));

      expect(error.code).toBe(ErrorCode.UNAUTHORIZED);
      expect(sessions.insertRefreshToken).toHaveBeenCalledWith(
        expect.objectContaining({ parentId: signedIn.jti }),
      );
      expect(sessions.revokeSession).toHaveBeenCalledTimes(1);
      expect(sessions.revokeSession).toHaveBeenCalledWith(signedIn.session, 'refresh-token-reuse');
    });

    it('answers UNAUTHORIZED for a revoked session without issuing anything', async () => {
      const signedIn = await signIn();
      sessions.isRevoked.mockImplementation((id) => Promise.resolve(id === signedIn.session._id));

      const error = await accordError(service.refresh(signedIn.refreshToken));

      expect(error.code).toBe(ErrorCode.UNAUTHORIZED);
      expect(sessions.isRevoked).toHaveBeenCalledWith(signedIn.session._id);
      expect(sessions.insertRefreshToken).not.toHaveBeenCalled();
      expect(sessions.revokeSession).not.toHaveBeenCalled();
    });

    it('refuses a token signed with the access secret, even when shaped like a refresh token', async () => {
      const signedIn = await signIn();
      const claims = {
        sub: signedIn.user._id.toString(),
        sid: signedIn.session._id,
        typ: 'refresh',
      };
      const forged = jwt.sign(claims, {
        secret: ACCESS_SECRET,
        jwtid: signedIn.jti,
        expiresIn: 3600,
      });
      // The same claims under the refresh secret are accepted: only the secret differs.
      const genuine = jwt.sign(claims, {
        secret: REFRESH_SECRET,
        jwtid: signedIn.jti,
        expiresIn: 3600,
      });

      for (const token of [forged, signedIn.accessToken]) {
        const error = await accordError(service.refresh(token));
        expect(error.code).toBe(ErrorCode.UNAUTHORIZED);
      }
      expect(sessions.findSession).not.toHaveBeenCalled();
      expect(sessions.insertRefreshToken).not.toHaveBeenCalled();

      await expect(service.refresh(genuine)).resolves.toMatchObject({ user: signedIn.user });
    });

    it('answers UNAUTHORIZED for an expired refresh token', async () => {
      const realNow = Date.now();
      jest.spyOn(Date, 'now').mockReturnValue(realNow - 31 * DAY_MS);
      const signedIn = await signIn();
      jest.spyOn(Date, 'now').mockReturnValue(realNow);

      const error = await accordError(service.refresh(signedIn.refreshToken));

      expect(error.code).toBe(ErrorCode.UNAUTHORIZED);
      expect(sessions.insertRefreshToken).not.toHaveBeenCalled();
    });
  });

  describe('logout', () => {
    it('revokes the session of an expired but genuine refresh token', async () => {
      const realNow = Date.now();
      // Signed in 31 days ago: the 30-day refresh token has expired by now.
      jest.spyOn(Date, 'now').mockReturnValue(realNow - 31 * DAY_MS);
      const signedIn = await signIn();
      jest.spyOn(Date, 'now').mockReturnValue(realNow);
      const { exp } = jwt.decode<{ exp: number }>(signedIn.refreshToken);
      expect(exp * 1000).toBeLessThan(realNow);

      await service.logout(signedIn.refreshToken);

      expect(sessions.findSession).toHaveBeenCalledWith(signedIn.session._id);
      expect(sessions.revokeSession).toHaveBeenCalledWith(signedIn.session, 'logout');
    });

    it('ignores a token that was not signed with the refresh secret', async () => {
      const signedIn = await signIn();
      const forged = jwt.sign(
        { sub: signedIn.user._id.toString(), sid: signedIn.session._id, typ: 'refresh' },
        { secret: 'c'.repeat(40), jwtid: signedIn.jti, expiresIn: 3600 },
      );

      await service.logout(forged);

      expect(sessions.findSession).not.toHaveBeenCalled();
      expect(sessions.revokeSession).not.toHaveBeenCalled();
    });
  });

  describe('authenticate', () => {
    it('resolves a live session to the acting user', async () => {
      const signedIn = await signIn();

      const ctx = await service.authenticate({
        sub: signedIn.user._id.toString(),
        sid: signedIn.session._id,
        typ: 'access',
      });

      expect(ctx).toEqual({
        userId: signedIn.user._id.toString(),
        email: signedIn.user.email,
        displayName: signedIn.user.displayName,
        isPlatformAdmin: false,
        sessionId: signedIn.session._id,
      });
    });

    it('rejects an access token whose session has been revoked', async () => {
      const signedIn = await signIn();
      sessions.isRevoked.mockImplementation((id) => Promise.resolve(id === signedIn.session._id));

      const error = await accordError(
        service.authenticate({
          sub: signedIn.user._id.toString(),
          sid: signedIn.session._id,
          typ: 'access',
        }),
      );

      expect(error.code).toBe(ErrorCode.UNAUTHORIZED);
      expect(sessions.isRevoked).toHaveBeenCalledWith(signedIn.session._id);
    });

    it.each(['refresh', undefined, 'ACCESS'])('rejects a payload whose typ is %p', async (typ) => {
      const signedIn = await signIn();
      const payload = { sub: signedIn.user._id.toString(), sid: signedIn.session._id, typ };

      const error = await accordError(
        service.authenticate(payload as unknown as AccessTokenPayload),
      );

      expect(error.code).toBe(ErrorCode.UNAUTHORIZED);
      expect(users.findById).not.toHaveBeenCalled();
      expect(sessions.findSession).not.toHaveBeenCalled();
    });

    it('verifyAccessToken rejects a refresh token, and an access-secret token whose typ is refresh', async () => {
      const signedIn = await signIn();
      const refreshTyped = jwt.sign(
        { sub: signedIn.user._id.toString(), sid: signedIn.session._id, typ: 'refresh' },
        { secret: ACCESS_SECRET, expiresIn: 900 },
      );

      for (const token of [signedIn.refreshToken, refreshTyped]) {
        const error = await accordError(service.verifyAccessToken(token));
        expect(error.code).toBe(ErrorCode.UNAUTHORIZED);
      }
      await expect(service.verifyAccessToken(signedIn.accessToken)).resolves.toMatchObject({
        userId: signedIn.user._id.toString(),
      });
    });
  });

  describe('tokens', () => {
    it('issues access tokens that live 900 seconds', async () => {
      const signedIn = await signIn();

      const claims = jwt.verify<{ iat: number; exp: number; typ: string }>(signedIn.accessToken, {
        secret: ACCESS_SECRET,
      });

      expect(claims.typ).toBe('access');
      expect(claims.exp - claims.iat).toBe(900);
      expect(signedIn.expiresIn).toBe(900);
    });
  });

  describe('platform admin', () => {
    it.each([
      ['chair@platform.example', true],
      ['CHAIR@PLATFORM.EXAMPLE', true],
      ['Chair@Platform.Example', true],
      ['chair@other.example', false],
      ['vice-chair@platform.example', false],
    ])(
      '%s → isPlatformAdmin %p (ADMIN_EMAILS="Chair@Platform.Example")',
      async (email, expected) => {
        service = build({ ADMIN_EMAILS: 'Chair@Platform.Example, ops@platform.example' });
        const user = aUser({ email });

        expect(service.isPlatformAdmin(user)).toBe(expected);
        const signedIn = await signIn(user);
        const ctx = await service.authenticate({
          sub: user._id.toString(),
          sid: signedIn.session._id,
          typ: 'access',
        });
        expect(ctx.isPlatformAdmin).toBe(expected);
      },
    );

    it('is false for everyone when ADMIN_EMAILS is empty', () => {
      expect(service.isPlatformAdmin(aUser({ email: 'chair@platform.example' }))).toBe(false);
    });
  });
});
