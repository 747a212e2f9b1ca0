/** Reading the parts of a request: body, query, path, the caller's identity. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { problems } from '../core/problems.js';
import { parseOrThrow } from '../core/schemas.js';
import type * as z from '../core/zod.js';
import { headerOf } from './handler.js';

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

/** The body as JSON, validated: wrong media type, oversize, malformed JSON and bad fields are 4xx. */
export function jsonBody<S extends z.ZodMiniType>(
  event: APIGatewayProxyEvent,
  schema: S,
  maxBytes = DEFAULT_MAX_BODY_BYTES,
): z.output<S> {
  const contentType = headerOf(event, 'content-type') ?? '';
  if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType)) {
    throw problems.unsupportedMediaType('Send the body as application/json.');
  }
  const raw = rawBody(event);
  if (Buffer.byteLength(raw, 'utf8') > maxBytes) throw problems.payloadTooLarge(maxBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw problems.malformedJson();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw problems.validation([{ field: '(body)', message: 'Must be a JSON object.' }]);
  }
  return parseOrThrow(schema, parsed);
}

/** The body as text, whether API Gateway passed it as is or base64-encoded. */
export function rawBody(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): string {
  return event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
}

/** Whether the body is an HTML form (`application/x-www-form-urlencoded`). */
export function isFormEncoded(event: APIGatewayProxyEvent): boolean {
  return /^application\/x-www-form-urlencoded\s*(;|$)/i.test(headerOf(event, 'content-type') ?? '');
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
  return host !== headerOf(event, 'host') && host !== new URL(publicBaseUrl(event)).host;
}

/** Query parameters, validated; a parameter given twice is an error rather than a guess. */
export function queryParams<S extends z.ZodMiniType>(event: APIGatewayProxyEvent, schema: S): z.output<S> {
  const multi = event.multiValueQueryStringParameters ?? {};
  const repeated = Object.entries(multi)
    .filter(([, v]) => (v?.length ?? 0) > 1)
    .map(([k]) => ({ field: k, message: 'Given more than once.' }));
  if (repeated.length) throw problems.validation(repeated);
  return parseOrThrow(schema, { ...(event.queryStringParameters ?? {}) });
}

export function pathParams<S extends z.ZodMiniType>(event: APIGatewayProxyEvent, schema: S): z.output<S> {
  return parseOrThrow(schema, { ...(event.pathParameters ?? {}) });
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

/** The address the request came from, as API Gateway saw it. */
export function publicBaseUrl(event: APIGatewayProxyEvent): string {
  if (process.env.PUBLIC_BASE_URL) return process.env.PUBLIC_BASE_URL.replace(/\/$/, '');
  const host = event.requestContext?.domainName ?? headerOf(event, 'host') ?? 'localhost';
  const proto = headerOf(event, 'x-forwarded-proto') ?? 'https';
  const stage = event.requestContext?.stage;
  const prefix = stage && stage !== '$default' && host.includes('.execute-api.') ? `/${stage}` : '';
  return `${proto}://${host}${prefix}`;
}
