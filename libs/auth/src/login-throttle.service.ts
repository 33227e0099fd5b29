import { Inject, Injectable } from '@nestjs/common';
import { AccordConfig, AccordError, ErrorCode } from '@accord/core';
import { LoginAttemptsRepository } from './login-attempts.repository';

/**
 * Limits failed sign-ins per account and per client address. State lives in the database,
 * so every API node sees the same counts.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @Inject(AccordConfig) private readonly config: AccordConfig,
    @Inject(LoginAttemptsRepository) private readonly attempts: LoginAttemptsRepository,
  ) {}

  private keys(emailNormalized: string, ip: string | null): string[] {
    return [`account:${emailNormalized}`, ...(ip ? [`ip:${ip}`] : [])];
  }

  private get windowMs(): number {
    return this.config.loginThrottleWindowSeconds * 1000;
  }

  /** Throws RATE_LIMITED (429 with Retry-After) while the account or the address is locked. */
  async assertAllowed(emailNormalized: string, ip: string | null, now = new Date()): Promise<void> {
    const locked = await this.attempts.findLocked(this.keys(emailNormalized, ip), now);
    if (locked.length === 0) return;
    const until = Math.max(...locked.map((l) => l.lockedUntil?.getTime() ?? now.getTime()));
    throw tooManyAttempts(until - now.getTime());
  }

  async recordFailure(emailNormalized: string, ip: string | null, now = new Date()): Promise<void> {
    const [account, address] = this.keys(emailNormalized, ip);
    await this.attempts.recordFailure(account, now, this.windowMs, this.config.loginMaxFailuresPerAccount);
    if (address) await this.attempts.recordFailure(address, now, this.windowMs, this.config.loginMaxFailuresPerIp);
  }

  /** Forgets windows that have closed (run by the housekeeping timer). */
  async forgetStale(now = new Date()): Promise<void> {
    await this.attempts.deleteStale(new Date(now.getTime() - this.windowMs));
  }

  async recordSuccess(emailNormalized: string): Promise<void> {
    await this.attempts.clear(`account:${emailNormalized}`);
  }
}

function tooManyAttempts(remainingMs: number): AccordError {
  const seconds = Math.max(1, Math.ceil(remainingMs / 1000));
  return new AccordError(
    ErrorCode.RATE_LIMITED,
    `Too many failed sign-in attempts. Try again in ${seconds} seconds.`,
    { retryAfterSeconds: seconds },
  );
}
