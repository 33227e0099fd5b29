import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ACCORD_LOGGER, AccordConfig, type AccordLogger, createRedisPair } from '@accord/core';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { ClientOwner } from './action-plan.schema';

const CHANNEL = 'accord:plans';

/** What one node tells the others about a plan (the bytes travel beside it, unencoded). */
export type RelayHeader =
  | { kind: 'update'; planId: string; seq: number; owners: ClientOwner[] }
  | { kind: 'awareness'; planId: string }
  /** A socket lost the plan (its person was removed): the node holding it drops its cursors. */
  | { kind: 'release'; planId: string; socketId: string };

export interface RelayMessage {
  header: RelayHeader;
  payload: Uint8Array;
}

/**
 * Plan updates and awareness between API nodes, over Redis pub/sub as binary frames
 * ([header length][JSON header][Yjs bytes]): one publish per stored update, which every other
 * node applies to its copy of the document and passes to its own sockets. Without REDIS_URL,
 * one node works alone and nothing is published. While Redis is away, publishes wait in the
 * offline queue; a node that misses one notices the gap in `seq` and reads the log.
 */
@Injectable()
export class PlanRelay implements OnModuleInit, OnApplicationShutdown {
  private readonly nodeId = Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
  private pub?: Redis;
  private sub?: Redis;
  private readonly listeners: ((message: RelayMessage) => void)[] = [];
  private readonly reconnectListeners: (() => void)[] = [];

  constructor(
    @Inject(AccordConfig) private readonly config: AccordConfig,
    @Inject(ACCORD_LOGGER) private readonly logger: AccordLogger,
  ) {}

  get enabled(): boolean {
    return this.config.redisUrl !== undefined;
  }

  onModuleInit(): void {
    const url = this.config.redisUrl;
    if (!url) return;
    const { pub, sub } = createRedisPair(url, this.logger, 'plan relay');
    this.pub = pub;
    this.sub = sub;
    let connectedBefore = false;
    sub.on('ready', () => {
      if (connectedBefore) for (const listener of this.reconnectListeners) listener();
      connectedBefore = true;
    });
    void sub.subscribe(CHANNEL).catch(() => undefined);
    sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => this.receive(message));
  }

  onMessage(listener: (message: RelayMessage) => void): void {
    this.listeners.push(listener);
  }

  /** Called when the subscription comes back after an outage: messages may have been missed. */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  publish(header: RelayHeader, payload: Uint8Array): void {
    if (!this.pub) return;
    const json = Buffer.from(JSON.stringify(header));
    const frame = Buffer.allocUnsafe(16 + 4 + json.length + payload.length);
    this.nodeId.copy(frame, 0);
    frame.writeUInt32BE(json.length, 16);
    json.copy(frame, 20);
    Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).copy(
      frame,
      20 + json.length,
    );
    this.pub.publish(CHANNEL, frame).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'a plan relay message could not be published');
    });
  }

  private receive(frame: Buffer): void {
    if (frame.length < 20 || frame.subarray(0, 16).equals(this.nodeId)) return;
    try {
      const length = frame.readUInt32BE(16);
      const header = JSON.parse(frame.subarray(20, 20 + length).toString('utf8')) as RelayHeader;
      const payload = new Uint8Array(frame.subarray(20 + length));
      for (const listener of this.listeners) listener({ header, payload });
    } catch (error) {
      this.logger.warn({ err: error }, 'an unreadable plan relay message was ignored');
    }
  }

  onApplicationShutdown(): void {
    this.pub?.disconnect();
    this.sub?.disconnect();
  }
}
