/**
 * The API Gateway emulation's in-process entry (`stack.gateway.handle`), which the local HTTP
 * server calls for every API request and the benchmark calls without the server: the same answers
 * as over HTTP, route matching (a known path with another method is no route), query parameters
 * and path parameters handed to the function as API Gateway hands them.
 */
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayRequest } from '../../local/api-gateway.js';
import { call, type LocalStack, startStack, tokenFor } from '../support/stack.js';
import { registration } from '../unit/fixtures.js';

const MSISDN = '41790004242';

describe('the API Gateway emulation, called in process', () => {
  let stack: LocalStack;
  let token: string;

  beforeAll(async () => {
    stack = await startStack({ rateLimits: false });
    token = await tokenFor(stack);
    await stack.repository.putRegistration(
      registration({
        msisdn: MSISDN,
        serialNumber: 'SRS-GATEWAY-TEST',
        loa: 3,
        familyName: 'Muster',
        validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    );
  });
  afterAll(async () => {
    await stack?.close();
  });

  const request = (
    method: string,
    pathAndQuery: string,
    options: { json?: unknown; headers?: Record<string, string> } = {},
  ): GatewayRequest => {
    const body = options.json === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(options.json));
    return {
      method,
      url: new URL(pathAndQuery, stack.baseUrl),
      headers: {
        host: new URL(stack.baseUrl).host,
        ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body,
      sourceIp: '127.0.0.1',
    };
  };
  const parsed = (body: string | Buffer): unknown => JSON.parse(body.toString());
  const verifyBody = (distinguishedName: string) => ({
    msisdn: MSISDN,
    claimedIdentity: 'test-client',
    assuranceLevel: 3,
    distinguishedName,
  });

  it('answers verify as the HTTP server does, positive and negative', async () => {
    for (const [dn, status] of [
      ['gn=Hans, sn=Muster', 200],
      ['gn=Hans, sn=Meier', 404],
    ] as const) {
      const inProcess = await stack.gateway.handle(request('POST', '/api/verify', { json: verifyBody(dn) }));
      const overHttp = await call(stack, 'POST', '/api/verify', { json: verifyBody(dn) });

      expect(inProcess.statusCode).toBe(status);
      expect(overHttp.status).toBe(status);
      expect(parsed(inProcess.body)).toEqual(overHttp.body);
      for (const name of ['Content-Type', 'Cache-Control', 'X-Content-Type-Options'])
        expect(inProcess.headers[name], name).toBe(overHttp.headers.get(name));
      expect(inProcess.headers['X-Correlation-Id']).toMatch(/^[\w-]{36}$/);
    }
    expect(
      parsed(
        (
          await stack.gateway.handle(
            request('POST', '/api/verify', { json: verifyBody('gn=Hans, sn=Muster') }),
          )
        ).body,
      ),
    ).toEqual({
      evidenceId: expect.any(String),
      vetterMsisdn: MSISDN,
      serialNumber: 'SRS-GATEWAY-TEST',
    });
  });

  it('answers a method the path does not have with 405 and Allow, and an unknown path with 404, before any function', async () => {
    // One trailing slash names the resource without it, as API Gateway routes it (ADR 0027).
    for (const [method, path] of [
      ['DELETE', '/api/verify'],
      ['GET', '/api/verify'],
      ['GET', '/api/verify/'],
    ] as const) {
      const out = await stack.gateway.handle(request(method, path));
      expect(out.statusCode, `${method} ${path}`).toBe(405);
      expect(out.headers.Allow).toBe('POST');
      expect(parsed(out.body)).toMatchObject({ status: 405 });
    }
    for (const path of ['/api/verify/nothing', '/api/nothing-here', '/api//verify']) {
      const out = await stack.gateway.handle(request('GET', path));
      expect(out.statusCode, path).toBe(404);
      expect(parsed(out.body)).toMatchObject({ status: 404 });
    }
  });

  // ADR 0027, addendum. Found by probing: `/terms/%2e%2e` was the local index page (the URL parser
  // resolves dot segments, encoded or not), `/terms/x/%2e%2e/%2e%2e/api/verify` the 405 of
  // /api/verify, and `/terms//` the gateway's JSON 404.
  it('over HTTP, routes a path as it was sent: a dot segment reaches no other resource, and a person gets the pages’ 404 page', async () => {
    const browser = { accept: 'text/html', 'accept-language': 'en' };
    for (const target of [
      '/terms/%2e%2e',
      '/terms/%2E%2e',
      '/terms/..',
      '/terms/.%2e',
      '/terms/%2e',
      '/terms/x/%2e%2e/%2e%2e/api/verify',
      '/terms//',
      '/terms///',
      '/method-choice/%2e%2e',
      '/demo-portal/%2e%2e/terms',
    ]) {
      const res = await rawGet(stack.baseUrl, target, browser);
      expect(res.status, target).toBe(404);
      expect(res.contentType, target).toBe('text/html; charset=utf-8');
      expect(res.body, target).toMatch(/^<!doctype html>\n<html lang="en">/);
    }
    // Off the pages, the same spellings stay the gateway's: no resource, or the resource they name.
    for (const target of ['/%2e%2e', '/api/%2e%2e/terms/x']) {
      const res = await rawGet(stack.baseUrl, target, browser);
      expect(res.status, target).toBe(404);
      expect(res.contentType, target).toBe('application/problem+json');
    }
    const verify = await rawGet(stack.baseUrl, '/api/verify//');
    expect(verify.status).toBe(405);
  });

  // Found by probing: `GET //` was a 500 and `GET //terms` the local index page — the server read
  // a target starting with `//` as a scheme-relative URL (the host `terms`, the path `/`).
  it('over HTTP, takes a target starting with // for a path, which no resource has, and one that is no URL for a 400', async () => {
    for (const target of ['//', '//terms', '//terms/some-link-token']) {
      const res = await rawGet(stack.baseUrl, target);
      expect(res.status, target).toBe(404);
      expect(res.contentType, target).toBe('application/problem+json');
      expect(JSON.parse(res.body), target).toEqual({
        type: 'https://smart-registration.example/problems/not-found',
        title: 'Not found',
        status: 404,
        detail: 'There is no route for this method and path.',
      });
    }
    const notAUrl = await rawGet(stack.baseUrl, 'http://[');
    expect(notAUrl.status).toBe(400);
    expect(notAUrl.contentType).toBe('application/problem+json');
  });

  // Found by probing: the emulation handed the function Node's `headers`, which keep the first line of
  // some headers and join the others; API Gateway's `headers` hold the last line.
  it('hands the function the last line of a header sent twice, as API Gateway does', async () => {
    const page = await stack.gateway.handle({
      ...request('PUT', '/terms/some-link'),
      headers: { host: new URL(stack.baseUrl).host, accept: 'text/html', 'accept-language': 'de, fr' },
      distinctHeaders: { accept: ['text/html'], 'accept-language': ['de', 'fr'] },
    });

    expect(page.statusCode).toBe(405);
    expect(page.body.toString()).toContain('<html lang="fr"');
  });

  it('refuses a request with two Authorization lines with 401 before any function, whichever comes first', async () => {
    const start = await stack.gateway.handle({
      ...request('GET', `/api/identifications/${randomUUID()}`),
      headers: { host: new URL(stack.baseUrl).host, authorization: `Bearer ${token}` },
      distinctHeaders: { authorization: [`Bearer ${token}`, 'Bearer not-a-token'] },
    });

    expect(start.statusCode).toBe(401);
  });

  it('matches a route with a path parameter and refuses a parameter that is not valid percent-encoding', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const unknown = await stack.gateway.handle(
      request('GET', `/api/identifications/${randomUUID()}`, { headers: auth }),
    );
    const malformed = await stack.gateway.handle(
      request('GET', '/api/identifications/%E0%A4%A', { headers: auth }),
    );

    expect(unknown.statusCode).toBe(404);
    expect(parsed(unknown.body)).toMatchObject({ status: 404 });
    expect(malformed.statusCode).toBe(400);
    expect(parsed(malformed.body)).toMatchObject({ status: 400 });
  });

  it('hands the query to the function: one value passes, a repeated parameter is refused, an empty query is none', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const once = await stack.gateway.handle(request('GET', '/api/providers?loa=4', { headers: auth }));
    const twice = await stack.gateway.handle(request('GET', '/api/providers?loa=3&loa=4', { headers: auth }));
    const empty = await stack.gateway.handle(request('GET', '/api/providers?&', { headers: auth }));
    const none = await stack.gateway.handle(request('GET', '/api/providers', { headers: auth }));

    expect(once.statusCode).toBe(200);
    const loas = (parsed(once.body) as { loa: number }[]).map((p) => p.loa);
    expect(loas.length).toBeGreaterThan(0);
    expect(new Set(loas)).toEqual(new Set([4]));
    expect(twice.statusCode).toBe(400);
    expect(JSON.stringify(parsed(twice.body))).toContain('Given more than once.');
    expect(empty.statusCode).toBe(200);
    expect(parsed(empty.body)).toEqual(parsed(none.body));
  });

  it('hands a query parameter named like an Object.prototype member to the function as any other (was a 502)', async () => {
    // Found by probing: `?__proto__=x` or `?constructor=1` made the emulation's query map look up
    // Object.prototype's member and fail (TypeError, 502 integration failure) before the function.
    // API Gateway hands them on as ordinary names, so the function refuses them as unknown fields.
    const auth = { authorization: `Bearer ${token}` };
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const providers = await stack.gateway.handle(
        request('GET', `/api/providers?${name}=1`, { headers: auth }),
      );
      expect(providers.statusCode, name).toBe(400);
      expect(parsed(providers.body), name).toMatchObject({
        errors: [{ field: name, message: 'Unknown field.' }],
      });

      const usage = await stack.gateway.handle(request('GET', `/api/usage?${name}=1`, { headers: auth }));
      expect(usage.statusCode, name).toBe(400);

      // verify reads no query: the parameter changes nothing.
      const verify = await stack.gateway.handle(
        request('POST', `/api/verify?${name}=1`, { json: verifyBody('gn=Hans, sn=Muster') }),
      );
      expect(verify.statusCode, name).toBe(200);
    }
    const repeated = await stack.gateway.handle(
      request('GET', '/api/providers?constructor=1&constructor=2', { headers: auth }),
    );
    expect(repeated.statusCode).toBe(400);
    expect(JSON.stringify(parsed(repeated.body))).toContain('Given more than once.');
  });
});

/** A GET with the request target as given (fetch() would normalise it). */
function rawGet(
  baseUrl: string,
  target: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; contentType?: string; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path: target, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}
