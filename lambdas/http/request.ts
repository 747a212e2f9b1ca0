/** Reading the parts of a request: body, query, path, the caller's identity. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { requiredPublicBaseUrl } from '../adapters/env.js';
import { repeatedMember } from '../core/json-members.js';
import { parseOrThrow, parseTwoStepOrThrow, type SelfRefusingRule, type TwoStepRule } from '../core/parse.js';
import { problems } from '../core/problems.js';
import type * as z from '../core/zod.js';

/** Case-insensitive header lookup (API Gateway keeps the client's spelling). */
export function headerOf(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const headers = event.headers ?? {};
  const wanted = name.toLowerCase();
  // Most clients send lower-case names (HTTP/2 must): found without scanning.
  const exact = headers[wanted];
  if (exact !== undefined) return exact;
  // Only a name of the same length can match: the others are not lower-cased to find out.
  for (const k in headers)
    if (k.length === wanted.length && k.toLowerCase() === wanted) return headers[k] ?? undefined;
  return undefined;
}

/**
 * A header the request must carry at most once, by the lines API Gateway hands on in
 * `multiValueHeaders` (`headers` holds one of them): given twice it is an error rather than a guess.
 */
export function singleHeaderOf(
  event: Pick<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders'>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  const lines = event.multiValueHeaders ?? {};
  let count = 0;
  for (const k in lines)
    if (k.length === wanted.length && k.toLowerCase() === wanted) count += lines[k]?.length ?? 0;
  if (count > 1) throw problems.validation([{ field: name, message: 'Given more than once.' }]);
  return headerOf(event, name);
}

/** The caller's well-formed `X-Correlation-Id`, else API Gateway's request id. */
export function correlationIdOf(event: APIGatewayProxyEvent): string {
  const fromHeader = headerOf(event, 'x-correlation-id');
  if (fromHeader && /^[\w.-]{1,128}$/.test(fromHeader)) return fromHeader;
  return event.requestContext?.requestId ?? crypto.randomUUID();
}

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

/** What a route accepts as its body: the media types and the most bytes. */
export interface BodyRule {
  mediaType: RegExp;
  /** What a caller who sent another media type is told. */
  mediaTypeHint: string;
  maxBytes: number;
}

const JSON_MEDIA_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;
const FORM_MEDIA_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

export const jsonBodyRule = (maxBytes = DEFAULT_MAX_BODY_BYTES): BodyRule => ({
  mediaType: JSON_MEDIA_TYPE,
  mediaTypeHint: 'Send the body as application/json.',
  maxBytes,
});

export const formBodyRule = (maxBytes: number): BodyRule => ({
  mediaType: FORM_MEDIA_TYPE,
  mediaTypeHint: 'Submit the form as application/x-www-form-urlencoded.',
  maxBytes,
});

/**
 * The one reader of request bodies: the media type first (400 if given twice, else 415), then the
 * size (413), then the text, whether API Gateway passed it as is or base64-encoded.
 */
export function readBody(
  event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded' | 'headers' | 'multiValueHeaders'>,
  rule: BodyRule,
): string {
  // Given twice, the media type is a guess that differs by runtime (API Gateway hands the function
  // the last line, the local server the first): refused, as a repeated Idempotency-Key is.
  if (!rule.mediaType.test(singleHeaderOf(event, 'Content-Type') ?? '')) {
    throw problems.unsupportedMediaType(rule.mediaTypeHint);
  }
  // API Gateway passes a compressed body on as it came (no request decompression is enabled): say
  // so, rather than answer that the bytes are not JSON (RFC 9110 §15.5.16).
  const encoding = headerOf(event, 'content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    throw problems.unsupportedMediaType('Send the body uncompressed: Content-Encoding is not supported.');
  }
  const text = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  if (Buffer.byteLength(text, 'utf8') > rule.maxBytes) throw problems.payloadTooLarge(rule.maxBytes);
  return text;
}

/** A media type's `charset` parameter, lower case and unquoted, or undefined without one. */
const charsetOf = (contentType: string): string | undefined =>
  /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType)?.[1]?.toLowerCase();

/**
 * The body as a JSON object: wrong media type, oversize, malformed JSON and other JSON values are 4xx.
 * JSON is UTF-8 (RFC 8259 §8.1). A client that declares another charset is told so (415); one that
 * sends Latin-1 undeclared reaches the function with each byte that is not UTF-8 already turned into
 * U+FFFD by the gateway, which, written raw in the text, is therefore refused (400) — rather than
 * read as a name nobody has (verify's negative) or stored in place of the letters. A U+FFFD the
 * client means is written as the escape \ufffd, which JSON encoders that escape non-ASCII do.
 */
function jsonObjectBody(event: APIGatewayProxyEvent, maxBytes: number): Record<string, unknown> {
  const read = readBody(event, jsonBodyRule(maxBytes));
  // A leading byte order mark is UTF-8's signature, which RFC 8259 §8.1 lets a reader ignore (what
  // Windows PowerShell 5.1 writes with -Encoding UTF8): JSON.parse would call the body malformed.
  const raw = read.charCodeAt(0) === 0xfeff ? read.slice(1) : read;
  const charset = charsetOf(singleHeaderOf(event, 'Content-Type') ?? '');
  // US-ASCII is UTF-8's first 128 code points: a body of it is UTF-8 (one with other bytes is caught below).
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') {
    throw problems.unsupportedMediaType(
      'Send the body as application/json in UTF-8 (charset=utf-8, or none).',
    );
  }
  if (raw.includes('\uFFFD')) {
    throw problems.malformedJson('The request body is not UTF-8 text: send JSON in UTF-8 (RFC 8259).');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw problems.malformedJson();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw problems.validation([{ field: '(body)', message: 'Must be a JSON object.' }]);
  }
  // JSON.parse keeps a repeated member's last value, other readers of the same text (a WAF, the
  // SP's proxy) its first: refused, as a repeated query parameter or header is, rather than guessed.
  const repeated = repeatedMember(raw);
  if (repeated) {
    const field = [...repeated.path, repeated.name].join('.');
    throw problems.validation([{ field, message: 'Given more than once.' }]);
  }
  return parsed as Record<string, unknown>;
}

/** The body as JSON, validated: wrong media type, oversize, malformed JSON and bad fields are 4xx. */
export function jsonBody<S extends z.ZodMiniType>(
  event: APIGatewayProxyEvent,
  schema: S,
  maxBytes = DEFAULT_MAX_BODY_BYTES,
): z.output<S> {
  return parseOrThrow(schema, jsonObjectBody(event, maxBytes));
}

/** The JSON body through a two-step rule: zod and the schema are loaded only for a body it leaves. */
export function jsonBodyTwoStep<T>(
  event: APIGatewayProxyEvent,
  rule: TwoStepRule<T>,
  maxBytes = DEFAULT_MAX_BODY_BYTES,
): Promise<T> {
  return parseTwoStepOrThrow(rule, jsonObjectBody(event, maxBytes));
}

/**
 * For a POST that takes no body (the terms SMS again, a webhook's rotation, test or redelivery): a
 * body with fields is refused, each named, as any call refuses a field it does not know — an SP that
 * sends `{"mobile":…}` with its resend must not read a 202 as the number changed. No body, white
 * space, `{}` or `null` (what some clients send for "nothing": .NET's PostAsJsonAsync of a null) is
 * taken, whatever its media type says.
 */
export function refuseBody(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): void {
  const text = (
    event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '')
  ).trim();
  if (text === '' || text === 'null') return;
  let parsed: unknown;
  try {
    parsed = text.startsWith('{') && text.length <= DEFAULT_MAX_BODY_BYTES ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw problems.validation([{ field: '(body)', message: 'This call takes no body.' }]);
  }
  const fields = Object.keys(parsed);
  if (fields.length) throw problems.validation(fields.map((field) => ({ field, message: 'Unknown field.' })));
}

/** An HTML form's fields (`application/x-www-form-urlencoded`), through the same reader. */
export function formBody(event: APIGatewayProxyEvent, maxBytes: number): URLSearchParams {
  return new URLSearchParams(readBody(event, formBodyRule(maxBytes)));
}

/** The named fields of a form, each at most once: a field given twice is reported, not guessed. */
export function singleFormFields<N extends string>(
  form: URLSearchParams,
  names: readonly N[],
): { values: Partial<Record<N, string>>; repeated: N[] } {
  const values: Partial<Record<N, string>> = {};
  const repeated: N[] = [];
  for (const name of names) {
    const all = form.getAll(name);
    if (all.length > 1) repeated.push(name);
    if (all[0] !== undefined) values[name] = all[0];
  }
  return { values, repeated };
}

/**
 * Whether a browser says the request was sent by another site: `Sec-Fetch-Site` other than
 * same-origin/none, or an `Origin` that is not this service. `Origin: null` is what a browser sends
 * for a form posted from a page with `Referrer-Policy: no-referrer`, so it alone is not foreign.
 * Defence in depth for state-changing forms; clients that send neither header are not refused.
 */
export function isCrossSite(event: APIGatewayProxyEvent): boolean {
  const site = headerOf(event, 'sec-fetch-site')?.toLowerCase();
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = headerOf(event, 'origin');
  if (origin === undefined || origin === 'null') return false;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return true;
  }
  return host !== headerOf(event, 'host') && host !== new URL(requiredPublicBaseUrl()).host;
}

/** The query parameters, each given once: a parameter given twice is an error rather than a guess. */
function singleQueryParams(event: APIGatewayProxyEvent): Record<string, string | undefined> {
  const multi = event.multiValueQueryStringParameters ?? {};
  const repeated = Object.entries(multi)
    .filter(([, v]) => (v?.length ?? 0) > 1)
    .map(([k]) => ({ field: k, message: 'Given more than once.' }));
  if (repeated.length) throw problems.validation(repeated);
  return { ...(event.queryStringParameters ?? {}) };
}

/** Query parameters, validated; a parameter given twice is an error rather than a guess. */
export function queryParams<S extends z.ZodMiniType>(event: APIGatewayProxyEvent, schema: S): z.output<S> {
  return parseOrThrow(schema, singleQueryParams(event));
}

/**
 * Query parameters through a two-step rule: zod and the schema are loaded only for a query it
 * leaves, and never for a self-refusing rule (usage-get's).
 */
export function queryParamsTwoStep<T>(
  event: APIGatewayProxyEvent,
  rule: TwoStepRule<T> | SelfRefusingRule<T>,
): Promise<T> {
  return parseTwoStepOrThrow(rule, singleQueryParams(event));
}

export function pathParams<S extends z.ZodMiniType>(event: APIGatewayProxyEvent, schema: S): z.output<S> {
  return parseOrThrow(schema, { ...(event.pathParameters ?? {}) });
}

/**
 * Path parameters through a two-step rule: zod and the schema are loaded only for parameters it
 * leaves, and never for a self-refusing rule (`{refId}`: http/ref-id-path.ts).
 */
export function pathParamsTwoStep<T>(
  event: APIGatewayProxyEvent,
  rule: TwoStepRule<T> | SelfRefusingRule<T>,
): Promise<T> {
  return parseTwoStepOrThrow(rule, { ...(event.pathParameters ?? {}) });
}

/**
 * The calling SP's OAuth client id, from the claims API Gateway's authorizer passed on after it
 * checked the token and the route's scopes. Absent claims mean a misconfigured route: refuse.
 */
export function callerClientId(event: APIGatewayProxyEvent): string {
  const claims = event.requestContext?.authorizer?.claims as Record<string, string> | undefined;
  const clientId = claims?.client_id;
  if (!clientId) throw problems.unauthorized();
  return clientId;
}

/** Media type negotiation for JSON answers: `*\/*`, `application/json` or one of the vendor types. */
export function negotiateJson(event: APIGatewayProxyEvent, vendorTypes: string[]): string {
  const accept = headerOf(event, 'accept');
  if (!accept) return vendorTypes[0] ?? 'application/json';
  const offered = [...vendorTypes, 'application/json'];
  const ranges = accept
    .split(',')
    .map((part) => {
      const [range = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { range: range.trim().toLowerCase(), q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { range } of ranges) {
    if (range === '*/*' || range === 'application/*') return offered[0] as string;
    const hit = offered.find((o) => o === range);
    if (hit) return hit;
  }
  throw problems.notAcceptable(`Acceptable media types: ${offered.join(', ')}.`);
}
