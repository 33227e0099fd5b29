import {
  type AccessToken,
  AccordRealtime,
  type CommentAnchor,
  type RealtimeOptions,
  type RoomComment,
  type RoomFlag,
} from './realtime';
import type {
  PlanChanges,
  PlanEndorsement,
  PlanStatus,
  PlanVersion,
  PlanVersionDetail,
  ActionInput,
  ActionPlan,
  IndicatorInput,
  MilestoneInput,
  PlanAction,
  PlanFieldsInput,
  PlanIndicator,
  PlanMilestone,
  PlanSummary,
  AuditPage,
  AuthResult,
  CoalitionDetail,
  Coalition,
  CoalitionMember,
  CoalitionQuery,
  CoalitionRole,
  CreateCoalitionInput,
  CreatedInvitation,
  ImportResult,
  Invitation,
  JoinRequest,
  MyInvitation,
  Recommendation,
  RecommendationDetail,
  RecommendationQuery,
  CreateOrganisationInput,
  ErrorBody,
  ExportedFile,
  ExportFormat,
  ImportedPlan,
  Health,
  Me,
  Organisation,
  OrganisationMember,
  OrganisationQuery,
  OrganisationRole,
  Page,
  RegisterInput,
  RoomRestrictions,
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
  /**
   * The access token, or a function giving the current one (read for every request and every
   * socket (re)connection: a client that refreshes its tokens keeps one AccordClient).
   */
  accessToken?: AccessToken;
  /** Extra headers for every request (e.g. X-Forwarded-For behind a test proxy). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

export interface RawResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON for JSON answers, else the text. */
  body: T;
  /** The body exactly as received. */
  text: string;
}

type Query = Record<string, string | number | boolean | undefined>;

/** Typed SDK for the Accord REST API, used by the e2e tests, benchmarks and the web client. */
export class AccordClient {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: AccordClientOptions) {
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  get accessToken(): string | undefined {
    const token = this.options.accessToken;
    return typeof token === 'function' ? token() : token;
  }

  /** The same client acting with another access token. */
  withToken(accessToken: AccessToken | undefined): AccordClient {
    return new AccordClient({ ...this.options, accessToken });
  }

  /** A live-room connection acting as this client's user (see {@link AccordRealtime}). */
  realtime(options: RealtimeOptions = {}): AccordRealtime {
    const token = this.options.accessToken;
    if (!this.accessToken || token === undefined) {
      throw new Error('realtime() needs a signed-in client');
    }
    return new AccordRealtime(this.options.baseUrl, token, options);
  }

  withHeaders(headers: Record<string, string>): AccordClient {
    return new AccordClient({ ...this.options, headers: { ...this.options.headers, ...headers } });
  }

  /** Sends a request and returns status, headers and parsed body whatever the status. */
  async raw<T = unknown>(
    method: string,
    path: string,
    init: {
      body?: unknown;
      query?: Query;
      headers?: Record<string, string>;
      /** A body sent as it is (a CSV file, multipart form data); `body` is JSON-encoded instead. */
      rawBody?: string | Blob | FormData;
    } = {},
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
    const token = this.accessToken;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | Blob | FormData | undefined = init.rawBody;
    if (init.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.body);
    }
    const response = await this.fetchImpl(url, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text.length > 0 ? text : undefined;
    if (
      text.length > 0 &&
      /json/i.test(response.headers.get('content-type') ?? 'application/json')
    ) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  /** A file download: its bytes as they are (errors still come as AccordApiError). */
  private async download(path: string, query: Query): Promise<ExportedFile> {
    const url = new URL(`/api${path}`, this.options.baseUrl);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { ...this.options.headers };
    const token = this.accessToken;
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await this.fetchImpl(url, { method: 'GET', headers });
    if (response.status >= 400) {
      const text = await response.text();
      let body: ErrorBody;
      try {
        body = JSON.parse(text) as ErrorBody;
      } catch {
        body = { statusCode: response.status, code: 'UNKNOWN', message: text };
      }
      throw new AccordApiError(response.status, body, response.headers);
    }
    return {
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      fileName: fileNameOf(response.headers.get('content-disposition')),
      bytes: new Uint8Array(await response.arrayBuffer()),
    };
  }

  private async call<T>(
    method: string,
    path: string,
    init: {
      body?: unknown;
      query?: Query;
      rawBody?: string | Blob | FormData;
      headers?: Record<string, string>;
    } = {},
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

  readonly recommendations = {
    list: (query: RecommendationQuery = {}): Promise<Page<Recommendation>> =>
      this.call('GET', '/recommendations', { query: { ...query } }),
    get: (idOrCode: string): Promise<RecommendationDetail> =>
      this.call('GET', `/recommendations/${encodeURIComponent(idOrCode)}`),
    /** Imports a catalogue file (platform admins): CSV text, or JSON rows. */
    importCsv: (csv: string): Promise<ImportResult> =>
      this.call('POST', '/recommendations/import', {
        rawBody: csv,
        headers: { 'content-type': 'text/csv' },
      }),
    importJson: (rows: unknown): Promise<ImportResult> =>
      this.call('POST', '/recommendations/import', { body: rows }),
    /** The catalogue file as text (CSV or JSON). */
    export: async (format: 'csv' | 'json' = 'csv'): Promise<string> => {
      const response = await this.raw<string>('GET', '/recommendations/export', {
        query: { format },
        headers: { accept: format === 'csv' ? 'text/csv' : 'application/json' },
      });
      if (response.status >= 400) {
        throw new AccordApiError(
          response.status,
          response.body as unknown as ErrorBody,
          response.headers,
        );
      }
      return response.text;
    },
  };

  readonly coalitions = {
    create: (input: CreateCoalitionInput): Promise<CoalitionDetail> =>
      this.call('POST', '/coalitions', { body: input }),
    list: (query: CoalitionQuery = {}): Promise<Page<Coalition>> =>
      this.call('GET', '/coalitions', {
        query: { ...query, mine: query.mine === undefined ? undefined : String(query.mine) },
      }),
    get: (id: string): Promise<CoalitionDetail> =>
      this.call('GET', `/coalitions/${encodeURIComponent(id)}`),
    requestToJoin: (id: string, organisationId: string, message?: string): Promise<JoinRequest> =>
      this.call('POST', `/coalitions/${encodeURIComponent(id)}/join-requests`, {
        body: message === undefined ? { organisationId } : { organisationId, message },
      }),
    joinRequests: (
      id: string,
      query: { status?: JoinRequest['status']; page?: number; limit?: number } = {},
    ): Promise<Page<JoinRequest>> =>
      this.call('GET', `/coalitions/${encodeURIComponent(id)}/join-requests`, {
        query: { ...query },
      }),
    approveJoinRequest: (id: string, requestId: string): Promise<JoinRequest> =>
      this.call(
        'POST',
        `/coalitions/${encodeURIComponent(id)}/join-requests/${encodeURIComponent(requestId)}/approve`,
      ),
    rejectJoinRequest: (id: string, requestId: string): Promise<JoinRequest> =>
      this.call(
        'POST',
        `/coalitions/${encodeURIComponent(id)}/join-requests/${encodeURIComponent(requestId)}/reject`,
      ),
    invite: (
      id: string,
      input: { email: string; role: CoalitionRole; organisationId?: string },
    ): Promise<CreatedInvitation> =>
      this.call('POST', `/coalitions/${encodeURIComponent(id)}/invitations`, { body: input }),
    invitations: (
      id: string,
      query: { page?: number; limit?: number } = {},
    ): Promise<Page<Invitation>> =>
      this.call('GET', `/coalitions/${encodeURIComponent(id)}/invitations`, {
        query: { ...query },
      }),
    changeRole: (id: string, userId: string, role: CoalitionRole): Promise<CoalitionMember> =>
      this.call(
        'PATCH',
        `/coalitions/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`,
        { body: { role } },
      ),
    removeMember: (id: string, userId: string): Promise<void> =>
      this.call(
        'DELETE',
        `/coalitions/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`,
      ),
    leave: (id: string): Promise<void> =>
      this.call('POST', `/coalitions/${encodeURIComponent(id)}/leave`),
    /** Comments after `afterSeq` in seq order, with the room's latest seq. */
    comments: (
      id: string,
      query: { afterSeq?: number; limit?: number } = {},
    ): Promise<{ items: RoomComment[]; seq: number }> =>
      this.call('GET', `/coalitions/${encodeURIComponent(id)}/comments`, { query: { ...query } }),
    /** Posts a comment; the same `idempotencyKey` stores it once. */
    postComment: (
      id: string,
      input: { body: string; parentId?: string; anchor?: CommentAnchor },
      idempotencyKey?: string,
    ): Promise<RoomComment> =>
      this.call('POST', `/coalitions/${encodeURIComponent(id)}/comments`, {
        body: input,
        headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : undefined,
      }),
    /** The flag queue (moderators and organisers). */
    flags: (
      id: string,
      query: { status?: 'open' | 'resolved' | 'all'; page?: number; limit?: number } = {},
    ): Promise<
      Page<
        RoomFlag & {
          flaggedByName: string | null;
          comment: RoomComment;
          status: 'open' | 'resolved';
          resolution: 'hidden' | 'deleted' | 'dismissed' | null;
        }
      >
    > => this.call('GET', `/coalitions/${encodeURIComponent(id)}/flags`, { query: { ...query } }),
    /** Keeps a flagged comment: resolves every flag of it so far (moderators). */
    dismissFlags: (
      id: string,
      flagId: string,
      reason?: string,
    ): Promise<{ commentId: string; resolution: 'dismissed' }> =>
      this.call(
        'POST',
        `/coalitions/${encodeURIComponent(id)}/flags/${encodeURIComponent(flagId)}/dismiss`,
        { body: reason === undefined ? {} : { reason } },
      ),
    /** Who is banned from the room and who is muted in it now (moderators and organisers). */
    restrictions: (id: string): Promise<RoomRestrictions> =>
      this.call('GET', `/coalitions/${encodeURIComponent(id)}/restrictions`),
    audit: (id: string, query: { page?: number; limit?: number } = {}): Promise<AuditPage> =>
      this.call('GET', `/coalitions/${encodeURIComponent(id)}/audit`, { query: { ...query } }),
  };

  readonly invitations = {
    mine: (): Promise<MyInvitation[]> => this.call('GET', '/invitations'),
    accept: (token: string, organisationId?: string): Promise<CoalitionDetail> =>
      this.call('POST', `/invitations/${encodeURIComponent(token)}/accept`, {
        body: organisationId === undefined ? {} : { organisationId },
      }),
  };

  readonly plans = {
    create: (coalitionId: string, title: string): Promise<ActionPlan> =>
      this.call('POST', `/coalitions/${encodeURIComponent(coalitionId)}/action-plans`, {
        body: { title },
      }),
    list: (
      coalitionId: string,
      query: { page?: number; limit?: number } = {},
    ): Promise<Page<PlanSummary>> =>
      this.call('GET', `/coalitions/${encodeURIComponent(coalitionId)}/action-plans`, {
        query: { ...query },
      }),
    get: (id: string): Promise<ActionPlan> => this.call('GET', planPath(id)),
    update: (id: string, fields: PlanFieldsInput): Promise<ActionPlan> =>
      this.call('PATCH', planPath(id), { body: fields }),
    addAction: (id: string, input: ActionInput & { title: string; index?: number }) =>
      this.call<PlanAction>('POST', planPath(id, 'actions'), { body: input }),
    editAction: (id: string, actionId: string, fields: ActionInput) =>
      this.call<PlanAction>('PATCH', planPath(id, 'actions', actionId), { body: fields }),
    removeAction: (id: string, actionId: string) =>
      this.call<void>('DELETE', planPath(id, 'actions', actionId)),
    moveAction: (id: string, actionId: string, index: number) =>
      this.call<{ id: string; index: number }>('POST', planPath(id, 'actions', actionId, 'move'), {
        body: { index },
      }),
    addMilestone: (
      id: string,
      actionId: string,
      input: MilestoneInput & { title: string; index?: number },
    ) =>
      this.call<PlanMilestone>('POST', planPath(id, 'actions', actionId, 'milestones'), {
        body: input,
      }),
    editMilestone: (id: string, actionId: string, milestoneId: string, fields: MilestoneInput) =>
      this.call<PlanMilestone>(
        'PATCH',
        planPath(id, 'actions', actionId, 'milestones', milestoneId),
        { body: fields },
      ),
    removeMilestone: (id: string, actionId: string, milestoneId: string) =>
      this.call<void>('DELETE', planPath(id, 'actions', actionId, 'milestones', milestoneId)),
    moveMilestone: (id: string, actionId: string, milestoneId: string, index: number) =>
      this.call<{ id: string; index: number }>(
        'POST',
        planPath(id, 'actions', actionId, 'milestones', milestoneId, 'move'),
        { body: { index } },
      ),
    addIndicator: (
      id: string,
      actionId: string,
      input: IndicatorInput & { name: string; index?: number },
    ) =>
      this.call<PlanIndicator>('POST', planPath(id, 'actions', actionId, 'indicators'), {
        body: input,
      }),
    editIndicator: (id: string, actionId: string, indicatorId: string, fields: IndicatorInput) =>
      this.call<PlanIndicator>(
        'PATCH',
        planPath(id, 'actions', actionId, 'indicators', indicatorId),
        { body: fields },
      ),
    removeIndicator: (id: string, actionId: string, indicatorId: string) =>
      this.call<void>('DELETE', planPath(id, 'actions', actionId, 'indicators', indicatorId)),
    createVersion: (id: string, name: string) =>
      this.call<PlanVersion>('POST', planPath(id, 'versions'), { body: { name } }),
    versions: (id: string, query: { page?: number; limit?: number } = {}) =>
      this.call<Page<PlanVersion>>('GET', planPath(id, 'versions'), { query: { ...query } }),
    version: (id: string, versionId: string) =>
      this.call<PlanVersionDetail>('GET', planPath(id, 'versions', versionId)),
    restore: (id: string, versionId: string) =>
      this.call<ActionPlan>('POST', planPath(id, 'versions', versionId, 'restore')),
    /** What changed from version `from` to version `to` (default: to the plan as it is now). */
    changes: (id: string, from: string, to?: string) =>
      this.call<PlanChanges>('GET', planPath(id, 'changes'), { query: { from, to } }),
    setStatus: (id: string, status: PlanStatus) =>
      this.call<PlanSummary>('POST', planPath(id, 'status'), { body: { status } }),
    endorse: (id: string, organisationId: string, versionId?: string) =>
      this.call<PlanEndorsement>('POST', planPath(id, 'endorsements'), {
        body: versionId === undefined ? { organisationId } : { organisationId, versionId },
      }),
    endorsements: (id: string) => this.call<PlanEndorsement[]>('GET', planPath(id, 'endorsements')),
    /** The plan (or one named version of it) as a file. */
    export: (id: string, format: ExportFormat, options: { version?: string } = {}) =>
      this.download(planPath(id, 'export'), { format, version: options.version }),
    /** A new draft plan in the coalition from a plan's JSON export (`unmatched`: refuse | drop). */
    import: (
      coalitionId: string,
      exported: unknown,
      options: { unmatched?: 'refuse' | 'drop' } = {},
    ) =>
      this.call<ImportedPlan>(
        'POST',
        `/coalitions/${encodeURIComponent(coalitionId)}/action-plans/import`,
        { body: exported, query: { unmatched: options.unmatched } },
      ),
    moveIndicator: (id: string, actionId: string, indicatorId: string, index: number) =>
      this.call<{ id: string; index: number }>(
        'POST',
        planPath(id, 'actions', actionId, 'indicators', indicatorId, 'move'),
        { body: { index } },
      ),
  };
}

/** The readable `filename*` of a Content-Disposition header, else its plain `filename`. */
function fileNameOf(disposition: string | null): string {
  if (!disposition) return '';
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (extended) return decodeURIComponent(extended[1]);
  return /filename="([^"]*)"/i.exec(disposition)?.[1] ?? '';
}

function planPath(id: string, ...parts: string[]): string {
  return ['/action-plans', id, ...parts]
    .map((p, i) => (i === 0 ? p : encodeURIComponent(p)))
    .join('/');
}
