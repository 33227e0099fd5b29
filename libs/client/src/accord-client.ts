import type {
  AuthResult,
  CreateOrganisationInput,
  ErrorBody,
  Health,
  Me,
  Organisation,
  OrganisationMember,
  OrganisationQuery,
  OrganisationRole,
  Page,
  RegisterInput,
} from './types';

/** A non-2xx answer of the API, with the contract's code and details. */
export class AccordApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly headers: Headers,
  ) {
    super(`${status} ${body.code}: ${body.message}`);
    this.name = 'AccordApiError';
  }

  get code(): string {
    return this.body.code;
  }

  get details(): unknown {
    return this.body.details;
  }

  /** Seconds from the Retry-After header, when the API sent one. */
  get retryAfter(): number | undefined {
    const value = this.headers.get('retry-after');
    return value === null ? undefined : Number(value);
  }
}

export interface AccordClientOptions {
  /** The server's origin, e.g. `http://localhost:3000` (the `/api` prefix is added). */
  baseUrl: string;
  accessToken?: string;
  /** Extra headers for every request (e.g. X-Forwarded-For behind a test proxy). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

export interface RawResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

type Query = Record<string, string | number | boolean | undefined>;

/** Typed SDK for the Accord REST API, used by the e2e tests, benchmarks and the web client. */
export class AccordClient {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: AccordClientOptions) {
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  get accessToken(): string | undefined {
    return this.options.accessToken;
  }

  /** The same client acting with another access token. */
  withToken(accessToken: string | undefined): AccordClient {
    return new AccordClient({ ...this.options, accessToken });
  }

  withHeaders(headers: Record<string, string>): AccordClient {
    return new AccordClient({ ...this.options, headers: { ...this.options.headers, ...headers } });
  }

  /** Sends a request and returns status, headers and parsed body whatever the status. */
  async raw<T = unknown>(
    method: string,
    path: string,
    init: { body?: unknown; query?: Query; headers?: Record<string, string> } = {},
  ): Promise<RawResponse<T>> {
    const url = new URL(`/api${path}`, this.options.baseUrl);
    for (const [key, value] of Object.entries(init.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...this.options.headers,
      ...init.headers,
    };
    if (this.options.accessToken) headers.authorization = `Bearer ${this.options.accessToken}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.body);
    }
    const response = await this.fetchImpl(url, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  private async call<T>(
    method: string,
    path: string,
    init: { body?: unknown; query?: Query } = {},
  ): Promise<T> {
    const response = await this.raw<T | ErrorBody>(method, path, init);
    if (response.status >= 400) {
      const body = (
        typeof response.body === 'object' && response.body !== null
          ? response.body
          : { statusCode: response.status, code: 'UNKNOWN', message: String(response.body ?? '') }
      ) as ErrorBody;
      throw new AccordApiError(response.status, body, response.headers);
    }
    return response.body as T;
  }

  health(): Promise<Health> {
    return this.call('GET', '/health');
  }

  register(input: RegisterInput): Promise<AuthResult> {
    return this.call('POST', '/auth/register', { body: input });
  }

  login(email: string, password: string): Promise<AuthResult> {
    return this.call('POST', '/auth/login', { body: { email, password } });
  }

  refresh(refreshToken: string): Promise<AuthResult> {
    return this.call('POST', '/auth/refresh', { body: { refreshToken } });
  }

  logout(refreshToken: string): Promise<void> {
    return this.call('POST', '/auth/logout', { body: { refreshToken } });
  }

  me(): Promise<Me> {
    return this.call('GET', '/me');
  }

  readonly organisations = {
    create: (input: CreateOrganisationInput): Promise<Organisation> =>
      this.call('POST', '/organisations', { body: input }),
    list: (query: OrganisationQuery = {}): Promise<Page<Organisation>> =>
      this.call('GET', '/organisations', { query: { ...query } }),
    get: (id: string): Promise<Organisation> =>
      this.call('GET', `/organisations/${encodeURIComponent(id)}`),
    setVerified: (id: string, verified: boolean): Promise<Organisation> =>
      this.call('PATCH', `/organisations/${encodeURIComponent(id)}`, { body: { verified } }),
    addMember: (id: string, email: string, role: OrganisationRole): Promise<OrganisationMember> =>
      this.call('POST', `/organisations/${encodeURIComponent(id)}/members`, {
        body: { email, role },
      }),
  };
}
