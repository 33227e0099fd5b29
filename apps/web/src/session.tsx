import {
  AccordApiError,
  AccordClient,
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

export function SessionProvider({ children }: { children: ReactNode }) {
  const [stored, setStored] = useState<Stored | null>(load);
  const [me, setMe] = useState<Me | null>(null);
  const [ready, setReady] = useState(false);

  const client = useMemo(() => {
    const baseUrl = window.location.origin;
    let refreshing: Promise<string | null> | null = null;
    const refresh = (): Promise<string | null> => {
      refreshing ??= (async () => {
        const current = load();
        if (!current) return null;
        try {
          const result = await new AccordClient({ baseUrl }).refresh(current.refreshToken);
          const next = {
            ...current,
            accessToken: result.accessToken,
            refreshToken: result.refreshToken,
          };
          save(next);
          setStored(next);
          return result.accessToken;
        } catch {
          save(null);
          setStored(null);
          return null;
        } finally {
          refreshing = null;
        }
      })();
      return refreshing;
    };
    // The SDK sends the token it was made with; this fetch sends the current one and, on a 401
    // outside the sign-in routes, refreshes it once and tries again.
    const tokenFetch: typeof fetch = async (input, init = {}) => {
      const send = (token: string | undefined) => {
        const headers = new Headers(init.headers);
        if (token) headers.set('authorization', `Bearer ${token}`);
        else headers.delete('authorization');
        return fetch(input, { ...init, headers });
      };
      const response = await send(load()?.accessToken);
      const path = new URL(String(input instanceof Request ? input.url : input)).pathname;
      if (response.status !== 401 || path.startsWith('/api/auth/') || !load()) return response;
      const token = await refresh();
      return token ? send(token) : response;
    };
    return new AccordClient({ baseUrl, accessToken: stored?.accessToken, fetch: tokenFetch });
  }, [stored?.accessToken]);

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
  }, [reload]);

  const value = useMemo<SessionValue>(() => {
    const organisation =
      me?.organisations.find((o) => o.id === stored?.organisationId) ??
      (me?.organisations.length === 1 ? me.organisations[0] : null);
    return {
      client,
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
  }, [client, me, ready, reload, stored?.organisationId]);

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
