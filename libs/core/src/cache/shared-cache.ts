import {
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AccordConfig } from '../config/accord-config';
import { ACCORD_LOGGER, type AccordLogger } from '../logging/logger';
import { createRedisPair } from './redis-pair';

const CHANNEL = 'accord:cache-invalidate';

/**
 * A small read-through cache for facts read on every live event (a coalition, a membership, a
 * room's settings, a person's standing). The embedded engine answers every query by scanning its
 * collection, so the hot path must not ask it each time.
 *
 * Correctness: every write of a cached fact calls `invalidate`, which drops the entry here and,
 * with REDIS_URL, on every other node (pub/sub); when the subscriber reconnects after an outage,
 * every entry is dropped. Entries also expire after about `ttlMs`, which bounds staleness should
 * an invalidation still be lost. A load that raced an invalidation is not kept.
 * Reads that decide a rule under a lock must bypass the cache.
 */
export class SharedCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly loading = new Map<string, Promise<V>>();
  /** Bumped on every invalidation: a load that started before one is not stored. */
  private epoch = 0;

  constructor(
    readonly name: string,
    private readonly ttlMs: number,
    private readonly bus: SharedCaches,
    private readonly maxEntries = 20_000,
  ) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > Date.now()) return hit.value;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const epoch = this.epoch;
    const run = load().then(
      (value) => {
        if (this.loading.get(key) === run) this.loading.delete(key);
        if (epoch === this.epoch) this.store(key, value);
        return value;
      },
      (error: unknown) => {
        if (this.loading.get(key) === run) this.loading.delete(key);
        throw error;
      },
    );
    this.loading.set(key, run);
    return run;
  }

  /** Forgets `key` here and on every other node. */
  invalidate(key: string): void {
    this.drop(key);
    this.bus.publish(this.name, key);
  }

  /** Called by the bus for invalidations from other nodes. */
  drop(key: string): void {
    this.epoch++;
    this.entries.delete(key);
    this.loading.delete(key);
  }

  dropAllEntries(): void {
    this.epoch++;
    this.entries.clear();
    this.loading.clear();
  }

  private store(key: string, value: V): void {
    if (this.entries.size >= this.maxEntries) {
      const now = Date.now();
      for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
      if (this.entries.size >= this.maxEntries) this.entries.clear();
    }
    // Spread expiries (±20 %) so entries loaded together are not all reloaded together.
    const ttl = this.ttlMs * (0.8 + Math.random() * 0.4);
    this.entries.set(key, { value, expiresAt: Date.now() + ttl });
  }
}

/** The registry of shared caches and their invalidation bus (Redis pub/sub across nodes). */
@Injectable()
export class SharedCaches implements OnModuleInit, OnApplicationShutdown {
  private readonly caches = new Map<string, SharedCache<unknown>>();
  private readonly nodeId = randomUUID();
  private pub?: Redis;
  private sub?: Redis;

  constructor(
    @Inject(AccordConfig) private readonly config: AccordConfig,
    @Inject(ACCORD_LOGGER) private readonly logger: AccordLogger,
  ) {}

  create<V>(name: string, ttlMs: number): SharedCache<V> {
    if (this.caches.has(name)) throw new Error(`A shared cache named ${name} exists already`);
    const cache = new SharedCache<V>(name, ttlMs, this);
    this.caches.set(name, cache);
    return cache;
  }

  onModuleInit(): void {
    const url = this.config.redisUrl;
    if (!url) return;
    const { pub, sub } = createRedisPair(url, this.logger, 'cache invalidation');
    this.pub = pub;
    this.sub = sub;
    // Missed invalidations while Redis was away: start over (entries would expire anyway).
    sub.on('ready', () => this.dropAll());
    void sub.subscribe(CHANNEL).catch(() => undefined);
    sub.on('message', (_channel: string, message: string) => this.receive(message));
  }

  publish(cache: string, key: string): void {
    if (!this.pub) return;
    this.pub
      .publish(CHANNEL, JSON.stringify({ node: this.nodeId, cache, key }))
      .catch(() => undefined);
  }

  private receive(message: string): void {
    try {
      const { node, cache, key } = JSON.parse(message) as {
        node: string;
        cache: string;
        key: string;
      };
      if (node === this.nodeId) return;
      this.caches.get(cache)?.drop(key);
    } catch {
      // not ours
    }
  }

  private dropAll(): void {
    for (const cache of this.caches.values()) cache.dropAllEntries();
  }

  onApplicationShutdown(): void {
    this.pub?.disconnect();
    this.sub?.disconnect();
  }
}

@Global()
@Module({ providers: [SharedCaches], exports: [SharedCaches] })
export class SharedCacheModule {}
