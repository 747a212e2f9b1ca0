/**
 * The middy chain every HTTP handler shares: known problems become their problem+json, anything
 * else a bare 500 with a correlation id — logged without the error's message (it may quote input),
 * each line with the Lambda context Powertools' Logger adds.
 */

import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '../../lambdas/adapters/logger.js';
import { problems } from '../../lambdas/core/problems.js';
import { headerOf, httpHandler, json } from '../../lambdas/http/handler.js';
import { jsonBodyRule } from '../../lambdas/http/request.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { proxyEvent } from '../support/lambda-events.js';
import { captureLogs, logRecords } from '../support/logs.js';

const context = lambdaContext('test-function', 'aws-request-1', 10_000);

const event = proxyEvent;

// The lines these tests read are INFO lines, whatever LOG_LEVEL the shell has.
beforeAll(() => logger.setLogLevel('INFO'));
afterEach(() => vi.restoreAllMocks());

describe('httpHandler', () => {
  it('answers an unexpected error with a 500 problem that carries the correlation id and no internals', async () => {
    const failing = httpHandler('test', async () => {
      throw new TypeError('cannot read +41791234567 of Hans Müller');
    });

    let result: Awaited<ReturnType<typeof failing>> | undefined;
    const logs = await captureLogs(async () => {
      result = await failing(event(), context);
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

  it('quotes in a 500 the correlation id its X-Correlation-Id header carries, also one made up for an event without a request id', async () => {
    const failing = httpHandler('test', async () => {
      throw new Error('boom');
    });
    // Prepare: no caller id and no API Gateway request id, so the id is made up once per request.
    const withoutRequestId = event({ requestContext: {} as APIGatewayProxyEvent['requestContext'] });

    let result: Awaited<ReturnType<typeof failing>> | undefined;
    await captureLogs(async () => {
      result = await failing(withoutRequestId, context);
    });

    const header = result?.headers?.['X-Correlation-Id'];
    expect(header).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(result?.body ?? '{}').correlationId).toBe(header);
  });

  it('answers AWS throttling that outlasted the SDK’s retries with a 503 and Retry-After, not a 500', async () => {
    const throttled = httpHandler('test', async () => {
      throw new ProvisionedThroughputExceededException({ message: 'too fast', $metadata: {} });
    });

    let result: Awaited<ReturnType<typeof throttled>> | undefined;
    const logs = await captureLogs(async () => {
      result = await throttled(event(), context);
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

    const result = await throttled(event(), context);

    expect(result.statusCode).toBe(429);
    expect(result.headers?.['Retry-After']).toBe('7');
    expect(JSON.parse(result.body)).toMatchObject({ status: 429, instance: '/api/verify' });
  });

  it('takes a well-formed X-Correlation-Id from the caller and ignores a hostile one', async () => {
    const ok = httpHandler('test', async () => json(200, {}));

    const given = await ok(event({ headers: { 'X-Correlation-Id': 'abc-123' } }), context);
    const hostile = await ok(event({ headers: { 'x-correlation-id': 'a\nb<script>' } }), context);

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

    const answers = [await ok(https, context), await refused(https, context)];
    await captureLogs(async () => answers.push(await broken(https, context)));
    const overHttp = await ok(event({ headers: { 'X-Forwarded-Proto': 'http' } }), context);

    for (const answer of answers)
      expect(answer.headers?.['Strict-Transport-Security']).toBe('max-age=63072000; includeSubDomains');
    expect(overHttp.headers?.['Strict-Transport-Security']).toBeUndefined();
  });

  it('logs each request as one JSON line with the Lambda context, the correlation id and the route, never the body', async () => {
    const verify = httpHandler('verify', async () => json(200, { ok: true }));
    const body = JSON.stringify({ msisdn: '+41791234567', distinguishedName: 'cn=Hans Müller' });

    const logs = await captureLogs(async () => {
      await verify(event({ body, headers: { 'content-type': 'application/json' } }), context);
    });

    const lines = logRecords(logs);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'request handled',
        function_name: 'test-function',
        function_request_id: 'aws-request-1',
        correlation_id: 'req-123',
        handler: 'verify',
        route: '/api/verify',
        status: 200,
      }),
    ]);
    expect(logs).not.toContain('41791234567');
    expect(logs).not.toContain('Müller');
  });

  it('does not carry one request’s correlation id into the next request’s lines', async () => {
    const ok = httpHandler('test', async () => json(200, {}));

    await captureLogs(() => ok(event({ headers: { 'X-Correlation-Id': 'first-request' } }), context));
    const second = await captureLogs(() =>
      ok(
        event({ requestContext: { requestId: 'req-2' } as APIGatewayProxyEvent['requestContext'] }),
        context,
      ),
    );

    expect(JSON.parse(second).correlation_id).toBe('req-2');
    expect(second).not.toContain('first-request');
  });

  it('refuses a body of the wrong media type or size before the handler runs, as problem+json', async () => {
    let ran = 0;
    const limited = httpHandler(
      'test',
      async () => {
        ran++;
        return json(200, {});
      },
      { body: jsonBodyRule(10) },
    );

    const wrongType = await limited(
      event({ body: '{}', headers: { 'content-type': 'text/plain' } }),
      context,
    );
    const tooLarge = await limited(
      event({ body: JSON.stringify({ a: 'x'.repeat(20) }), headers: { 'content-type': 'application/json' } }),
      context,
    );
    const base64 = await limited(
      event({
        body: Buffer.from('{"a":1}').toString('base64'),
        isBase64Encoded: true,
        headers: { 'content-type': 'application/json' },
      }),
      context,
    );

    expect([wrongType.statusCode, tooLarge.statusCode, base64.statusCode]).toEqual([415, 413, 200]);
    expect(wrongType.headers?.['Content-Type']).toBe('application/problem+json');
    expect(JSON.parse(tooLarge.body)).toMatchObject({ status: 413, instance: '/api/verify' });
    expect(ran).toBe(1);
  });

  it('adds no-store and nosniff to answers that lack them, and keeps a handler’s own Cache-Control', async () => {
    const redirect = httpHandler('test', async () => ({
      statusCode: 303,
      headers: { Location: '/x' },
      body: '',
    }));
    const cached = httpHandler('test', async () => json(200, {}, { 'Cache-Control': 'public, max-age=300' }));

    const [r, c] = [await redirect(event(), context), await cached(event(), context)];

    expect(r.headers).toMatchObject({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    expect(r.headers?.['X-Correlation-Id']).toBe('req-123');
    expect(c.headers?.['Cache-Control']).toBe('public, max-age=300');
  });

  it('keeps a handler’s own header in any spelling and adds no second one beside it', async () => {
    const lowerCase = httpHandler('test', async () => ({
      statusCode: 200,
      headers: { 'cache-control': 'private, max-age=60', 'x-content-type-options': 'nosniff' },
      body: '',
    }));

    const answer = await lowerCase(event(), context);

    expect(answer.headers?.['cache-control']).toBe('private, max-age=60');
    expect(Object.keys(answer.headers ?? {}).filter((k) => k.toLowerCase() === 'cache-control')).toEqual([
      'cache-control',
    ]);
    expect(
      Object.keys(answer.headers ?? {}).filter((k) => k.toLowerCase() === 'x-content-type-options'),
    ).toHaveLength(1);
  });
});

describe('headerOf', () => {
  it('finds a header whatever case the client sent it in, and nothing for a header not sent', () => {
    const sent = event({
      headers: {
        'Content-Type': 'application/json',
        'x-correlation-id': 'abc-1',
        'X-Forwarded-Proto': 'https',
      },
    });

    expect(headerOf(sent, 'content-type')).toBe('application/json');
    expect(headerOf(sent, 'Content-Type')).toBe('application/json');
    expect(headerOf(sent, 'X-Correlation-Id')).toBe('abc-1');
    expect(headerOf(sent, 'x-forwarded-proto')).toBe('https');
    expect(headerOf(sent, 'authorization')).toBeUndefined();
    expect(
      headerOf(event({ headers: null as unknown as APIGatewayProxyEvent['headers'] }), 'host'),
    ).toBeUndefined();
  });
});
