/**
 * The generic HTTP adapter's decisions, pure: the order request it sends (our fields under the
 * partner's names), how it reads the partner's answer (JSON pointers), and when and how long it
 * waits before a retry. Its settings' schema (validated with the configuration) is apart, in
 * isp-http-settings.ts, so that a function carrying the adapter loads no zod for it at import:
 * the adapter loads the schema by `import()` when it opens an order. The adapter
 * (`adapters/isp/http-adapter.ts`) does the I/O.
 */
import type { HttpAdapterSettings } from './isp-http-settings.js';

export type { HttpAdapterSettings };

/** Everything the adapter can send to a partner; each goes under a configurable name. */
export const ORDER_FIELDS = [
  'refId',
  'firstName',
  'lastName',
  'dob',
  'email',
  'mobile',
  'language',
  'method',
  'loa',
  'jurisdictions',
  'expiresAt',
  'orderToken',
  'callbackUrl',
] as const;
export type OrderField = (typeof ORDER_FIELDS)[number];
export type OrderValues = Record<OrderField, unknown>;

/**
 * The longest a start call may spend on the partner (all attempts, timeouts and waits), below
 * API Gateway's 29 s integration timeout so that the SP gets our 503, not the gateway's 504.
 */
export const MAX_PARTNER_BUDGET_MS = 25_000;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https, or http to the loopback interface only (the local stack and tests). */
export function isAllowedPartnerUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

/** The environment variables the settings name for the partner's secrets. */
export function secretVariablesOf(s: Pick<HttpAdapterSettings, 'auth'>): string[] {
  return s.auth.type === 'bearer' ? [s.auth.tokenEnv] : [s.auth.usernameEnv, s.auth.passwordEnv];
}

/** The longest all attempts and waits can take. */
export function worstCaseMs(
  s: Pick<HttpAdapterSettings, 'timeoutMs' | 'retries' | 'retryBaseDelayMs' | 'maxRetryAfterMs'>,
): number {
  let total = (s.retries + 1) * s.timeoutMs;
  for (let i = 0; i < s.retries; i++) total += Math.max(s.retryBaseDelayMs * 2 ** i, s.maxRetryAfterMs);
  return total;
}

export function fieldPathOf(s: Pick<HttpAdapterSettings, 'requestFields'>, field: OrderField): string | null {
  const name = s.requestFields[field];
  return name === undefined ? field : name;
}

/** The partner's request body: each of our values under the partner's (possibly nested) name. */
export function orderRequestBody(
  s: Pick<HttpAdapterSettings, 'requestFields'>,
  values: OrderValues,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of ORDER_FIELDS) {
    const path = fieldPathOf(s, field);
    if (path === null) continue;
    const names = path.split('.');
    let target = body;
    for (const name of names.slice(0, -1)) {
      target[name] ??= {};
      target = target[name] as Record<string, unknown>;
    }
    target[names[names.length - 1] as string] = values[field];
  }
  return body;
}

/** RFC 6901: the value at `pointer` in `doc`, or undefined. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let current: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (current !== null && typeof current === 'object' && Object.hasOwn(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return current;
}

export type OrderAnswer =
  | { ok: true; ispOrderId: string; redirectUrl: string }
  | { ok: false; reason: string };

/** Reads the partner's order id and redirect URL from its answer; says what is wrong otherwise. */
export function readOrderAnswer(s: Pick<HttpAdapterSettings, 'response'>, body: unknown): OrderAnswer {
  const id = resolvePointer(body, s.response.orderId);
  const url = resolvePointer(body, s.response.redirectUrl);
  const ispOrderId = typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : id;
  if (typeof ispOrderId !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(ispOrderId)) {
    return { ok: false, reason: `no order id (1 to 200 printable characters) at ${s.response.orderId}` };
  }
  if (typeof url !== 'string' || url.length > 2000 || !isAllowedPartnerUrl(url)) {
    return { ok: false, reason: `no https redirect URL at ${s.response.redirectUrl}` };
  }
  return { ok: true, ispOrderId, redirectUrl: url };
}

/** The partner's redirect URL with the order token added as a query parameter (or unchanged). */
export function targetUrlWithToken(
  redirectUrl: string,
  parameter: string | null,
  orderToken: string,
): string {
  if (parameter === null) return redirectUrl;
  const url = new URL(redirectUrl);
  url.searchParams.set(parameter, orderToken);
  return url.toString();
}

/** Whether an HTTP status is worth another attempt. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Exponential backoff with jitter: base·2^n scaled by a random factor in [0.5, 1). */
export function backoffMs(retry: number, baseMs: number, random: number): number {
  return Math.round(baseMs * 2 ** retry * (0.5 + random / 2));
}

/** RFC 9110 Retry-After (delay-seconds or an HTTP-date) in milliseconds from `now`. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
