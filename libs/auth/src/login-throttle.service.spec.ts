import { AccordError, ErrorCode, parseConfig } from '@accord/core';
import type { LoginFailuresRepository } from './login-failures.repository';
import { LoginThrottleService } from './login-throttle.service';

const WINDOW_SECONDS = 600;
const MAX_PER_ACCOUNT = 3;
const MAX_PER_IP = 5;
const NOW = new Date('2025-06-01T12:00:00.000Z');
const SINCE = new Date(NOW.getTime() - WINDOW_SECONDS * 1000);
const EMAIL = 'ana@rights.example.org';
const IP = '203.0.113.7';
const ACCOUNT_KEY = `account:${EMAIL}`;
const IP_KEY = `ip:${IP}`;

// ---- factories -------------------------------------------------------------

/** Failure times `secondsAgo` before NOW, oldest first (the repository's order). */
function failuresAgo(...secondsAgo: number[]): Date[] {
  return secondsAgo
    .map((s) => new Date(NOW.getTime() - s * 1000))
    .sort((a, b) => a.getTime() - b.getTime());
}

function mockFailuresRepository() {
  return {
    record: jest.fn<Promise<void>, [string[], Date]>().mockResolvedValue(undefined),
    recentTimes: jest.fn<Promise<Date[]>, [string, Date, number]>().mockResolvedValue([]),
    clear: jest.fn<Promise<void>, [string]>().mockResolvedValue(undefined),
    deleteOlderThan: jest.fn<Promise<void>, [Date]>().mockResolvedValue(undefined),
  };
}

async function rateLimited(promise: Promise<unknown>): Promise<AccordError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AccordError && error.code === ErrorCode.RATE_LIMITED) return error;
    throw error;
  }
  throw new Error('expected RATE_LIMITED, but the attempt was allowed');
}

describe('LoginThrottleService', () => {
  let failures: ReturnType<typeof mockFailuresRepository>;
  let throttle: LoginThrottleService;

  /** Makes the repository answer with these recent failure times per key. */
  function givenFailures(byKey: Record<string, Date[]>): void {
    failures.recentTimes.mockImplementation((key) => Promise.resolve(byKey[key] ?? []));
  }

  beforeEach(() => {
    failures = mockFailuresRepository();
    const config = parseConfig({
      NODE_ENV: 'test',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: String(MAX_PER_ACCOUNT),
      LOGIN_MAX_FAILURES_PER_IP: String(MAX_PER_IP),
      LOGIN_THROTTLE_WINDOW_SECONDS: String(WINDOW_SECONDS),
    });
    throttle = new LoginThrottleService(config, failures as unknown as LoginFailuresRepository);
  });

  describe('assertAllowed', () => {
    it('allows an attempt under both limits and asks for the window and the limit of each key', async () => {
      givenFailures({
        [ACCOUNT_KEY]: failuresAgo(300, 20),
        [IP_KEY]: failuresAgo(500, 400, 300, 20),
      });

      await expect(throttle.assertAllowed(EMAIL, IP, NOW)).resolves.toBeUndefined();

      expect(failures.recentTimes).toHaveBeenCalledTimes(2);
      expect(failures.recentTimes).toHaveBeenCalledWith(ACCOUNT_KEY, SINCE, MAX_PER_ACCOUNT);
      expect(failures.recentTimes).toHaveBeenCalledWith(IP_KEY, SINCE, MAX_PER_IP);
    });

    it('refuses at the account limit until the oldest of the last N failures leaves the window', async () => {
      // Oldest of the last 3 was 500 s ago: it leaves the 600 s window in 100 s.
      givenFailures({ [ACCOUNT_KEY]: failuresAgo(500, 200, 10) });

      const error = await rateLimited(throttle.assertAllowed(EMAIL, IP, NOW));

      expect(error.status).toBe(429);
      expect(error.retryAfterSeconds).toBe(100);
      expect(error.message).toContain('100 seconds');
    });

    it('rounds a partial second of waiting up', async () => {
      givenFailures({ [ACCOUNT_KEY]: failuresAgo(499.5, 200, 10) });

      const error = await rateLimited(throttle.assertAllowed(EMAIL, IP, NOW));

      expect(error.retryAfterSeconds).toBe(101);
    });

    it('applies the address limit on its own, whatever the account has', async () => {
      givenFailures({ [IP_KEY]: failuresAgo(590, 400, 300, 200, 100) });

      const error = await rateLimited(
        throttle.assertAllowed('someone-else@rights.example.org', IP, NOW),
      );

      expect(error.retryAfterSeconds).toBe(10);
      expect(failures.recentTimes).toHaveBeenCalledWith(
        'account:someone-else@rights.example.org',
        SINCE,
        MAX_PER_ACCOUNT,
      );
    });

    it('does not let the address limit follow the account to another address', async () => {
      givenFailures({ [IP_KEY]: failuresAgo(590, 400, 300, 200, 100) });

      await expect(throttle.assertAllowed(EMAIL, '198.51.100.1', NOW)).resolves.toBeUndefined();
    });

    it.each([
      {
        case: 'the address wait is longer',
        account: [400, 50, 10],
        ip: [300, 250, 200, 150, 100],
        wait: 300,
      },
      {
        case: 'the account wait is longer',
        account: [500, 50, 10],
        ip: [590, 250, 200, 150, 100],
        wait: 100,
      },
    ])(
      'makes the caller wait the longer of the two when both are over ($case)',
      async ({ account, ip, wait }) => {
        givenFailures({ [ACCOUNT_KEY]: failuresAgo(...account), [IP_KEY]: failuresAgo(...ip) });

        const error = await rateLimited(throttle.assertAllowed(EMAIL, IP, NOW));

        expect(error.retryAfterSeconds).toBe(wait);
      },
    );

    it('checks only the account key when the address is unknown', async () => {
      givenFailures({ [ACCOUNT_KEY]: failuresAgo(20) });

      await throttle.assertAllowed(EMAIL, null, NOW);

      expect(failures.recentTimes.mock.calls).toEqual([[ACCOUNT_KEY, SINCE, MAX_PER_ACCOUNT]]);
    });
  });

  describe('recordFailure', () => {
    it('records one failure under the account key and one under the address key', async () => {
      await throttle.recordFailure(EMAIL, IP, NOW);

      expect(failures.record).toHaveBeenCalledTimes(1);
      expect(failures.record).toHaveBeenCalledWith([ACCOUNT_KEY, IP_KEY], NOW);
    });

    it('records only the account key when the address is unknown', async () => {
      await throttle.recordFailure(EMAIL, null, NOW);

      expect(failures.record.mock.calls).toEqual([[[ACCOUNT_KEY], NOW]]);
    });
  });

  describe('recordSuccess', () => {
    it('clears the account key only, leaving the address count in place', async () => {
      await throttle.recordSuccess(EMAIL);

      expect(failures.clear.mock.calls).toEqual([[ACCOUNT_KEY]]);
      expect(failures.record).not.toHaveBeenCalled();
      expect(failures.deleteOlderThan).not.toHaveBeenCalled();
    });
  });

  describe('forgetStale', () => {
    it('deletes failures older than the window', async () => {
      await throttle.forgetStale(NOW);

      expect(failures.deleteOlderThan).toHaveBeenCalledWith(SINCE);
    });
  });
});
