/**
 * The start call's request read without zod (core/parse.ts TwoStepRule, docs/decisions/0020): the
 * body of POST /api/identifications and its Idempotency-Key header. The start function is the one
 * every identification begins with, and zod with this request's schema (13 fields, email, URL and
 * date formats, person names) was the largest part of its import above its floor; a body that is
 * well-formed, as nearly every one is, is read here with the schema's own rules, and only any other
 * body loads the schema (identification-request-schema.ts), which refuses it with its field errors.
 * The schema stays the one definition (identification-schemas.ts, also the OpenAPI document);
 * test/unit/two-step-rules.test.ts holds these readers to it.
 */
import { JURISDICTIONS, LANGUAGES, METHOD_NAME, matchesSafeText } from './domain.js';
import { isIssuerName, isPersonName, isSafeText } from './field-guards.js';
import { isOneOf } from './guards.js';
import type { StartIdentificationRequest } from './identification-schemas.js';
import { isHttpsOrLoopbackHttp, isLoopbackHttp, LOOPBACK_HTTP_REFUSED_IN_PRODUCTION } from './loopback.js';
import { E164, EMAIL, EMAIL_MAX, isPastDate } from './person-patterns.js';
import { fitsLength } from './text-length.js';

export type { StartIdentificationRequest };

/** Idempotency keys: printable ASCII, bounded (as Stripe and the IETF draft do). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The Idempotency-Key header as IdempotencyHeader returns it: absent, or a key of the pattern;
 * undefined for anything else (a key the schema refuses, another field it would strip).
 */
export function wellFormedIdempotencyHeader(
  header: Readonly<Record<string, unknown>>,
): { 'Idempotency-Key'?: string | undefined } | undefined {
  const names = Object.keys(header);
  if (names.length === 0) return {};
  const key = header['Idempotency-Key'];
  if (names.length > 1 || names[0] !== 'Idempotency-Key') return undefined;
  if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) return undefined;
  return { 'Idempotency-Key': key };
}

/** The longest SP state, in code points (as zod counts). */
export const STATE_MAX = 512;
/** The longest redirect URL (what browsers and proxies carry safely). */
export const REDIRECT_URL_MAX = 2048;
const REDIRECT_URL_HTTPS = 'Must use https (http is allowed for localhost, 127.0.0.1 or [::1] only).';
const REDIRECT_URL_CREDENTIALS = 'Must not contain a user name or password.';

/**
 * Why the SP's redirect URL, parsed, is refused, or undefined when it is not: https, or http to
 * the loopback interface (the local stack and tests; loopback.ts, judged by the parsed host name),
 * and no user name or password, which an SP page never needs and which hide the real host from a
 * reader. The schema's refine and the reader.
 */
export function redirectUrlProblem(url: URL): string | undefined {
  if (!isHttpsOrLoopbackHttp(url)) return REDIRECT_URL_HTTPS;
  return url.username || url.password ? REDIRECT_URL_CREDENTIALS : undefined;
}

/**
 * Why a redirect URL the request's rules accept is refused in a stage that allows no loopback http
 * (production, loopback.ts allowsLoopbackHttp), or undefined when it is not. The request's rules
 * (the schema, the reader, the OpenAPI document) are every stage's; this is the stage's on top.
 */
export function redirectUrlStageProblem(
  redirectUrl: string | undefined,
  allowLoopbackHttp: boolean,
): string | undefined {
  if (allowLoopbackHttp || redirectUrl === undefined) return undefined;
  const url = URL.parse(redirectUrl);
  return url !== null && isLoopbackHttp(url) ? LOOPBACK_HTTP_REFUSED_IN_PRODUCTION : undefined;
}

/**
 * The redirect URL, as z.url({ protocol: /^https?$/ }) with the schema's length, free-text and
 * redirect rules checks it: `http(s)://` at the start, no control or format character, parsed by
 * `URL`, and no problem by redirectUrlProblem (which also holds the parsed protocol to http or https). Only a value z.url returns unchanged is read
 * here (zod trims it and deletes tabs and line breaks first).
 */
function isRedirectUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value !== value.trim() || /[\t\n\r]/.test(value)) return false;
  if (!fitsLength(value, REDIRECT_URL_MAX) || !/^https?:\/\//i.test(value)) return false;
  if (!matchesSafeText(value)) return false;
  const url = URL.parse(value);
  return url !== null && redirectUrlProblem(url) === undefined;
}

/**
 * The body when it is certainly what StartIdentificationRequest accepts — the six fields of the
 * paper by their rules; issuer and method both or neither; the optional jurisdiction, assurance
 * level, redirect URL and state by theirs; no other field — as the schema returns it (its fields in
 * the schema's order); undefined for anything else, which the schema then judges.
 */
export function wellFormedStartRequest(
  body: Readonly<Record<string, unknown>>,
): StartIdentificationRequest | undefined {
  const {
    dob,
    email,
    firstName,
    language,
    lastName,
    mobile,
    issuer,
    method,
    jurisdiction,
    assuranceLevel,
    redirectUrl,
    state,
    ...others
  } = body;
  // A JSON body has no undefined values; an object with one is the schema's to judge.
  if (Object.keys(others).length || Object.values(body).includes(undefined)) return undefined;
  if (!isPastDate(dob)) return undefined;
  if (typeof email !== 'string' || !fitsLength(email, EMAIL_MAX) || !EMAIL.test(email)) return undefined;
  if (!isPersonName(firstName) || !isPersonName(lastName)) return undefined;
  if (!isOneOf(LANGUAGES, language)) return undefined;
  if (typeof mobile !== 'string' || !E164.test(mobile)) return undefined;
  const request: StartIdentificationRequest = { dob, email, firstName, language, lastName, mobile };
  // Both or neither: the superRefine's pairing.
  if (issuer !== undefined || method !== undefined) {
    if (!isIssuerName(issuer)) return undefined;
    if (typeof method !== 'string' || !METHOD_NAME.test(method)) return undefined;
    request.issuer = issuer;
    request.method = method;
  }
  if (jurisdiction !== undefined) {
    if (!isOneOf(JURISDICTIONS, jurisdiction)) return undefined;
    request.jurisdiction = jurisdiction;
  }
  if (assuranceLevel !== undefined) {
    if (assuranceLevel !== 3 && assuranceLevel !== 4) return undefined;
    request.assuranceLevel = assuranceLevel;
  }
  if (redirectUrl !== undefined) {
    if (!isRedirectUrl(redirectUrl)) return undefined;
    request.redirectUrl = redirectUrl;
  }
  if (state !== undefined) {
    if (!isSafeText(state, STATE_MAX)) return undefined;
    request.state = state;
  }
  return request;
}
