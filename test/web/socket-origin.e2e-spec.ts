import { io } from 'socket.io-client';
import { registerUser } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Browsers send an Origin with every WebSocket upgrade. The API's own web client (same origin)
 * is let in; another site is refused unless CORS_ORIGINS names it; clients without an Origin
 * (servers, scripts) are let in as before.
 */
describe('socket origin rule', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp();
    token = (await registerUser(t.client())).accessToken;
  });

  afterAll(async () => {
    await t?.close();
  });

  /** 'connected', or the handshake's error message. */
  function attempt(origin?: string): Promise<string> {
    const socket = io(t.baseUrl, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token },
      ...(origin ? { extraHeaders: { origin } } : {}),
    });
    return new Promise((resolve) => {
      socket.once('connect', () => {
        socket.disconnect();
        resolve('connected');
      });
      socket.once('connect_error', (error) => {
        socket.disconnect();
        resolve(error.message);
      });
    });
  }

  it('lets in the same origin and clients without one, and refuses another site', async () => {
    await expect(attempt(t.baseUrl)).resolves.toBe('connected');
    await expect(attempt()).resolves.toBe('connected');
    await expect(attempt('https://evil.example')).resolves.not.toBe('connected');
    const host = new URL(t.baseUrl).host;
    await expect(attempt(`http://${host}.evil.example`)).resolves.not.toBe('connected');
  });
});
