import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { AccordConfig, AccordError, DomainEvents } from '@accord/core';
import type { AuthContext, ClientMeta } from './auth-context';
import { LoginThrottleService } from './login-throttle.service';
import { PasswordService } from './password.service';
import { SessionsRepository } from './sessions.repository';
import type { SessionRecord } from './session.schema';
import { normalizeEmail, UserRecord } from './user.schema';
import { UsersRepository } from './users.repository';

export interface AccessTokenPayload {
  sub: string;
  sid: string;
  typ: 'access';
}

interface RefreshTokenPayload {
  sub: string;
  sid: string;
  jti: string;
  typ: 'refresh';
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export interface AuthResult extends TokenPair {
  user: UserRecord;
}

const INVALID_CREDENTIALS = 'Email or password is incorrect';
const INVALID_REFRESH = 'The refresh token is invalid or has expired; sign in again';

@Injectable()
export class AuthService implements OnModuleInit, OnModuleDestroy {
  private housekeeping?: NodeJS.Timeout;

  constructor(
    @Inject(AccordConfig) private readonly config: AccordConfig,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(PasswordService) private readonly passwords: PasswordService,
    @Inject(LoginThrottleService) private readonly throttle: LoginThrottleService,
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(DomainEvents) private readonly domainEvents: DomainEvents,
  ) {}

  onModuleInit(): void {
    this.housekeeping = setInterval(() => void this.sweep(), 60 * 60 * 1000);
    this.housekeeping.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.housekeeping);
  }

  private async sweep(): Promise<void> {
    try {
      await this.sessions.deleteExpired(new Date());
      await this.throttle.forgetStale();
    } catch {
      // Housekeeping retries on the next tick; a failed sweep loses nothing.
    }
  }

  async register(
    input: { email: string; password: string; displayName: string },
    meta: ClientMeta,
  ): Promise<AuthResult> {
    const user = await this.users.create({
      email: input.email.trim(),
      emailNormalized: normalizeEmail(input.email),
      displayName: input.displayName.trim(),
      passwordHash: await this.passwords.hash(input.password),
    });
    return { user, ...(await this.startSession(user, meta)) };
  }

  /** Checks a password sign-in; the same 401 for an unknown email and a wrong password. */
  async validateCredentials(
    email: string,
    password: string,
    ip: string | null,
  ): Promise<UserRecord> {
    const emailNormalized = normalizeEmail(email);
    await this.throttle.assertAllowed(emailNormalized, ip);
    const user = await this.users.findByEmail(emailNormalized);
    const valid = user
      ? await this.passwords.verify(user.passwordHash, password)
      : await this.passwords.verifyAgainstNothing(password);
    if (!user || !valid) {
      await this.throttle.recordFailure(emailNormalized, ip);
      throw AccordError.unauthorized(INVALID_CREDENTIALS);
    }
    await this.throttle.recordSuccess(emailNormalized);
    return user;
  }

  async login(user: UserRecord, meta: ClientMeta): Promise<AuthResult> {
    return { user, ...(await this.startSession(user, meta)) };
  }

  /**
   * Rotates a refresh token. A token used a second time means it was copied: the whole
   * family (the sign-in) is revoked and both holders must sign in again.
   */
  async refresh(refreshToken: string): Promise<AuthResult> {
    const payload = this.verifyRefreshToken(refreshToken);
    if (!payload) throw AccordError.unauthorized(INVALID_REFRESH);
    const [session, token, revoked] = await Promise.all([
      this.sessions.findSession(payload.sid),
      this.sessions.findRefreshToken(payload.jti),
      this.sessions.isRevoked(payload.sid),
    ]);
    if (
      !session ||
      revoked ||
      !token ||
      token.sessionId !== session._id ||
      session.userId.toString() !== payload.sub
    ) {
      throw AccordError.unauthorized(INVALID_REFRESH);
    }
    const user = await this.users.findById(payload.sub);
    if (!user) throw AccordError.unauthorized(INVALID_REFRESH);
    const pair = await this.issueTokens(user, session, payload.jti);
    if (!pair) {
      await this.endSession(session, 'refresh-token-reuse');
      throw AccordError.unauthorized(
        'This refresh token was already used, so this sign-in has been ended everywhere; sign in again',
      );
    }
    return { user, ...pair };
  }

  /** Ends the sign-in the refresh token belongs to. Unknown or expired tokens are a no-op. */
  async logout(refreshToken: string): Promise<void> {
    const payload = this.verifyRefreshToken(refreshToken, { ignoreExpiration: true });
    if (!payload) return;
    const session = await this.sessions.findSession(payload.sid);
    if (session) await this.endSession(session, 'logout');
  }

  /** Revokes a sign-in; its open sockets are closed by the realtime layer (on every node). */
  private async endSession(session: SessionRecord, reason: string): Promise<void> {
    await this.sessions.revokeSession(session, reason);
    this.domainEvents.emit({
      type: 'auth.session.revoked',
      userId: session.userId.toString(),
      sessionId: session._id,
      reason,
    });
  }

  /** Resolves an access token to the acting user; used by HTTP (passport) and sockets. */
  async authenticate(payload: AccessTokenPayload): Promise<AuthContext> {
    if (
      payload?.typ !== 'access' ||
      typeof payload.sub !== 'string' ||
      typeof payload.sid !== 'string'
    ) {
      throw AccordError.unauthorized('The access token is invalid');
    }
    const [user, session, revoked] = await Promise.all([
      this.users.findById(payload.sub),
      this.sessions.findSession(payload.sid),
      this.sessions.isRevoked(payload.sid),
    ]);
    if (!user || !session || revoked || session.userId.toString() !== payload.sub) {
      throw AccordError.unauthorized('This sign-in has ended; sign in again');
    }
    return this.contextFor(user, session._id);
  }

  async verifyAccessToken(token: string): Promise<AuthContext> {
    let payload: AccessTokenPayload;
    try {
      payload = this.jwt.verify<AccessTokenPayload>(token, {
        secret: this.config.jwtAccessSecret,
        algorithms: ['HS256'],
      });
    } catch {
      throw AccordError.unauthorized('The access token is invalid or has expired');
    }
    return this.authenticate(payload);
  }

  async getUser(userId: string): Promise<UserRecord> {
    const user = await this.users.findById(userId);
    if (!user) throw AccordError.notFound('User not found');
    return user;
  }

  isPlatformAdmin(user: Pick<UserRecord, 'emailNormalized'>): boolean {
    return this.config.isPlatformAdminEmail(user.emailNormalized);
  }

  contextFor(user: UserRecord, sessionId: string): AuthContext {
    return {
      userId: user._id.toString(),
      email: user.email,
      displayName: user.displayName,
      isPlatformAdmin: this.isPlatformAdmin(user),
      sessionId,
    };
  }

  private async startSession(user: UserRecord, meta: ClientMeta): Promise<TokenPair> {
    const session = {
      _id: randomUUID(),
      userId: user._id,
      // A sign-in lasts REFRESH_TOKEN_TTL_DAYS at most; then the person signs in again.
      expiresAt: new Date(Date.now() + this.config.refreshTokenTtlDays * 86_400_000),
    };
    await this.sessions.createSession({
      id: session._id,
      userId: user._id.toString(),
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 512) ?? null,
      expiresAt: session.expiresAt,
    });
    const pair = await this.issueTokens(user, session, `root:${session._id}`);
    if (!pair) throw new Error(`A new session ${session._id} already had a first refresh token`);
    return pair;
  }

  /**
   * Issues an access token and the refresh token that succeeds `parentId`. Returns null when
   * that parent already has a successor (the unique index decides, atomically).
   */
  private async issueTokens(
    user: UserRecord,
    session: Pick<SessionRecord, '_id' | 'expiresAt'>,
    parentId: string,
  ): Promise<TokenPair | null> {
    const userId = user._id.toString();
    const jti = randomUUID();
    const stored = await this.sessions.insertRefreshToken({
      id: jti,
      parentId,
      sessionId: session._id,
      userId,
      expiresAt: session.expiresAt,
    });
    if (!stored) return null;
    const accessToken = await this.jwt.signAsync(
      { sub: userId, sid: session._id, typ: 'access' } satisfies AccessTokenPayload,
      {
        secret: this.config.jwtAccessSecret,
        expiresIn: this.config.accessTokenTtlSeconds,
        algorithm: 'HS256',
        jwtid: randomUUID(),
      },
    );
    const refreshToken = await this.jwt.signAsync(
      { sub: userId, sid: session._id, typ: 'refresh' } satisfies Omit<RefreshTokenPayload, 'jti'>,
      {
        secret: this.config.jwtRefreshSecret,
        expiresIn: Math.max(
          1,
          Math.floor((new Date(session.expiresAt).getTime() - Date.now()) / 1000),
        ),
        algorithm: 'HS256',
        jwtid: jti,
      },
    );
    return { accessToken, refreshToken, expiresIn: this.config.accessTokenTtlSeconds };
  }

  private verifyRefreshToken(
    token: string,
    options: { ignoreExpiration?: boolean } = {},
  ): RefreshTokenPayload | null {
    try {
      const payload = this.jwt.verify<RefreshTokenPayload>(token, {
        secret: this.config.jwtRefreshSecret,
        algorithms: ['HS256'],
        ignoreExpiration: options.ignoreExpiration ?? false,
      });
      return payload.typ === 'refresh' && payload.jti && payload.sid && payload.sub
        ? payload
        : null;
    } catch {
      return null;
    }
  }
}
