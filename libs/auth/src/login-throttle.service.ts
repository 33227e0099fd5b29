import { Inject, Injectable } from '@nestjs/common';
import { AccordConfig, AccordError, ErrorCode } from '@accord/core';
import { LoginFailuresRepository } from './login-failures.repository';

/**
 * Limits failed sign-ins per account and per client address over a sliding window. Each
 * failure is its own record (insert-only), so concurrent attempts are all counted, on every
 * API node.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @Inject(AccordConfig) private readonly config: AccordConfig,
    @Inject(LoginFailuresRepository) private readonly failures: LoginFailuresRepository,
  ) {}

  private get windowMs(): number {
    return this.config.loginThrottleWindowSeconds * 1000;
  }

  private limits(emailNormalized: string, ip: string | null): [string, number][] {
    return [
      [`account:${emailNormalized}`, this.config.loginMaxFailuresPerAccount],
      ...(ip ? ([[`ip:${ip}`, this.config.loginMaxFailuresPerIp]] as [string, number][]) : []),
    ];
  }

  /** Throws RATE_LIMITED (429 with Retry-After) while the account or the address is over its limit. */
  async assertAllowed(emailNormalized: string, ip: string | null, now = new Date()): Promise<void> {
    const since = new Date(now.getTime() - this.windowMs);
    let waitMs = 0;
    for (const [key, max] of this.limits(emailNormalized, ip)) {
      const times = await this.failures.recentTimes(key, since, max);
      // Allowed again once the oldest of the last `max` failures leaves the window.
      if (times.length >= max)
        waitMs = Math.max(waitMs, times[0].getTime() + this.windowMs - now.getTime());
    }
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new AccordError(
        ErrorCode.RATE_LIMITED,
        `Too many failed sign-in attempts. Try again in ${seconds} seconds.`,
        {
          retryAfterSeconds: seconds,
        },
      );
    }
  }

  async recordFailure(emailNormalized: string, ip: string | null, now = new Date()): Promise<void> {
    await this.failures.record(
      this.limits(emailNormalized, ip).map(([key]) => key),
      now,
    );
  }

  async recordSuccess(emailNormalized: string): Promise<void> {
    await this.failures.clear(`account:${emailNormalized}`);
  }

  /** Forgets failures that have left the window (run by the housekeeping timer). */
  async forgetStale(now = new Date()): Promise<void> {
    await this.failures.deleteOlderThan(new Date(now.getTime() - this.windowMs));
  }
}
