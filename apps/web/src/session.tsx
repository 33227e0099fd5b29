import {
  AccordApiError,
  AccordClient,
  type AccordRealtime,
  type AuthResult,
  type Me,
  type MyOrganisation,
} from '@accord/client';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';

/**
 * The signed-in person: tokens, who they are, and the organisation they act for. Tokens live in
 * sessionStorage (this tab only, gone when it closes: safer on shared computers); an expired
 * access token is refreshed silently and the request retried once.
 */
const STORAGE_KEY = 'accord.session';

interface Stored {
  accessToken: string;
  refreshToken: string;
  organisationId: string | null;
}

interface SessionValue {
  /** Signed in (or not) as far as the server is concerned. */
  client: AccordClient;
  /** A live connection (rooms, plans) that survives the access token's refresh. */
  live: () => AccordRealtime;
  me: Me | null;
  organisation: MyOrganisation | null;
  ready: boolean;
  signIn: (result: AuthResult) => void;
  signOut: () => Promise<void>;
  chooseOrganisation: (id: string) => void;
  reload: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

function load(): Stored | null {
  try {
    return JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Stored | null;
  } catch {
    return null;
  }
}

function save(stored: Stored | null): void {
  if (stored) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
  else sessionStorage.removeItem(STORAGE_KEY);
}

/**
 * Refreshes the tokens (one refresh at a time, however many requests ask); the new access token,
 * or null when the sign-in has ended (then `onSignedOut`).
 */
function tokenRefresher(onSignedOut: () => void): () => Promise<string | null> {
  let running: Promise<string | null> | null = null;
  return () => {
    running ??= (async () => {
      const current = load();
      if (!current) return null;
      try {
        const result = await new AccordClient({ baseUrl: window.location.origin }).refresh(
          current.refreshToken,
        );
        // Signed out (or in again) meanwhile: these tokens are nobody's now.
        if (load()?.refreshToken !== current.refreshToken) return load()?.accessToken ?? null;
        save({ ...current, accessToken: result.accessToken, refreshToken: result.refreshToken });
        return result.accessToken;
      } catch {
        save(null);
        onSignedOut();
        return null;
      } finally {
        running = null;
      }
    })();
    return running;
  };
}

/** fetch that, on a 401 outside the sign-in routes, refreshes the token once and tries again. */
function refreshingFetch(refresh: () => Promise<string | null>): typeof fetch {
  return async (input, init = {}) => {
    const response = await fetch(input, init);
    const path = new URL(String(input instanceof Request ? input.url : input)).pathname;
    if (response.status !== 401 || path.startsWith('/api/auth/') || !load()) return response;
    const token = await refresh();
    if (!token) return response;
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [stored, setStored] = useState<Stored | null>(load);
  const [me, setMe] = useState<Me | null>(null);
  const [ready, setReady] = useState(false);

  const signedIn = stored !== null;
  const refresh = useMemo(() => tokenRefresher(() => setStored(null)), []);
  // One client for the page's life: it reads the current token for every request and socket
  // (re)connection, so a silent refresh changes nothing for the pages using it.
  const client = useMemo(
    () =>
      new AccordClient({
        baseUrl: window.location.origin,
        accessToken: () => load()?.accessToken,
        fetch: refreshingFetch(refresh),
      }),
    [refresh],
  );
  const live = useCallback(() => {
    const realtime = client.realtime();
    // A socket refused for an expired token reconnects once the token is refreshed.
    realtime.socket.on('connect_error', (error) => {
      if (error.message !== 'unauthorized') return;
      void refresh().then((token) => {
        if (token) realtime.socket.connect();
      });
    });
    return realtime;
  }, [client, refresh]);

  const reload = useCallback(async () => {
    if (!load()) {
      setMe(null);
      setReady(true);
      return;
    }
    try {
      setMe(await client.me());
    } catch (error) {
      if (error instanceof AccordApiError && error.status === 401) {
        save(null);
        setStored(null);
        setMe(null);
      }
    } finally {
      setReady(true);
    }
  }, [client]);

  useEffect(() => {
    void reload();
  }, [reload, signedIn]);

  const value = useMemo<SessionValue>(() => {
    const organisation =
      me?.organisations.find((o) => o.id === stored?.organisationId) ??
      (me?.organisations.length === 1 ? me.organisations[0] : null);
    return {
      client,
      live,
      me,
      organisation,
      ready,
      signIn: (result) => {
        // Not ready until /me has answered with the new tokens (no bounce back to sign-in).
        setReady(false);
        const next = {
          accessToken: result.accessToken,
          refreshToken: result.refreshToken,
          organisationId: null,
        };
        save(next);
        setStored(next);
      },
      signOut: async () => {
        const current = load();
        save(null);
        setStored(null);
        setMe(null);
        if (current) await client.logout(current.refreshToken).catch(() => undefined);
      },
      chooseOrganisation: (id) => {
        const current = load();
        if (!current) return;
        const next = { ...current, organisationId: id };
        save(next);
        setStored(next);
      },
      reload,
    };
  }, [client, live, me, ready, reload, stored?.organisationId]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** A text field of a submitted form ('' when absent). */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

/** The message of an API error for people (the server's words), else a generic one. */
export function errorMessage(error: unknown): string {
  if (error instanceof AccordApiError) return error.body.message;
  return error instanceof Error ? error.message : String(error);
}
