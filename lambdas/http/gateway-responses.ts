/**
 * The answers the API gateway gives itself, before any handler runs (no route, no or a bad token,
 * missing scope, throttled, blocked by the WAF, body too large, integration failure), as RFC 9457
 * `application/problem+json` bodies. Pure data, read by the CDK stack (API Gateway gateway
 * responses) and by the local gateway emulation, so both answer the same.
 *
 * Keys are API Gateway REST `responseType`s. Every type API Gateway knows is listed with its own
 * status, so the two fallbacks (`DEFAULT_4XX`, `DEFAULT_5XX`) only apply to types AWS may add later;
 * they keep API Gateway's status code (setting one there would change every other response's code).
 */

export const PROBLEM_TYPE_BASE = 'https://smart-registration.example/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The same HSTS value as the handlers' answers (read here by the CDK stack). */
export { STRICT_TRANSPORT_SECURITY } from './responses.js';

export interface GatewayProblem {
  status: number;
  /** Appended to PROBLEM_TYPE_BASE to form `type`; the same slugs as `lambdas/core/problems.ts`. */
  slug: string;
  title: string;
  detail: string;
  /** Extra response headers (static values). */
  headers?: Readonly<Record<string, string>>;
  /** A fallback type: API Gateway keeps its own status code for the response; `status` is the body's. */
  fallback?: boolean;
}

const unauthorized: GatewayProblem = {
  status: 401,
  slug: 'unauthorized',
  title: 'Unauthorized',
  detail: 'A valid bearer access token is required.',
  headers: { 'WWW-Authenticate': 'Bearer' },
};
const forbidden = (detail: string): GatewayProblem => ({
  status: 403,
  slug: 'forbidden',
  title: 'Forbidden',
  detail,
});
const badRequest = (detail: string): GatewayProblem => ({
  status: 400,
  slug: 'validation',
  title: 'Invalid request',
  detail,
});
const tooManyRequests: GatewayProblem = {
  status: 429,
  slug: 'too-many-requests',
  title: 'Too many requests',
  detail: 'Rate limit exceeded; retry later.',
  headers: { 'Retry-After': '1' },
};
const internal = (detail: string): GatewayProblem => ({
  status: 500,
  slug: 'internal',
  title: 'Internal server error',
  detail,
});

export const GATEWAY_RESPONSES = {
  UNAUTHORIZED: unauthorized,
  ACCESS_DENIED: forbidden('The access token does not grant a scope this route requires.'),
  EXPIRED_TOKEN: unauthorized,
  INVALID_SIGNATURE: forbidden('The request signature is not valid.'),
  INVALID_API_KEY: forbidden('The API key is not valid.'),
  MISSING_AUTHENTICATION_TOKEN: {
    // What API Gateway answers for a path or method no route serves.
    status: 404,
    slug: 'not-found',
    title: 'Not found',
    detail: 'There is no route for this method and path.',
  },
  RESOURCE_NOT_FOUND: {
    status: 404,
    slug: 'not-found',
    title: 'Not found',
    detail: 'There is no route for this method and path.',
  },
  BAD_REQUEST_PARAMETERS: badRequest('A required request parameter is missing or not valid.'),
  BAD_REQUEST_BODY: badRequest('The request body is not valid.'),
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    slug: 'unsupported-media-type',
    title: 'Unsupported media type',
    detail: 'Send the body as application/json.',
  },
  REQUEST_TOO_LARGE: {
    status: 413,
    slug: 'payload-too-large',
    title: 'Payload too large',
    detail: 'The request exceeds the size the API accepts.',
  },
  THROTTLED: tooManyRequests,
  QUOTA_EXCEEDED: tooManyRequests,
  // The web ACL's only blocking rules are the per-client-address rate rules (see lib/), so a WAF
  // block is a rate limit answer. Give any other blocking rule its own custom response.
  WAF_FILTERED: tooManyRequests,
  AUTHORIZER_FAILURE: internal('The request could not be authorised; retry later.'),
  AUTHORIZER_CONFIGURATION_ERROR: internal('The request could not be authorised; retry later.'),
  API_CONFIGURATION_ERROR: internal('The API is misconfigured; retry later.'),
  INTEGRATION_FAILURE: {
    status: 502,
    slug: 'integration-failure',
    title: 'Bad gateway',
    detail: 'The service failed to answer; retry later.',
  },
  INTEGRATION_TIMEOUT: {
    status: 504,
    slug: 'gateway-timeout',
    title: 'Gateway timeout',
    detail: 'The service did not answer in time; retry later.',
  },
  DEFAULT_4XX: { ...badRequest('The request was refused.'), fallback: true },
  DEFAULT_5XX: { ...internal('The service failed to answer; retry later.'), fallback: true },
} as const satisfies Record<string, GatewayProblem>;

export type GatewayResponseType = keyof typeof GATEWAY_RESPONSES;

/**
 * A method a path does not support. Not an API Gateway response type: in AWS each resource's `ANY`
 * method answers it (a mock integration; a resource's own methods take precedence over `ANY`), the
 * local gateway from the same route table. `Allow` lists the resource's methods (RFC 9110 §15.5.6).
 */
export const METHOD_NOT_ALLOWED: GatewayProblem = {
  status: 405,
  slug: 'method-not-allowed',
  title: 'Method not allowed',
  detail: 'This path does not support this method; the Allow header lists those it does.',
};

type ProblemBody = { type: string; title: string; status: number; detail: string };

const bodyOf = (p: GatewayProblem): ProblemBody => ({
  type: PROBLEM_TYPE_BASE + p.slug,
  title: p.title,
  status: p.status,
  detail: p.detail,
});

const headersOf = (p: GatewayProblem): Record<string, string> => ({
  'Content-Type': PROBLEM_CONTENT_TYPE,
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  ...p.headers,
});

/** The problem+json body of a gateway response. */
export function gatewayProblemBody(responseType: GatewayResponseType): ProblemBody {
  return bodyOf(GATEWAY_RESPONSES[responseType]);
}

/** Headers of a gateway response: the problem content type, no caching, and the type's own. */
export function gatewayProblemHeaders(responseType: GatewayResponseType): Record<string, string> {
  return headersOf(GATEWAY_RESPONSES[responseType]);
}

export const methodNotAllowedBody = (): ProblemBody => bodyOf(METHOD_NOT_ALLOWED);

/** The 405's headers: those of every gateway answer, and `Allow` with the resource's methods. */
export function methodNotAllowedHeaders(allowed: readonly string[]): Record<string, string> {
  return { ...headersOf(METHOD_NOT_ALLOWED), Allow: allowed.join(', ') };
}
