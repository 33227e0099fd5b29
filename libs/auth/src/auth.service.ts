import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { AccordConfig, AccordError } from '@accord/core';
import type { AuthContext, ClientMeta } from './auth-context';
import { LoginThrottleService } from './login-throttle.service';
import { PasswordService } from './password.service';
import { SessionsRepository } from './sessions.repository';
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
  async validateCredentials(email: string, password: string, ip: string | null): Promise<UserRecord> {
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
    const session = await this.sessions.findSession(payload.sid);
    if (!session || session.revokedAt || session.userId.toString() !== payload.sub) {
      throw AccordError.unauthorized(INVALID_REFRESH);
    }
    const now = new Date();
    const claimed = await this.sessions.claimRefreshToken(payload.jti, now);
    if (!claimed || claimed.sessionId !== session._id) {
      await this.sessions.revokeSession(session._id, 'refresh-token-reuse');
      throw AccordError.unauthorized(
        'This refresh token was already used, so this sign-in has been ended everywhere; sign in again',
      );
    }
    const user = await this.users.findById(payload.sub);
    if (!user) throw AccordError.unauthorized(INVALID_REFRESH);
    const expiresAt = this.refreshExpiry(now);
    await this.sessions.extendSession(session._id, expiresAt);
    return { user, ...(await this.issueTokens(user, session._id, expiresAt)) };
  }

  /** Ends the sign-in the refresh token belongs to. Unknown or expired tokens are a no-op. */
  async logout(refreshToken: string): Promise<void> {
    const payload = this.verifyRefreshToken(refreshToken, { ignoreExpiration: true });
    if (payload) await this.sessions.revokeSession(payload.sid, 'logout');
  }

  /** Resolves an access token to the acting user; used by HTTP (passport) and sockets. */
  async authenticate(payload: AccessTokenPayload): Promise<AuthContext> {
    if (payload?.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.sid !== 'string') {
      throw AccordError.unauthorized('The access token is invalid');
    }
    const [user, session] = await Promise.all([
      this.users.findById(payload.sub),
      this.sessions.findSession(payload.sid),
    ]);
    if (!user || !session || session.revokedAt) {
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

  private refreshExpiry(now = new Date()): Date {
    return new Date(now.getTime() + this.config.refreshTokenTtlDays * 86_400_000);
  }

  private async startSession(user: UserRecord, meta: ClientMeta): Promise<TokenPair> {
    const sessionId = randomUUID();
    const expiresAt = this.refreshExpiry();
    await this.sessions.createSession({
      id: sessionId,
      userId: user._id.toString(),
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 512) ?? null,
      expiresAt,
    });
    return this.issueTokens(user, sessionId, expiresAt);
  }

  private async issueTokens(user: UserRecord, sessionId: string, expiresAt: Date): Promise<TokenPair> {
    const userId = user._id.toString();
    const jti = randomUUID();
    await this.sessions.createRefreshToken({ id: jti, sessionId, userId, expiresAt });
    const accessToken = await this.jwt.signAsync(
      { sub: userId, sid: sessionId, typ: 'access' } satisfies AccessTokenPayload,
      { secret: this.config.jwtAccessSecret, expiresIn: this.config.accessTokenTtlSeconds, algorithm: 'HS256' },
    );
    const refreshToken = await this.jwt.signAsync(
      { sub: userId, sid: sessionId, jti, typ: 'refresh' } satisfies RefreshTokenPayload,
      {
        secret: this.config.jwtRefreshSecret,
        expiresIn: Math.floor((expiresAt.getTime() - Date.now()) / 1000),
        algorithm: 'HS256',
      },
    );
    return { accessToken, refreshToken, expiresIn: this.config.accessTokenTtlSeconds };
  }

  private verifyRefreshToken(token: string, options: { ignoreExpiration?: boolean } = {}): RefreshTokenPayload | null {
    try {
      const payload = this.jwt.verify<RefreshTokenPayload>(token, {
        secret: this.config.jwtRefreshSecret,
        algorithms: ['HS256'],
        ignoreExpiration: options.ignoreExpiration ?? false,
      });
      return payload.typ === 'refresh' && payload.jti && payload.sid && payload.sub ? payload : null;
    } catch {
      return null;
    }
  }
}
