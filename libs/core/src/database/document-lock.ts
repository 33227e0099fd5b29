import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { randomUUID } from 'node:crypto';
import type { Collection, Connection } from 'mongoose';
import { AccordError } from '../errors/accord-error';
import { ErrorCode } from '../errors/error-codes';
import { isDuplicateKeyError } from '../errors/accord-error';

interface LockDocument {
  _id: string;
  key: string;
  owner: string;
  expiresAt: Date;
}

const LOCKS = 'locks';

/**
 * A short mutual exclusion across API nodes, for read-check-write rules that span documents
 * (e.g. "the last organiser cannot step down"). Acquired by inserting under a unique key, the
 * one operation that is atomic on every engine; an expired lock (its holder crashed) is taken over.
 */
@Injectable()
export class DocumentLocks {
  private indexReady?: Promise<unknown>;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  private get collection(): Collection<LockDocument> {
    return this.connection.collection<LockDocument>(LOCKS);
  }

  private ensureIndex(): Promise<unknown> {
    this.indexReady ??= this.collection.createIndex(
      { key: 1 },
      { unique: true, name: 'key_unique' },
    );
    return this.indexReady;
  }

  async withLock<T>(
    key: string,
    work: () => Promise<T>,
    options: { ttlMs?: number; waitMs?: number } = {},
  ): Promise<T> {
    await this.ensureIndex();
    const ttlMs = options.ttlMs ?? 10_000;
    const deadline = Date.now() + (options.waitMs ?? 5_000);
    const owner = randomUUID();
    let delay = 5;
    for (;;) {
      const now = new Date();
      try {
        await this.collection.insertOne({
          _id: owner,
          key,
          owner,
          expiresAt: new Date(now.getTime() + ttlMs),
        });
        break;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const held = await this.collection.findOne({ key });
      if (held && held.expiresAt < now) {
        // Delete that exact stale document by its id; a fresh lock has another id.
        await this.collection.deleteOne({ _id: held._id });
        continue;
      }
      if (Date.now() > deadline) {
        throw new AccordError(
          ErrorCode.CONFLICT,
          'Another change to the same thing is in progress; try again',
        );
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 100);
    }
    try {
      return await work();
    } finally {
      await this.collection.deleteOne({ _id: owner });
    }
  }
}
