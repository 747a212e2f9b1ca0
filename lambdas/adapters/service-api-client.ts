/**
 * The service's public API as an SP's backend calls it, over HTTP with its own OAuth client
 * credentials: the demo portal's only way to the service (it never reads the table). The client
 * secret stays on the server; the access token is cached until shortly before it expires.
 */

export interface ServiceApiSettings {
  /** The API's base URL, e.g. https://api.example.com/test (no trailing slash). */
  apiBaseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

export class ServiceUnavailable extends Error {
  constructor(what: string, detail: string) {
    super(`${what}: ${detail}`);
    this.name = 'ServiceUnavailable';
  }
}

const TIMEOUT_MS = 10_000;
/** Fetch a new token this long before the cached one expires. */
const TOKEN_MARGIN_MS = 60_000;

export class ServiceApiClient {
  private token: { value: string; expiresAt: number } | undefined;

  constructor(
    private readonly settings: ServiceApiSettings,
    private readonly now: () => number = Date.now,
  ) {}

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt - TOKEN_MARGIN_MS > this.now()) return this.token.value;
    const { clientId, clientSecret, tokenUrl } = this.settings;
    const res = await this.fetch('token request', tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    const body = (await res.json().catch(() => undefined)) as
      | { access_token?: string; expires_in?: number }
      | undefined;
    if (res.status !== 200 || typeof body?.access_token !== 'string') {
      throw new ServiceUnavailable('token request', `HTTP ${res.status}`);
    }
    this.token = { value: body.access_token, expiresAt: this.now() + (body.expires_in ?? 300) * 1000 };
    return this.token.value;
  }

  private async fetch(what: string, url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'manual' });
    } catch (err) {
      throw new ServiceUnavailable(
        what,
        (err as Error).name === 'TimeoutError' ? 'timed out' : 'unreachable',
      );
    }
  }

  private async call<T>(
    what: string,
    method: 'GET' | 'POST',
    path: string,
    options: { json?: unknown; auth?: boolean; headers?: Record<string, string> } = {},
  ): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.auth !== false) headers.authorization = `Bearer ${await this.accessToken()}`;
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    const res = await this.fetch(what, `${this.settings.apiBaseUrl}${path}`, {
      method,
      headers,
      ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
    });
    const body = (await res.json().catch(() => undefined)) as T;
    if (res.status >= 500) throw new ServiceUnavailable(what, `HTTP ${res.status}`);
    return { status: res.status, body };
  }

  /** The white paper's verify call (no authentication): 200 positive, 404 negative. */
  verify(request: unknown) {
    return this.call('verify', 'POST', '/api/verify', { json: request, auth: false });
  }

  providers(query: Record<string, string>) {
    return this.call<unknown[]>('catalogue', 'GET', `/api/providers?${new URLSearchParams(query)}`);
  }

  startIdentification(request: unknown, idempotencyKey: string) {
    return this.call<{ refId?: string; targetURL?: string; errors?: { field: string; message: string }[] }>(
      'start',
      'POST',
      '/api/identifications',
      { json: request, headers: { 'idempotency-key': idempotencyKey } },
    );
  }

  status(refId: string) {
    return this.call<{
      statuses?: { status: string; date: string; reason: string | null; kind: string | null }[];
      distinguishedName?: unknown;
    }>('status', 'GET', `/api/identifications/${encodeURIComponent(refId)}`);
  }
}
