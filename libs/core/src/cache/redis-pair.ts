import { Redis } from 'ioredis';
import type { AccordLogger } from '../logging/logger';

/**
 * A publisher and a subscriber connection to Redis for cross-node messages (socket.io adapter,
 * cache invalidation). They never give up: while Redis is away, publishes wait in ioredis'
 * offline queue and the subscriber resubscribes on reconnection; errors are logged at most once
 * every few seconds, never thrown at the process.
 */
export function createRedisPair(
  url: string,
  logger: AccordLogger,
  purpose: string,
): { pub: Redis; sub: Redis } {
  const pub = new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  const sub = pub.duplicate();
  let lastWarning = 0;
  for (const [role, client] of [
    ['publisher', pub],
    ['subscriber', sub],
  ] as const) {
    client.on('error', (error: Error) => {
      if (Date.now() - lastWarning < 5000) return;
      lastWarning = Date.now();
      logger.warn({ err: error, role }, `Redis (${purpose}) unreachable; retrying`);
    });
    client.on('ready', () => logger.info({ role }, `Redis (${purpose}) connected`));
  }
  return { pub, sub };
}
