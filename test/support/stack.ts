/**
 * The one shared setup for tests against the embedded stack: start it on a free port, get tokens,
 * call the API, wait for conditions (never for fixed times).
 */
import { afterAll, beforeAll } from 'vitest';
import { oauthClientsOf } from '../../lambdas/core/service-config.js';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/stack.js';
import { paperStartBody } from './white-paper.js';

export type { LocalStack };

export async function startStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  return startLocalStack({
    port: 0,
    logLevel: (process.env.TEST_LOG_LEVEL as 'ERROR' | undefined) ?? 'SILENT',
    // No background Time to Live sweeps: a test that needs expiry sweeps at the time it chooses.
    timeToLiveSweepSeconds: 0,
    ...options,
  });
}

/**
 * One embedded stack for the test file (or the describe block) that calls this: started in a
 * beforeAll, closed in an afterAll. Returns an accessor: `stack()` is the running stack. Hooks run
 * in the order they are registered and afterAll ones in reverse (vitest's `sequence.hooks:
 * 'stack'`), so a beforeAll registered after this call already finds the stack running, and an
 * afterAll registered after it runs while the stack still does. `options` may be a function (async
 * too), for options prepared just before the start: a data folder, a configuration with a fake
 * partner's URL or a generated key.
 */
export function useStack(
  options: LocalStackOptions | (() => LocalStackOptions | Promise<LocalStackOptions>) = {},
): () => LocalStack {
  let running: LocalStack | undefined;
  beforeAll(async () => {
    running = await startStack(typeof options === 'function' ? await options() : options);
  });
  afterAll(async () => {
    await running?.close();
    running = undefined;
  });
  return () => {
    if (!running)
      throw new Error('No stack is running: useStack() starts it before the tests and closes it after');
    return running;
  };
}

export async function tokenFor(stack: LocalStack, clientId = 'demo-portal', scope?: string): Promise<string> {
  // An SP's client or an identification partner's backend.
  const client = oauthClientsOf(stack.config).find((c) => c.clientId === clientId);
  if (!client?.clientSecret) throw new Error(`No local client ${clientId}`);
  const body = new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) });
  const res = await fetch(`${stack.baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${client.clientSecret}`).toString('base64')}`,
    },
    body,
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function call<T = unknown>(
  stack: Pick<LocalStack, 'baseUrl'>,
  method: string,
  path: string,
  options: { token?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${stack.baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let parsed: unknown = text;
  if (/json/.test(res.headers.get('content-type') ?? '')) parsed = text ? JSON.parse(text) : null;
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** Polls a condition until it holds or the deadline passes (then fails with the last value). */
export async function waitFor<T>(
  probe: () => Promise<T>,
  until: (value: T) => boolean,
  { timeoutMs = 10_000, intervalMs = 20 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!until(last)) {
    if (Date.now() > deadline)
      throw new Error(`Condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
    last = await probe();
  }
  return last;
}

/** Starts an identification as an SP (the paper's body, with overrides); fails unless it is a 201. */
export async function startOrder(
  stack: Pick<LocalStack, 'baseUrl'>,
  token: string,
  overrides: Record<string, unknown> = {},
): Promise<{ refId: string; targetURL: string; expiresAt: string }> {
  const res = await call<{ refId: string; targetURL: string; expiresAt: string }>(
    stack,
    'POST',
    '/api/identifications',
    { token, json: paperStartBody(overrides) },
  );
  if (res.status !== 201) throw new Error(`start failed: ${res.status} ${res.text}`);
  return res.body;
}

/** A status of an identification as `GET /api/identifications/{refId}` answers it. */
export interface StatusView {
  status: string;
  date: string;
  reason?: string | null;
  kind?: string | null;
}

/** The statuses `GET /api/identifications/{refId}` answers, as the SP holding `token` reads them. */
export async function statusesOf(
  stack: Pick<LocalStack, 'baseUrl'>,
  token: string,
  refId: string,
): Promise<StatusView[]> {
  return (await call<{ statuses: StatusView[] }>(stack, 'GET', `/api/identifications/${refId}`, { token }))
    .body.statuses;
}

export { paperStartBody };

/**
 * Waits until the paper's verify call is positive for this number (the registration is written a
 * moment after the acceptance) as Hans Müller, at LoA 3 under the demo portal's claimed identity.
 */
export function verifyEventuallyPositive(
  stack: LocalStack,
  mobile: string,
  distinguishedName = 'gn=Hans, sn=Müller, cn=Hans Müller, c=CH',
): Promise<ApiResponse> {
  return waitFor(
    () =>
      call(stack, 'POST', '/api/verify', {
        json: {
          msisdn: mobile.slice(1),
          claimedIdentity: 'test-client',
          assuranceLevel: 3,
          distinguishedName,
        },
      }),
    (r) => r.status === 200,
  );
}
