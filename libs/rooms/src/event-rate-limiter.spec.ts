import { AccordError, ErrorCode } from '@accord/core';
import { EventRateLimiter } from './event-rate-limiter';

function refused(limiter: EventRateLimiter, userId: string, now: number): AccordError | undefined {
  try {
    limiter.take(userId, now);
    return undefined;
  } catch (error) {
    return error as AccordError;
  }
}

describe('EventRateLimiter', () => {
  it('allows a burst, then answers RATE_LIMITED, then refills with time', () => {
    const limiter = new EventRateLimiter(10, 5);
    for (let i = 0; i < 5; i++) expect(refused(limiter, 'u1', 1000)).toBeUndefined();
    const error = refused(limiter, 'u1', 1000);
    expect(error?.code).toBe(ErrorCode.RATE_LIMITED);
    expect(error?.retryAfterSeconds).toBe(1);
    expect(refused(limiter, 'u1', 1100)).toBeUndefined();
    expect(refused(limiter, 'u1', 1100)).toBeDefined();
  });

  it('keeps people apart', () => {
    const limiter = new EventRateLimiter(1, 1);
    expect(refused(limiter, 'a', 0)).toBeUndefined();
    expect(refused(limiter, 'a', 0)).toBeDefined();
    expect(refused(limiter, 'b', 0)).toBeUndefined();
  });
});
