import { io, type Socket } from 'socket.io-client';

/** A real socket.io client signed in with the access token (websocket transport, new connection). */
export function connectAs(baseUrl: string, accessToken: string | undefined): Socket {
  return io(baseUrl, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: accessToken === undefined ? {} : { token: accessToken },
  });
}

export async function connected(socket: Socket): Promise<Socket> {
  if (socket.connected) return socket;
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return socket;
}

export interface AckReply<T = unknown> {
  ok: boolean;
  data?: T;
  error?: { code: string; message: string };
}

/** Emits an event and resolves with its ack. */
export function emitAck<T = unknown>(
  socket: Socket,
  event: string,
  payload: unknown,
  timeoutMs = 5000,
): Promise<AckReply<T>> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<AckReply<T>>;
}

/** Resolves with the first `event` whose payload satisfies `predicate`. */
export function waitForEvent<T = unknown>(
  socket: Socket,
  event: string,
  predicate: (payload: T) => boolean = () => true,
  timeoutMs = 5000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T): void => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}
