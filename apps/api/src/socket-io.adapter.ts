import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { AuthService } from '@accord/auth';
import { type AccordConfig, type AccordLogger, createRedisPair } from '@accord/core';
import type { Redis } from 'ioredis';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { isObservable, type Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';

/** Largest socket payload; larger messages close the connection before any handler runs. */
export const SOCKET_MAX_PAYLOAD_BYTES = 64 * 1024;

/**
 * socket.io on the API's port: origin allowlist, payload limit, and the access token checked
 * once at the handshake (`connect_error` "unauthorized" otherwise).
 */
export class AccordIoAdapter extends IoAdapter {
  private redisClients: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly config: AccordConfig,
    private readonly auth: AuthService,
    private readonly log: AccordLogger,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const allowed = (origin: string | undefined): boolean =>
      origin === undefined || this.config.corsOrigins.includes(origin);
    const server = super.createIOServer(port, {
      ...(options as ServerOptions),
      maxHttpBufferSize: SOCKET_MAX_PAYLOAD_BYTES,
      cors: { origin: (origin, callback) => callback(null, allowed(origin)), credentials: true },
      // The CORS rule covers HTTP polling; WebSocket upgrades are checked here. The web client
      // served by this API (same origin: the Origin's host is the request's) is always allowed.
      allowRequest: (req, callback) =>
        callback(
          null,
          allowed(req.headers.origin) || sameOrigin(req.headers.origin, req.headers.host),
        ),
    });
    if (this.config.redisUrl) server.adapter(this.redisAdapter(this.config.redisUrl));
    server.use((socket, next) => {
      const token: unknown = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string' || token.length === 0) {
        next(new Error('unauthorized'));
        return;
      }
      this.auth.verifyAccessToken(token).then(
        (ctx) => {
          (socket.data as { ctx?: unknown }).ctx = ctx;
          next();
        },
        () => next(new Error('unauthorized')),
      );
    });
    return server;
  }

  /**
   * With REDIS_URL, rooms span API nodes: broadcasts, socketsJoin/Leave and fetchSockets go
   * through Redis pub/sub. While Redis is away, publishes wait in ioredis' offline queue and are
   * sent on reconnection (the subscriber resubscribes by itself); nothing is thrown at the process.
   */
  private redisAdapter(url: string): ReturnType<typeof createAdapter> {
    const { pub, sub } = createRedisPair(url, this.log, 'socket.io adapter');
    this.redisClients = [pub, sub];
    return createAdapter(pub, sub, { key: 'accord', requestsTimeout: 3000 });
  }

  /**
   * One listener per socket for all events, instead of Nest's rxjs chain per event per socket
   * (18 chains of subscribers and closures for every connection: most of a socket's memory).
   * Same contract: the handler's result is the ack; a failing handler is answered by the
   * gateway's exception filter, and anything that still escapes is logged, never thrown.
   */
  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    // A linear search over a handful of handlers: no per-socket index to keep in memory.
    socket.onAny((event: string, ...args: unknown[]) => {
      const handler = handlers.find((h) => h.message === event);
      if (!handler) return;
      const payload = this.mapPayload(args.length === 1 ? args[0] : args) as {
        data: unknown;
        ack?: unknown;
      };
      const { data, ack } = payload;
      const reply = (response: unknown): void => {
        if (response === undefined || response === null) return;
        const emitted = response as { event?: string; data?: unknown };
        if (emitted.event) {
          socket.emit(emitted.event, emitted.data);
          return;
        }
        if (!handler.isAckHandledManually && typeof ack === 'function')
          (ack as (r: unknown) => void)(response);
      };
      const fail = (error: unknown): void =>
        this.log.error({ err: error, event }, 'A socket event handler failed outside its filter');
      try {
        const result = transform(
          (handler.callback as (d: unknown, a: unknown) => unknown)(data, ack),
        );
        if (isObservable(result)) result.subscribe({ next: reply, error: fail });
        else reply(result);
      } catch (error) {
        fail(error);
      }
    });
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    for (const client of this.redisClients) client.disconnect();
    this.redisClients = [];
  }
}

/** Whether a browser's Origin names the host the request was sent to (the page is ours). */
function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
