/**
 * The middleware every HTTP handler shares: known problems become their problem+json, anything
 * else a bare 500 with a correlation id — logged without the error's message (it may quote input).
 */

import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { problems } from '../../lambdas/core/problems.js';
import { httpHandler, json } from '../../lambdas/http/handler.js';

function event(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    resource: '/api/verify',
    path: '/api/verify',
    httpMethod: 'POST',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'req-123' } as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}

/** Everything the logger writes while `run` runs (Powertools writes JSON lines to stdout/stderr). */
async function captureLogs(run: () => Promise<unknown>): Promise<string> {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await run();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return lines.join('');
}

afterEach(() => vi.restoreAllMocks());

describe('httpHandler', () => {
  it('answers an unexpected error with a 500 problem that carries the correlation id and no internals', async () => {
    const failing = httpHandler('test', async () => {
      throw new TypeError('cannot read +41791234567 of Hans Müller');
    });

    let result: Awaited<ReturnType<typeof failing>> | undefined;
    const logs = await captureLogs(async () => {
      result = await failing(event());
    });

    expect(result?.statusCode).toBe(500);
    expect(result?.headers?.['Content-Type']).toBe('application/problem+json');
    const body = JSON.parse(result?.body ?? '{}');
    expect(body).toMatchObject({ status: 500, title: 'Internal server error', correlationId: 'req-123' });
    expect(result?.body).not.toContain('41791234567');
    expect(result?.body).not.toContain('TypeError');
    // Logged with the correlation id and the error's name, never its message
    expect(logs).toContain('req-123');
    expect(logs).toContain('TypeError');
    expect(logs).not.toContain('41791234567');
    expect(logs).not.toContain('Müller');
  });

  it('answers AWS throttling that outlasted the SDK’s retries with a 503 and Retry-After, not a 500', async () => {
    const throttled = httpHandler('test', async () => {
      throw new ProvisionedThroughputExceededException({ message: 'too fast', $metadata: {} });
    });

    let result: Awaited<ReturnType<typeof throttled>> | undefined;
    const logs = await captureLogs(async () => {
      result = await throttled(event());
    });

    expect(result?.statusCode).toBe(503);
    expect(result?.headers?.['Retry-After']).toBe('1');
    expect(JSON.parse(result?.body ?? '{}')).toMatchObject({ status: 503, title: 'Service unavailable' });
    expect(logs).toContain('ProvisionedThroughputExceededException');
    expect(logs).not.toContain('unexpected error');
  });

  it('answers a known problem with its own status, headers and body', async () => {
    const throttled = httpHandler('test', async () => {
      throw problems.tooManyRequests(7);
    });

    const result = await throttled(event());

    expect(result.statusCode).toBe(429);
    expect(result.headers?.['Retry-After']).toBe('7');
    expect(JSON.parse(result.body)).toMatchObject({ status: 429, instance: '/api/verify' });
  });

  it('takes a well-formed X-Correlation-Id from the caller and ignores a hostile one', async () => {
    const ok = httpHandler('test', async () => json(200, {}));

    const given = await ok(event({ headers: { 'X-Correlation-Id': 'abc-123' } }));
    const hostile = await ok(event({ headers: { 'x-correlation-id': 'a\nb<script>' } }));

    expect(given.headers?.['X-Correlation-Id']).toBe('abc-123');
    expect(hostile.headers?.['X-Correlation-Id']).toBe('req-123');
  });

  it('sends Strict-Transport-Security over HTTPS (API Gateway), on answers and on problems alike', async () => {
    const ok = httpHandler('t', async () => json(200, {}));
    const refused = httpHandler('t', async () => {
      throw problems.notFound();
    });
    const broken = httpHandler('t', async () => {
      throw new Error('boom');
    });
    const https = event({ headers: { 'X-Forwarded-Proto': 'https' } });

    const answers = [await ok(https), await refused(https)];
    await captureLogs(async () => answers.push(await broken(https)));
    const overHttp = await ok(event({ headers: { 'X-Forwarded-Proto': 'http' } }));

    for (const answer of answers)
      expect(answer.headers?.['Strict-Transport-Security']).toBe('max-age=63072000; includeSubDomains');
    expect(overHttp.headers?.['Strict-Transport-Security']).toBeUndefined();
  });
});
