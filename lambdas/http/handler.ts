/**
 * The middleware every HTTP handler shares: correlation id, problem+json errors, no internals in
 * answers, no person data in logs. Handlers receive the API Gateway (REST, v1) proxy event.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { isTransientAwsError } from '../adapters/aws-errors.js';
import { logger } from '../adapters/logger.js';
import { Problem, problems } from '../core/problems.js';
import { STRICT_TRANSPORT_SECURITY } from './gateway-responses.js';

export type HttpResult = APIGatewayProxyResult;
export type HttpHandler = (event: APIGatewayProxyEvent, context?: Context) => Promise<HttpResult>;

const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

export function correlationIdOf(event: APIGatewayProxyEvent): string {
  const fromHeader = headerOf(event, 'x-correlation-id');
  if (fromHeader && /^[\w.-]{1,128}$/.test(fromHeader)) return fromHeader;
  return event.requestContext?.requestId ?? crypto.randomUUID();
}

/** Case-insensitive header lookup (API Gateway keeps the client's spelling). */
export function headerOf(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {}))
    if (k.toLowerCase() === wanted) return v ?? undefined;
  return undefined;
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', ...SECURITY_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

/** What an HTML page may load and do: its inline styles and forms to itself, nothing else. */
export const HTML_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export function html(statusCode: number, body: string, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': HTML_CSP,
      'X-Frame-Options': 'DENY',
      // Pages may carry a secret in their URL (the terms link): never send it on as a referrer.
      'Referrer-Policy': 'no-referrer',
      ...SECURITY_HEADERS,
      ...headers,
    },
    body,
  };
}

export function problemResponse(problem: Problem, instance?: string, correlationId?: string): HttpResult {
  return {
    statusCode: problem.status,
    headers: {
      'Content-Type': 'application/problem+json',
      ...SECURITY_HEADERS,
      ...(correlationId ? { 'X-Correlation-Id': correlationId } : {}),
      ...problem.headers,
    },
    body: JSON.stringify(problem.toBody(instance)),
  };
}

function withHeaders(result: HttpResult, headers: Record<string, string>): HttpResult {
  return { ...result, headers: { ...result.headers, ...headers } };
}

/** Wraps a handler: known problems become their problem+json, anything else a bare 500. */
export function httpHandler(
  name: string,
  fn: (event: APIGatewayProxyEvent) => Promise<HttpResult>,
): HttpHandler {
  return async (event, context) => {
    const correlationId = correlationIdOf(event);
    logger.appendKeys({ correlationId, handler: name });
    if (context) logger.addContext(context);
    // API Gateway forwards `X-Forwarded-Proto: https`; the local gateway says `http`.
    const overHttps = headerOf(event, 'x-forwarded-proto') === 'https';
    const transport: Record<string, string> = overHttps
      ? { 'Strict-Transport-Security': STRICT_TRANSPORT_SECURITY }
      : {};
    try {
      const result = await fn(event);
      result.headers = { ...result.headers, ...transport, 'X-Correlation-Id': correlationId };
      logger.info('request handled', {
        method: event.httpMethod,
        route: event.resource,
        status: result.statusCode,
      });
      return result;
    } catch (err) {
      if (err instanceof Problem) {
        logger.info('request refused', {
          method: event.httpMethod,
          route: event.resource,
          status: err.status,
          problem: err.type,
        });
        return withHeaders(problemResponse(err, event.path, correlationId), transport);
      }
      const e = err as Error;
      if (isTransientAwsError(err)) {
        // Throttled or failing after the SDK's retries: the caller may retry (nothing was decided).
        logger.warn('aws service unavailable', { route: event.resource, errorName: e.name });
        return problemResponse(
          problems.serviceUnavailable('The service is busy; try again in a moment.', 1),
          event.path,
          correlationId,
        );
      }
      // The error message may quote input (person data, tokens): log the name and the stack
      // frames only — the stack's first line is the message.
      logger.error('unexpected error', {
        errorName: e?.name,
        stack: e?.stack?.split('\n').slice(1, 7).join('\n'),
      });
      return withHeaders(
        problemResponse(problems.internal(correlationId), event.path, correlationId),
        transport,
      );
    } finally {
      logger.removeKeys(['correlationId', 'handler']);
    }
  };
}
