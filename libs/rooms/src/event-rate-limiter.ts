import { Injectable } from '@nestjs/common';
import { AccordError, ErrorCode } from '@accord/core';

/** Each person may send this many events per second on average, in bursts up to `BURST`. */
export const EVENTS_PER_SECOND = 10;
export const BURST = 30;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per person (all their sockets on this node together): one event costs one
 * token; an empty bucket answers RATE_LIMITED without running the event.
 */
@Injectable()
export class EventRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perSecond = EVENTS_PER_SECOND,
    private readonly burst = BURST,
  ) {}

  take(userId: string, now = Date.now()): void {
    const bucket = this.buckets.get(userId) ?? { tokens: this.burst, updatedAt: now };
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.perSecond,
    );
    bucket.updatedAt = now;
    if (bucket.tokens < 1) {
      this.buckets.set(userId, bucket);
      const waitSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
      throw new AccordError(
        ErrorCode.RATE_LIMITED,
        `Too many events; slow down and try again in ${waitSeconds} s`,
        {
          retryAfterSeconds: waitSeconds,
        },
      );
    }
    bucket.tokens -= 1;
    this.buckets.set(userId, bucket);
    if (this.buckets.size > 10_000) this.forgetFull(now);
  }

  /** Drops buckets that have refilled completely (nothing to remember about them). */
  private forgetFull(now: number): void {
    for (const [userId, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.perSecond >= this.burst)
        this.buckets.delete(userId);
    }
  }
}
