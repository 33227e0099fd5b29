import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { AuthService } from '@accord/auth';
import type { AccordConfig } from '@accord/core';
import type { Server, ServerOptions } from 'socket.io';

/** Largest socket payload; larger messages close the connection before any handler runs. */
export const SOCKET_MAX_PAYLOAD_BYTES = 64 * 1024;

/**
 * socket.io on the API's port: origin allowlist, payload limit, and the access token checked
 * once at the handshake (`connect_error` "unauthorized" otherwise).
 */
export class AccordIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AccordConfig,
    private readonly auth: AuthService,
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
      // The CORS rule covers HTTP polling; WebSocket upgrades are checked here.
      allowRequest: (req, callback) => callback(null, allowed(req.headers.origin)),
    });
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
}
