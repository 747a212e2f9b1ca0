/** The answers handlers give: JSON, HTML pages, problem+json, each with the headers it needs. */
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Problem } from '../core/problems.js';

export type HttpResult = APIGatewayProxyResult;

/**
 * HSTS for every answer over HTTPS (API Gateway is HTTPS only; the local stack is plain HTTP on
 * loopback, where browsers ignore the header anyway, RFC 6797 §8.1). Two years, as the preload list asks.
 */
export const STRICT_TRANSPORT_SECURITY = 'max-age=63072000; includeSubDomains';

/** Headers every answer carries unless the handler chose its own value. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return jsonText(statusCode, JSON.stringify(body), headers);
}

/** A JSON answer already serialised (a document built once and served many times). */
export function jsonText(statusCode: number, text: string, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', ...SECURITY_HEADERS, ...headers },
    body: text,
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

export function problemResponse(problem: Problem, instance?: string): HttpResult {
  return {
    statusCode: problem.status,
    headers: { 'Content-Type': 'application/problem+json', ...SECURITY_HEADERS, ...problem.headers },
    body: JSON.stringify(problem.toBody(instance)),
  };
}
