/**
 * The generic HTTP adapter's decisions, pure: its settings (validated with the configuration),
 * the order request it sends (our fields under the partner's names), how it reads the partner's
 * answer (JSON pointers), and when and how long it waits before a retry. The adapter
 * (`adapters/isp/http-adapter.ts`) does the I/O.
 */
import { ENV_VARIABLE_NAME } from './env-name.js';
import * as z from './zod.js';

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

/** The adapter settings' schema, built by the first parse (see HttpAdapterSettings). */
function httpAdapterSettingsSchema() {
  const partnerUrl = z.string().check(
    z.refine(isAllowedPartnerUrl, {
      error: 'Must be an https URL without credentials (http only to 127.0.0.1 or localhost).',
    }),
  );
  /** The NAME of an environment variable holding a secret; secrets never appear in the configuration. */
  const envName = z
    .string()
    .check(z.regex(ENV_VARIABLE_NAME, { error: 'Must be an environment variable name (A-Z, 0-9, _).' }));
  /** A field name in the partner's request body; dots make nested objects (`person.givenName`). */
  const fieldPath = z.string().check(
    z.regex(/^[A-Za-z_][\w-]{0,63}(\.[A-Za-z_][\w-]{0,63}){0,4}$/, {
      error: 'Must be a field name, or dotted names for nested objects (at most 5 levels).',
    }),
  );
  /** RFC 6901 JSON pointer into the partner's answer. */
  const jsonPointer = z
    .string()
    .check(z.regex(/^(\/([^~/]|~[01])*)+$/, { error: 'Must be a JSON pointer, e.g. /id.' }));
  /** Our field under the partner's name; `null` leaves the field out; absent keeps our name. */
  const mapped = z.optional(z.nullable(fieldPath));

  return z
    .strictObject({
      /** Where orders are opened: `POST <ordersUrl>` with a JSON body. */
      ordersUrl: partnerUrl,
      auth: z.discriminatedUnion('type', [
        z.strictObject({ type: z.literal('bearer'), tokenEnv: envName }),
        z.strictObject({ type: z.literal('basic'), usernameEnv: envName, passwordEnv: envName }),
      ]),
      /** Per attempt. */
      timeoutMs: z._default(z.number().check(z.int(), z.minimum(100), z.maximum(10_000)), 5000),
      /** Further attempts after a network error, a timeout, a 5xx or a 429. */
      retries: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(5)), 2),
      /** The first backoff; each further one doubles, with jitter. */
      retryBaseDelayMs: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(5000)), 200),
      /** A partner's Retry-After is honoured up to this; a longer one ends the retries. */
      maxRetryAfterMs: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(10_000)), 2000),
      requestFields: z.prefault(
        z.strictObject({
          refId: mapped,
          firstName: mapped,
          lastName: mapped,
          dob: mapped,
          email: mapped,
          mobile: mapped,
          language: mapped,
          method: mapped,
          loa: mapped,
          jurisdictions: mapped,
          expiresAt: mapped,
          orderToken: mapped,
          callbackUrl: mapped,
        }),
        {},
      ),
      /** Where the partner's answer holds its order id and the URL to send the person to. */
      response: z.prefault(
        z.strictObject({
          orderId: z._default(jsonPointer, '/orderId'),
          redirectUrl: z._default(jsonPointer, '/redirectUrl'),
        }),
        {},
      ),
      /** The order token is appended to the partner's redirect URL under this name; null: not appended. */
      redirectTokenParameter: z._default(
        z.nullable(z.string().check(z.regex(/^[A-Za-z_][\w-]{0,63}$/))),
        'token',
      ),
    })
    .check(
      z.superRefine((s, ctx) => {
        const paths = ORDER_FIELDS.map((f) => fieldPathOf(s, f)).filter((p): p is string => p !== null);
        for (const [i, p] of paths.entries()) {
          const clash = paths.find((q, j) => j !== i && (q === p || q.startsWith(`${p}.`)));
          if (clash) {
            ctx.addIssue({
              code: 'custom',
              path: ['requestFields'],
              message: `Field names collide: ${p} and ${clash}.`,
            });
            return;
          }
        }
        // Only for a retry count that passed its own bound: the loop below is as long as it.
        const retriesInRange = Number.isInteger(s.retries) && s.retries >= 0 && s.retries <= 5;
        if (retriesInRange && worstCaseMs(s) > MAX_PARTNER_BUDGET_MS) {
          ctx.addIssue({
            code: 'custom',
            path: ['timeoutMs'],
            message: `timeoutMs, retries and the waits could take ${worstCaseMs(s)} ms; at most ${MAX_PARTNER_BUDGET_MS} ms fit in a start call.`,
          });
        }
      }),
    );
}

/**
 * A partner's settings on the `http` adapter, validated with the configuration and when an order is
 * opened. Built by the first parse (`z.lazy`), not at cold start: of the functions that carry the
 * adapter, isp-callback and identification-data never open an order, and the start and method-choice
 * functions parse these only for a partner on this adapter — its ~60 schemas and checks are built by
 * the first such order, once per process (docs/benchmarks.md §3).
 */
export const HttpAdapterSettings = /* @__PURE__ */ z.define(() => z.lazy(httpAdapterSettingsSchema));
export type HttpAdapterSettings = z.output<typeof HttpAdapterSettings>;

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

function fieldPathOf(s: Pick<HttpAdapterSettings, 'requestFields'>, field: OrderField): string | null {
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
