/**
 * The project's own middy middlewares for the HTTP edge, where middy's do not fit: its error
 * handler answers `text/plain` bodies and its security headers are Helmet's defaults, while every
 * error here is RFC 9457 problem+json with our slugs, HTML pages carry their own CSP, and HSTS is
 * only sent over HTTPS.
 */
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { isTransientAwsError } from '../adapters/aws-errors.js';
import { logger } from '../adapters/logger.js';
import { Problem, problems } from '../core/problems.js';
import { type BodyRule, correlationIdOf, headerOf, readBody } from './request.js';
import {
  type HttpResult,
  problemResponse,
  SECURITY_HEADERS,
  STRICT_TRANSPORT_SECURITY,
} from './responses.js';

type HttpRequest = Request<APIGatewayProxyEvent, HttpResult, Error, Context>;
type HttpMiddleware = MiddlewareObj<APIGatewayProxyEvent, HttpResult, Error, Context>;

function addHeaders(request: HttpRequest, headers: Record<string, string>, onlyIfAbsent = false): void {
  const response = request.response;
  if (!response) return;
  let added = headers;
  if (onlyIfAbsent) {
    // Header names are case-insensitive: each of the answer's lower-cased once, not once per header added.
    const present = new Set(Object.keys(response.headers ?? {}).map((k) => k.toLowerCase()));
    added = {};
    for (const [name, value] of Object.entries(headers))
      if (!present.has(name.toLowerCase())) added[name] = value;
  }
  response.headers = { ...response.headers, ...added };
}

/** Where `correlationId()` keeps the request's id: middy's `internal`, the request's own. */
const kept = (request: HttpRequest) => request.internal as { correlationId?: string };

/** The request's correlation id as `correlationId()` kept it (read from the event only if it did not run). */
function keptCorrelationId(request: HttpRequest): string {
  return kept(request).correlationId ?? correlationIdOf(request.event);
}

/**
 * The correlation id: the caller's well-formed `X-Correlation-Id`, else API Gateway's request id.
 * It is the logger's `correlation_id` on every line of the invocation and comes back as a header.
 */
export function correlationId(): HttpMiddleware {
  // Read once per request and kept, not read again for the answer or a 500's body.
  const answer = (request: HttpRequest) =>
    addHeaders(request, { 'X-Correlation-Id': keptCorrelationId(request) });
  return {
    before: (request) => {
      const id = correlationIdOf(request.event);
      kept(request).correlationId = id;
      logger.setCorrelationId(id);
    },
    after: answer,
    onError: answer,
  };
}

/** `no-store` and `nosniff` unless the handler chose otherwise; HSTS over HTTPS (API Gateway). */
export function securityHeaders(): HttpMiddleware {
  const answer = (request: HttpRequest) => {
    addHeaders(request, SECURITY_HEADERS, true);
    // API Gateway forwards `X-Forwarded-Proto: https`; the local gateway says `http`.
    if (headerOf(request.event, 'x-forwarded-proto') === 'https')
      addHeaders(request, { 'Strict-Transport-Security': STRICT_TRANSPORT_SECURITY });
  };
  return { after: answer, onError: answer };
}

/**
 * Known problems become their problem+json; AWS throttling or 5xx that outlasted the SDK's retries
 * a 503 the caller may retry; anything else a bare 500 with the correlation id. One log line per
 * request, with the route and the status, never the body, the path's values or a message.
 */
export function problemJson(
  handler: string,
  onRefused?: (problem: Problem, event: APIGatewayProxyEvent) => unknown,
  /** A page function's answer in place of problem+json (undefined keeps problem+json). */
  answerFor?: (problem: Problem, event: APIGatewayProxyEvent) => Promise<HttpResult | undefined>,
): HttpMiddleware {
  const route = (event: APIGatewayProxyEvent) => ({
    handler,
    method: event.httpMethod,
    route: event.resource,
  });
  const answer = async (problem: Problem, event: APIGatewayProxyEvent) =>
    (await answerFor?.(problem, event)) ?? problemResponse(problem, event.path);
  return {
    after: (request) => {
      logger.info('request handled', { ...route(request.event), status: request.response?.statusCode });
    },
    onError: async (request) => {
      const { event, error } = request;
      if (error instanceof Problem) {
        logger.info('request refused', { ...route(event), status: error.status, problem: error.type });
        await onRefused?.(error, event);
        request.response = await answer(error, event);
        return;
      }
      if (isTransientAwsError(error)) {
        // Nothing was decided: the caller may retry.
        logger.warn('aws service unavailable', { ...route(event), errorName: error?.name });
        request.response = await answer(
          problems.serviceUnavailable('The service is busy; try again in a moment.', 1),
          event,
        );
        return;
      }
      // The error message may quote input (person data, tokens): log the name and the stack
      // frames only — the stack's first line is the message.
      logger.error('unexpected error', {
        ...route(event),
        errorName: error?.name,
        stack: error?.stack?.split('\n').slice(1, 7).join('\n'),
      });
      request.response = await answer(problems.internal(keptCorrelationId(request)), event);
    },
  };
}

/**
 * A function's body rule, checked before the handler runs on every request that carries a body:
 * the media type (415), the size (413); the body is handed on decoded (API Gateway may base64 it).
 */
export function requestBody(rule: BodyRule): HttpMiddleware {
  return {
    before: (request) => {
      const { event } = request;
      if (!['POST', 'PUT', 'PATCH'].includes(event.httpMethod)) return;
      event.body = readBody(event, rule);
      event.isBase64Encoded = false;
    },
  };
}

/** A check of the request before the handler and its body rule (a page function's methods, ADR 0024). */
export function beforeHandler(check: (event: APIGatewayProxyEvent) => Promise<void>): HttpMiddleware {
  return {
    before: async (request) => {
      await check(request.event);
    },
  };
}
