/**
 * The generic HTTP adapter's decisions, pure: its settings as it reads them for each order
 * (`readHttpAdapterSettings`), the order request it sends (our fields under the partner's names),
 * how it reads the partner's answer (JSON pointers), and when and how long it waits before a retry.
 * The settings' schema, which validates them with the configuration, is apart, in
 * isp-http-settings.ts; the adapter reads them without zod, so that the functions that open orders
 * (the method choice, the start call) carry none for it (docs/benchmarks.md §3). The adapter (`adapters/isp/http-adapter.ts`) does the I/O.
 */
import { ENV_VARIABLE_NAME } from './env-name.js';
import { isNonArrayObject } from './guards.js';
import type { HttpAdapterSettings } from './isp-http-settings.js';
import { isHttpsOrLoopbackHttp, isLoopbackHttp } from './loopback.js';

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

/** https, or http to the loopback interface only (the local stack and tests; loopback.ts), no credentials. */
export function isAllowedPartnerUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return !url.username && !url.password && isHttpsOrLoopbackHttp(url);
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

/**
 * The first two of our fields whose paths collide in the partner's request body — one name for
 * both, or one inside the other (`person` and `person.name`), where orderRequestBody would write
 * one over the other — in ORDER_FIELDS order; undefined when none do. The settings' schema names
 * them in its error, the adapter's reader refuses such settings.
 */
export function collidingFieldPaths(
  s: Pick<HttpAdapterSettings, 'requestFields'>,
): [string, string] | undefined {
  const paths = ORDER_FIELDS.map((f) => fieldPathOf(s, f)).filter((p): p is string => p !== null);
  for (const [i, p] of paths.entries()) {
    const clash = paths.find((q, j) => j !== i && (q === p || q.startsWith(`${p}.`)));
    // An empty name (which FIELD_PATH refuses on its own) collides with nothing.
    if (clash) return [p, clash];
  }
  return undefined;
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

/**
 * Reads the partner's order id and redirect URL from its answer; says what is wrong otherwise. A
 * redirect URL of plain http to the loopback interface only where the stage allows it (loopback.ts).
 */
export function readOrderAnswer(
  s: Pick<HttpAdapterSettings, 'response'>,
  body: unknown,
  allowLoopbackHttp: boolean,
): OrderAnswer {
  const id = resolvePointer(body, s.response.orderId);
  const url = resolvePointer(body, s.response.redirectUrl);
  const ispOrderId = typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : id;
  if (typeof ispOrderId !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(ispOrderId)) {
    return { ok: false, reason: `no order id (1 to 200 printable characters) at ${s.response.orderId}` };
  }
  if (
    typeof url !== 'string' ||
    url.length > 2000 ||
    !isAllowedPartnerUrl(url) ||
    (!allowLoopbackHttp && isLoopbackHttp(new URL(url)))
  ) {
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

type Settings = HttpAdapterSettings;
type Fields = Readonly<Record<string, unknown>>;

const hasOnly = (v: Fields, names: readonly string[]) => Object.keys(v).every((k) => names.includes(k));
/** A whole number in [min, max], as `z.number().check(z.int(), z.minimum(min), z.maximum(max))` takes it. */
const isWholeIn = (v: unknown, min: number, max: number): v is number =>
  Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
const isEnvName = (v: unknown): v is string => typeof v === 'string' && ENV_VARIABLE_NAME.test(v);
/**
 * A field name in the partner's request body; dots make nested objects (at most 5 levels). No
 * segment may be `__proto__`, `constructor` or `prototype`: the body is built by assigning along the
 * path, and such a segment would write the person's data onto Object.prototype of the container.
 */
export const FIELD_PATH =
  /^(?!(?:__proto__|constructor|prototype)(?:\.|$))[A-Za-z_][\w-]{0,63}(\.(?!(?:__proto__|constructor|prototype)(?:\.|$))[A-Za-z_][\w-]{0,63}){0,4}$/;
/** An RFC 6901 JSON pointer into the partner's answer. */
export const JSON_POINTER = /^(\/([^~/]|~[01])*)+$/;
/** The name the order token is appended to the partner's redirect URL under. */
export const TOKEN_PARAMETER = /^[A-Za-z_][\w-]{0,63}$/;
const SETTINGS_KEYS = [
  'ordersUrl',
  'auth',
  'timeoutMs',
  'retries',
  'retryBaseDelayMs',
  'maxRetryAfterMs',
  'requestFields',
  'response',
  'redirectTokenParameter',
] as const;

/**
 * The adapter's number settings: whole numbers in [min, max], `fallback` when absent — the bounds
 * and defaults the settings' schema (isp-http-settings.ts) and readHttpAdapterSettings both read.
 */
export const NUMBER_SETTINGS = {
  /** Per attempt. */
  timeoutMs: { min: 100, max: 10_000, fallback: 5000 },
  /** Further attempts after a network error, a timeout, a 5xx or a 429. */
  retries: { min: 0, max: 5, fallback: 2 },
  /** The first backoff; each further one doubles, with jitter. */
  retryBaseDelayMs: { min: 0, max: 5000, fallback: 200 },
  /** A partner's Retry-After is honoured up to this; a longer one ends the retries. */
  maxRetryAfterMs: { min: 0, max: 10_000, fallback: 2000 },
} as const;
export type NumberSetting = keyof typeof NUMBER_SETTINGS;

/** A whole number within a number setting's bounds. */
export const isWithinBounds = (name: NumberSetting, v: unknown): v is number =>
  isWholeIn(v, NUMBER_SETTINGS[name].min, NUMBER_SETTINGS[name].max);

/** A number setting: its default when absent, undefined when present but out of its bounds. */
function wholeOr(fields: Fields, name: NumberSetting): number | undefined {
  if (!Object.hasOwn(fields, name)) return NUMBER_SETTINGS[name].fallback;
  const value = fields[name];
  return isWithinBounds(name, value) ? value : undefined;
}

function authOf(v: unknown): Settings['auth'] | undefined {
  if (!isNonArrayObject(v)) return undefined;
  if (v.type === 'bearer' && hasOnly(v, ['type', 'tokenEnv']) && isEnvName(v.tokenEnv))
    return { type: 'bearer', tokenEnv: v.tokenEnv };
  if (
    v.type === 'basic' &&
    hasOnly(v, ['type', 'usernameEnv', 'passwordEnv']) &&
    isEnvName(v.usernameEnv) &&
    isEnvName(v.passwordEnv)
  )
    return { type: 'basic', usernameEnv: v.usernameEnv, passwordEnv: v.passwordEnv };
  return undefined;
}

function requestFieldsOf(v: unknown): Settings['requestFields'] | undefined {
  if (v === undefined) return {};
  if (!isNonArrayObject(v) || !hasOnly(v, ORDER_FIELDS)) return undefined;
  const fields: Record<string, string | null> = {};
  for (const field of ORDER_FIELDS) {
    if (!Object.hasOwn(v, field)) continue;
    const name = v[field];
    if (name !== null && !(typeof name === 'string' && FIELD_PATH.test(name))) return undefined;
    fields[field] = name;
  }
  return fields;
}

function responseOf(v: unknown): Settings['response'] | undefined {
  if (v === undefined) return { orderId: '/orderId', redirectUrl: '/redirectUrl' };
  if (!isNonArrayObject(v) || !hasOnly(v, ['orderId', 'redirectUrl'])) return undefined;
  const { orderId = '/orderId', redirectUrl = '/redirectUrl' } = v;
  if (typeof orderId !== 'string' || !JSON_POINTER.test(orderId)) return undefined;
  if (typeof redirectUrl !== 'string' || !JSON_POINTER.test(redirectUrl)) return undefined;
  return { orderId, redirectUrl };
}

/**
 * A partner's `http` adapter settings as HttpAdapterSettings (isp-http-settings.ts) returns them —
 * the defaults filled in — or undefined where the schema refuses them: the same rules, and the
 * same checks across fields (no two of our fields under one name or inside another, the attempts'
 * worst case within MAX_PARTNER_BUDGET_MS). test/unit/isp-http.test.ts holds it to the schema
 * exactly. The adapter reads the settings of each order it opens with it; the configuration is
 * validated with the schema, which names what is wrong.
 */
export function readHttpAdapterSettings(value: unknown): Settings | undefined {
  if (!isNonArrayObject(value) || !hasOnly(value, SETTINGS_KEYS)) return undefined;
  // A setting present as undefined (which no stored configuration has) is left unread.
  if (Object.values(value).includes(undefined)) return undefined;
  const { ordersUrl } = value;
  if (typeof ordersUrl !== 'string' || !isAllowedPartnerUrl(ordersUrl)) return undefined;
  const auth = authOf(value.auth);
  const timeoutMs = wholeOr(value, 'timeoutMs');
  const retries = wholeOr(value, 'retries');
  const retryBaseDelayMs = wholeOr(value, 'retryBaseDelayMs');
  const maxRetryAfterMs = wholeOr(value, 'maxRetryAfterMs');
  const requestFields = requestFieldsOf(value.requestFields);
  const response = responseOf(value.response);
  const { redirectTokenParameter = 'token' } = value;
  if (
    !auth ||
    timeoutMs === undefined ||
    retries === undefined ||
    retryBaseDelayMs === undefined ||
    maxRetryAfterMs === undefined ||
    !requestFields ||
    !response
  )
    return undefined;
  if (
    redirectTokenParameter !== null &&
    !(typeof redirectTokenParameter === 'string' && TOKEN_PARAMETER.test(redirectTokenParameter))
  )
    return undefined;
  const settings: Settings = {
    ordersUrl,
    auth,
    timeoutMs,
    retries,
    retryBaseDelayMs,
    maxRetryAfterMs,
    requestFields,
    response,
    redirectTokenParameter,
  };
  if (collidingFieldPaths(settings)) return undefined;
  return worstCaseMs(settings) > MAX_PARTNER_BUDGET_MS ? undefined : settings;
}
