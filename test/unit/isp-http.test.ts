/**
 * The generic HTTP adapter's pure parts: its settings, the mapped request body, reading the
 * partner's answer, the retry timing; and the adapter itself with a stubbed fetch and clock.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidEnvironment } from '../../lambdas/adapters/env.js';
import { createHttpAdapter } from '../../lambdas/adapters/isp/http-adapter.js';
import { IspUnavailable, PartnerMisconfigured } from '../../lambdas/core/errors.js';
import {
  backoffMs,
  collidingFieldPaths,
  isAllowedPartnerUrl,
  MAX_PARTNER_BUDGET_MS,
  orderRequestBody,
  parseRetryAfter,
  readHttpAdapterSettings,
  readOrderAnswer,
  resolvePointer,
  targetUrlWithToken,
  worstCaseMs,
} from '../../lambdas/core/isp-http.js';
import { HttpAdapterSettings } from '../../lambdas/core/isp-http-settings.js';
import { ServiceConfigSchema } from '../../lambdas/core/service-config.js';
import type { OpenOrderInput } from '../../lambdas/usecases/ports/partner.js';
import { loadConfig } from '../../local/config.js';
import { captureLogs, logRecords } from '../support/logs.js';
import { ispConfig } from './fixtures.js';

const BASE = {
  ordersUrl: 'https://partner.example/orders',
  auth: { type: 'bearer', tokenEnv: 'PARTNER_TOKEN' },
};
const settings = (overrides: Record<string, unknown> = {}) =>
  HttpAdapterSettings.parse({ ...BASE, ...overrides });

const VALUES = {
  refId: '7a5c1e3f-3b0e-4c8e-9a57-1f1e2d3c4b5a',
  firstName: 'Hans',
  lastName: 'Muster',
  dob: '1978-02-28',
  email: 'hans.muster@swisscom.com',
  mobile: '+41783478228',
  language: 'de',
  method: 'bank',
  loa: 4,
  jurisdictions: ['EIDAS'],
  expiresAt: '2026-03-01T14:00:00.000Z',
  orderToken: 'h.p.s',
  callbackUrl: 'https://srs.example/isp/v1',
};

describe('HttpAdapterSettings', () => {
  it('fills in the defaults: 5 s per attempt, 2 retries, our field names, /orderId and /redirectUrl', () => {
    expect(settings()).toEqual({
      ...BASE,
      timeoutMs: 5000,
      retries: 2,
      retryBaseDelayMs: 200,
      maxRetryAfterMs: 2000,
      requestFields: {},
      response: { orderId: '/orderId', redirectUrl: '/redirectUrl' },
      redirectTokenParameter: 'token',
    });
  });

  it.each([
    ['an http URL to a remote host', { ordersUrl: 'http://partner.example/orders' }],
    ['a URL with credentials', { ordersUrl: 'https://user:pw@partner.example/orders' }],
    ['a secret instead of a variable name', { auth: { type: 'bearer', token: 'abc' } }],
    ['a lower-case variable name', { auth: { type: 'bearer', tokenEnv: 'partner_token' } }],
    ['an unknown auth type', { auth: { type: 'mtls' } }],
    ['an unknown field to map', { requestFields: { nickname: 'nick' } }],
    ['two fields under one name', { requestFields: { firstName: 'name', lastName: 'name' } }],
    [
      'a field under a name that is another’s object',
      { requestFields: { firstName: 'person', lastName: 'person.last' } },
    ],
    ['a field path through __proto__', { requestFields: { firstName: '__proto__.polluted' } }],
    ['a field path ending in constructor', { requestFields: { firstName: 'person.constructor' } }],
    ['a field named prototype', { requestFields: { lastName: 'prototype' } }],
    ['a response pointer without a leading slash', { response: { orderId: 'id' } }],
    ['more waiting than fits in a start call', { timeoutMs: 10_000, retries: 3 }],
    ['an unknown setting', { proxy: 'http://proxy' }],
  ])('refuses %s', (_case, overrides) => {
    expect(HttpAdapterSettings.safeParse({ ...BASE, ...overrides }).success).toBe(false);
  });

  it('still takes names that merely contain the words (constructorName, my_prototype, __proto)', () => {
    const requestFields = { firstName: 'person.constructorName', lastName: 'my_prototype', email: '__proto' };
    expect(HttpAdapterSettings.safeParse({ ...BASE, requestFields }).success).toBe(true);
  });

  it('refuses a huge retry count by its bound, naming retries, without computing its waits', () => {
    const result = HttpAdapterSettings.safeParse({ ...BASE, retries: Number.MAX_SAFE_INTEGER });

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['retries']);
  });

  it('finds our fields whose names collide in the partner’s body: one name, or one inside the other', () => {
    expect(collidingFieldPaths({ requestFields: {} })).toBeUndefined();
    // Our own name is the default: `mobile` is taken by the mobile number.
    expect(collidingFieldPaths({ requestFields: { firstName: 'mobile' } })).toEqual(['mobile', 'mobile']);
    expect(collidingFieldPaths({ requestFields: { firstName: 'person', lastName: 'person.name' } })).toEqual([
      'person',
      'person.name',
    ]);
    // A common prefix is not nesting; a field left out (null) frees its name.
    expect(
      collidingFieldPaths({ requestFields: { firstName: 'person', lastName: 'personal' } }),
    ).toBeUndefined();
    expect(
      collidingFieldPaths({ requestFields: { firstName: null, lastName: 'firstName' } }),
    ).toBeUndefined();
  });

  it('names the colliding fields in the settings’ error, and the reader refuses them', () => {
    const clashing = { ...BASE, requestFields: { firstName: 'person.name', lastName: 'person' } };

    const judged = HttpAdapterSettings.safeParse(clashing);

    expect(judged.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['requestFields', 'Field names collide: person and person.name.'],
    ]);
    expect(readHttpAdapterSettings(clashing)).toBeUndefined();
  });

  it('accepts http to the loopback interface (the local stack and tests)', () => {
    expect(isAllowedPartnerUrl('http://127.0.0.1:8080/orders')).toBe(true);
    expect(isAllowedPartnerUrl('http://localhost/orders')).toBe(true);
    expect(isAllowedPartnerUrl('ftp://partner.example/orders')).toBe(false);
  });

  it('keeps the worst case of the defaults within the start call’s budget', () => {
    expect(worstCaseMs(settings())).toBeLessThanOrEqual(MAX_PARTNER_BUDGET_MS);
    expect(worstCaseMs(settings())).toBe(3 * 5000 + 2000 + 2000);
  });

  it('is checked with the configuration: an http partner with bad settings is a configuration error', () => {
    const config = loadConfig();
    config.isps.push({
      ...ispConfig({ issuer: 'Partner-X', adapter: 'http', realtimeMethods: ['video'] }),
      clients: [],
      settings: { ordersUrl: 'http://partner.example/orders' },
    });

    const result = ServiceConfigSchema.safeParse(config);

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining([`isps.${config.isps.length - 1}.settings.ordersUrl`]),
    );
  });

  it('refuses one client id for two parties', () => {
    const config = loadConfig();
    const testIsp = config.isps[0];
    if (!testIsp) throw new Error('no ISP in the local config');
    testIsp.clients = [{ clientId: 'demo-bank', scopes: ['srs/introspect'] }];

    expect(ServiceConfigSchema.safeParse(config).success).toBe(false);
  });
});

describe('readHttpAdapterSettings (the adapter reads the settings of each order without zod)', () => {
  /**
   * Held exactly: it reads settings if and only if HttpAdapterSettings accepts them, and reads them
   * as the schema returns them (defaults filled in, keys in the schema's order).
   */
  function heldExactly(value: unknown) {
    const read = readHttpAdapterSettings(value);
    const judged = HttpAdapterSettings.safeParse(value);
    expect(read !== undefined, `read ${JSON.stringify(value)}`).toBe(judged.success);
    if (read !== undefined) {
      expect(read).toStrictEqual(judged.data);
      expect(JSON.stringify(read)).toBe(JSON.stringify(judged.data));
    }
    return read;
  }
  const FULL = {
    ...BASE,
    timeoutMs: 3000,
    retries: 1,
    retryBaseDelayMs: 100,
    maxRetryAfterMs: 1000,
    requestFields: { firstName: 'person.givenName', lastName: 'person.familyName', orderToken: null },
    response: { orderId: '/data/id', redirectUrl: '/data/links/0/href' },
    redirectTokenParameter: 'ot',
  };
  /** Values near each setting's edges (the other types come from OTHER). */
  const EDGES: Record<string, unknown[]> = {
    ordersUrl: [
      'https://p.example/o',
      'http://127.0.0.1:9/o',
      'http://localhost/o',
      'http://p.example/o',
      'https://u:p@p.example/o',
      'not a url',
      'ftp://p.example/',
    ],
    auth: [
      { type: 'bearer', tokenEnv: 'T' },
      { type: 'basic', usernameEnv: 'U_1', passwordEnv: 'P' },
      { type: 'basic', usernameEnv: 'U' },
      { type: 'bearer', tokenEnv: 'lower' },
      { type: 'bearer', tokenEnv: 'T', x: 1 },
      { type: 'bearer', tokenEnv: `T${'A'.repeat(127)}` },
      { type: 'bearer', tokenEnv: `T${'A'.repeat(128)}` },
      { type: 'other', tokenEnv: 'T' },
      { tokenEnv: 'T' },
    ],
    timeoutMs: [100, 99, 10_000, 10_001, 5000.5, -1, Number.NaN, Number.POSITIVE_INFINITY],
    retries: [0, 5, 6, -1, 1.5, 1e300],
    retryBaseDelayMs: [0, 5000, 5001, 2.5],
    maxRetryAfterMs: [0, 10_000, 10_001],
    requestFields: [
      {},
      { refId: 'id', callbackUrl: null },
      { firstName: 'a.b.c.d.e' },
      { firstName: 'a.b.c.d.e.f' },
      { firstName: 'x'.repeat(64) },
      { firstName: 'x'.repeat(65) },
      { firstName: '1x' },
      { firstName: 'mobile' },
      { firstName: 'person', lastName: 'person.name' },
      { other: 'x' },
      { firstName: 3 },
    ],
    response: [
      {},
      { orderId: '/id' },
      { redirectUrl: '/a~1b/~0' },
      { orderId: 'id' },
      { orderId: '/~2' },
      { x: '/x' },
      { orderId: null },
    ],
    redirectTokenParameter: [null, 'token', '_t-1', 'x'.repeat(64), 'x'.repeat(65), '1t', '', 't.x'],
  };
  const OTHER: unknown[] = [3, '3', true, null, [], {}, ['x']];
  /** Values each setting takes, for generated settings that the schema often accepts. */
  const VALID: Record<string, unknown[]> = {
    ordersUrl: ['https://p.example/o', 'http://127.0.0.1:9/o'],
    auth: [BASE.auth, { type: 'basic', usernameEnv: 'U_1', passwordEnv: 'P' }],
    timeoutMs: [100, 5000, 10_000],
    retries: [0, 1, 2],
    retryBaseDelayMs: [0, 200, 5000],
    maxRetryAfterMs: [0, 2000, 10_000],
    requestFields: [
      {},
      { refId: 'id', callbackUrl: null },
      { firstName: 'person.givenName', lastName: 'person.familyName' },
    ],
    response: [{}, { orderId: '/id' }],
    redirectTokenParameter: [null, 'token'],
  };

  it('reads the documented settings without the schema, the defaults filled in as the schema fills them', () => {
    expect(heldExactly(BASE)).toStrictEqual(settings());
    expect(heldExactly(FULL)).toStrictEqual(HttpAdapterSettings.parse(FULL));
  });

  it('is held to HttpAdapterSettings on every setting near its edges, present and absent', () => {
    for (const [name, values] of Object.entries(EDGES)) {
      for (const v of [...values, ...OTHER])
        for (const base of [BASE, FULL]) heldExactly({ ...base, [name]: v });
      const without: Record<string, unknown> = { ...FULL };
      delete without[name];
      heldExactly(without);
    }
    for (const v of [
      ...OTHER,
      JSON.parse('{"__proto__":{"a":1}}'),
      { ...FULL, extra: 1 },
      { ...FULL, constructor: 1 },
    ])
      heldExactly(v);
    // Over the start call's budget: 3 × 10 s.
    expect(heldExactly({ ...BASE, timeoutMs: 10_000, retries: 2 })).toBeUndefined();
  });

  it('is held to HttpAdapterSettings on generated settings (several settings near their edges at once)', () => {
    let read = 0;
    fc.assert(
      fc.property(
        fc.record(
          Object.fromEntries(
            Object.entries(EDGES).map(([name, values]) => [
              name,
              fc.oneof(
                { weight: 12, arbitrary: fc.constantFrom(...(VALID[name] as unknown[])) },
                { weight: 2, arbitrary: fc.constantFrom(...values) },
                { weight: 1, arbitrary: fc.constantFrom(...OTHER) },
              ),
            ]),
          ),
          { requiredKeys: [] },
        ),
        (value) => {
          if (heldExactly(value) !== undefined) read += 1;
        },
      ),
      { numRuns: 3000 },
    );
    expect(read).toBeGreaterThan(300);
  });

  it('leaves settings with a value present as undefined (which no stored configuration has)', () => {
    expect(readHttpAdapterSettings({ ...BASE, retries: undefined })).toBeUndefined();
  });
});

describe('orderRequestBody', () => {
  it('sends every field under our name by default', () => {
    expect(orderRequestBody(settings(), VALUES)).toEqual(VALUES);
  });

  it('renames, nests and leaves out fields as mapped', () => {
    const s = settings({
      requestFields: {
        refId: 'reference',
        firstName: 'person.givenName',
        lastName: 'person.familyName',
        dob: 'person.birthDate',
        email: null,
        jurisdictions: null,
        orderToken: 'srs.token',
      },
    });

    const body = orderRequestBody(s, VALUES);

    expect(body).toMatchObject({
      reference: VALUES.refId,
      person: { givenName: 'Hans', familyName: 'Muster', birthDate: '1978-02-28' },
      srs: { token: 'h.p.s' },
      mobile: VALUES.mobile,
    });
    expect(body).not.toHaveProperty('email');
    expect(body).not.toHaveProperty('jurisdictions');
    expect(body).not.toHaveProperty('refId');
  });
});

describe('readOrderAnswer', () => {
  const s = settings({ response: { orderId: '/data/id', redirectUrl: '/data/links/0/href' } });

  it('reads the order id and redirect URL at the configured pointers', () => {
    const answer = { data: { id: 4711, links: [{ href: 'https://partner.example/ident/4711' }] } };

    expect(readOrderAnswer(s, answer, false)).toEqual({
      ok: true,
      ispOrderId: '4711',
      redirectUrl: 'https://partner.example/ident/4711',
    });
  });

  it.each(['http://localhost:4000/ident/1', 'http://127.0.0.1/ident/1', 'http://[::1]:8080/ident/1'])(
    'takes the redirect URL %s (http to the loopback interface) only where the stage allows it',
    (href) => {
      const answer = { data: { id: 'A1', links: [{ href }] } };

      expect(readOrderAnswer(s, answer, true)).toEqual({ ok: true, ispOrderId: 'A1', redirectUrl: href });
      expect(readOrderAnswer(s, answer, false)).toEqual({
        ok: false,
        reason: 'no https redirect URL at /data/links/0/href',
      });
    },
  );

  it.each([
    ['no order id', { data: { links: [{ href: 'https://partner.example/x' }] } }],
    ['an empty order id', { data: { id: '', links: [{ href: 'https://partner.example/x' }] } }],
    ['an object as order id', { data: { id: {}, links: [{ href: 'https://partner.example/x' }] } }],
    ['no redirect URL', { data: { id: 'A1' } }],
    [
      'a redirect URL that is not https',
      { data: { id: 'A1', links: [{ href: 'http://partner.example/x' }] } },
    ],
    ['a javascript: URL', { data: { id: 'A1', links: [{ href: 'javascript:alert(1)' }] } }],
    ['an array instead of an object', []],
    ['null', null],
  ])('says what is wrong with an answer with %s', (_case, answer) => {
    expect(readOrderAnswer(s, answer, true)).toMatchObject({ ok: false, reason: expect.any(String) });
  });

  it('resolves RFC 6901 escapes', () => {
    expect(resolvePointer({ 'a/b': { 'c~d': 1 } }, '/a~1b/c~0d')).toBe(1);
    expect(resolvePointer({ a: [1, 2] }, '/a/01')).toBeUndefined();
  });
});

describe('retry timing', () => {
  it('doubles the backoff per retry, jittered between half and all of it', () => {
    expect(backoffMs(0, 200, 0)).toBe(100);
    expect(backoffMs(0, 200, 1)).toBe(200);
    expect(backoffMs(2, 200, 0.5)).toBe(600);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2026-03-01T10:00:00Z');

    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('appends the order token to the redirect URL, keeping its query', () => {
    expect(targetUrlWithToken('https://p.example/i?x=1', 'token', 'a.b.c')).toBe(
      'https://p.example/i?x=1&token=a.b.c',
    );
    expect(targetUrlWithToken('https://p.example/i', null, 'a.b.c')).toBe('https://p.example/i');
  });
});

describe('the http adapter with a stubbed partner', () => {
  // The deployment lists the variable and sets it (CDK context partnerSecrets; locally the stack).
  // Every deployed function is told its stage (lib/function-environment.ts); a test stage here.
  beforeEach(() => {
    vi.stubEnv('STAGE', 'test');
    vi.stubEnv('PARTNER_SECRETS', 'PARTNER_TOKEN');
    vi.stubEnv('PARTNER_TOKEN', 'secret-token');
  });
  afterEach(() => vi.unstubAllEnvs());

  const input = (overrides: Record<string, unknown> = {}): OpenOrderInput => ({
    refId: VALUES.refId,
    isp: ispConfig({
      issuer: 'Partner-X',
      adapter: 'http',
      settings: { ...BASE, retries: 2, retryBaseDelayMs: 100, ...overrides },
    }),
    method: 'bank',
    loa: 4,
    jurisdictions: ['EIDAS'],
    person: {
      firstName: 'Hans',
      lastName: 'Muster',
      dob: '1978-02-28',
      email: 'hans.muster@swisscom.com',
      mobile: '+41783478228',
      language: 'de',
    },
    expiresAt: new Date(VALUES.expiresAt),
    serviceBaseUrl: 'https://srs.example',
    orderToken: 'h.p.s',
  });

  function stub(answers: (() => Response | Promise<Response>)[]) {
    const sleeps: number[] = [];
    let calls = 0;
    const adapter = createHttpAdapter({
      fetch: async () => {
        const answer = answers[Math.min(calls, answers.length - 1)];
        calls++;
        if (!answer) throw new Error('no answer');
        return answer();
      },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 1,
      now: () => new Date('2026-03-01T10:00:00Z'),
    });
    return { adapter, sleeps, calls: () => calls };
  }
  const ok = () =>
    Response.json({ orderId: 'P-1', redirectUrl: 'https://partner.example/ident/P-1' }, { status: 201 });
  const status =
    (code: number, headers: Record<string, string> = {}) =>
    () =>
      new Response('{}', { status: code, headers });
  const networkError = () => {
    throw new TypeError('fetch failed');
  };

  it('backs off exponentially between retries', async () => {
    const { adapter, sleeps, calls } = stub([status(503), status(502), ok]);

    const opened = await adapter.openOrder(input());

    expect(opened.ispOrderId).toBe('P-1');
    expect(calls()).toBe(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it('waits as long as Retry-After asks, when that is longer than the backoff', async () => {
    const { adapter, sleeps } = stub([status(429, { 'retry-after': '1' }), ok]);

    await adapter.openOrder(input());

    expect(sleeps).toEqual([1000]);
  });

  it('gives up at once when Retry-After asks for longer than the cap', async () => {
    const { adapter, calls } = stub([status(503, { 'retry-after': '60' }), ok]);

    await expect(adapter.openOrder(input())).rejects.toMatchObject({ retryable: true });
    expect(calls()).toBe(1);
  });

  it('retries network errors and then reports the partner unavailable', async () => {
    const { adapter, calls } = stub([networkError]);

    const err = await adapter.openOrder(input()).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(IspUnavailable);
    expect(err).toMatchObject({ retryable: true });
    expect(calls()).toBe(3);
  });

  it('refuses settings its reader declines before calling the partner (a stored configuration that no longer reads)', async () => {
    const { adapter, calls } = stub([ok]);

    const err = await adapter
      .openOrder(input({ ordersUrl: 'http://partner.example/orders' }))
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(PartnerMisconfigured);
    expect((err as Error).message).toBe(
      "The settings of Partner-X cannot be used here: they do not read as the http adapter's settings",
    );
    expect(calls()).toBe(0);
  });

  it('without STAGE, refuses to decide which partner URLs it may call, and calls none', async () => {
    vi.stubEnv('STAGE', '');
    const { adapter, calls } = stub([ok]);

    const err = await adapter.openOrder(input()).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(InvalidEnvironment);
    expect((err as Error).message).toBe('Missing required environment variable STAGE');
    expect(calls()).toBe(0);
  });

  it.each([
    ['prod', false],
    ['test', true],
    ['local', true],
  ])('on stage %s, a partner at http://127.0.0.1 is called: %s', async (stage, called) => {
    vi.stubEnv('STAGE', stage);
    const urls: string[] = [];
    const adapter = createHttpAdapter({
      fetch: async (url) => {
        urls.push(String(url));
        return Response.json(
          { orderId: 'P-1', redirectUrl: 'http://127.0.0.1:4000/ident/P-1' },
          { status: 201 },
        );
      },
    });

    const outcome = await adapter.openOrder(input({ ordersUrl: 'http://127.0.0.1:4000/orders' })).then(
      (opened) => opened.targetURL,
      (err: unknown) => `${(err as Error).name}: ${(err as Error).message}`,
    );

    expect([urls, outcome]).toEqual(
      called
        ? [['http://127.0.0.1:4000/orders'], 'http://127.0.0.1:4000/ident/P-1?token=h.p.s']
        : [
            [],
            'PartnerMisconfigured: The settings.ordersUrl of Partner-X cannot be used here: Must use https: http to localhost, 127.0.0.1 or [::1] is allowed on the local stack and the test stages only, not in production.',
          ],
    );
  });

  it('in production, says in one error log line which partner setting is wrong, quoting no value', async () => {
    vi.stubEnv('STAGE', 'prod');
    const { adapter } = stub([ok]);

    const written = await captureLogs(async () => {
      await adapter.openOrder(input({ ordersUrl: 'http://127.0.0.1:4000/orders' })).catch(() => undefined);
    });

    const lines = logRecords(written);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'ERROR',
      message: 'partner settings cannot be used',
      issuer: 'Partner-X',
      setting: 'settings.ordersUrl',
    });
    expect(written).not.toMatch(/127\.0\.0\.1:4000|secret-token|Hans|Muster|\+41783478228/);
  });

  it('in production, refuses a partner answer whose redirect URL is http to the loopback interface', async () => {
    const adapter = createHttpAdapter({
      allowLoopbackHttp: () => false,
      fetch: async () =>
        Response.json({ orderId: 'P-1', redirectUrl: 'http://[::1]:4000/ident/P-1' }, { status: 201 }),
    });

    const err = await adapter.openOrder(input()).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(IspUnavailable);
    expect((err as Error).message).toBe('Partner-X answered with no https redirect URL at /redirectUrl');
  });

  it('fails with a configuration error, not a partner error, when the secret variable is unset', async () => {
    vi.stubEnv('PARTNER_TOKEN', '');
    const adapter = createHttpAdapter({ fetch: async () => ok() });

    const err = await adapter.openOrder(input()).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(InvalidEnvironment);
    expect((err as Error).message).toBe('Missing partner secret variable PARTNER_TOKEN');
  });

  it('writes no secret into the log lines of a refused order, nor into the error', async () => {
    const { adapter } = stub([status(401)]);

    let err: unknown;
    const written = await captureLogs(async () => {
      err = await adapter.openOrder(input()).catch((e: unknown) => e);
    });

    expect(err).toBeInstanceOf(IspUnavailable);
    expect(written).toContain('partner refused the order');
    expect(`${written} ${(err as Error).message}`).not.toMatch(/secret-token|c2VjcmV0LXRva2Vu/);
  });

  it('reads no variable the deployment did not list as a partner secret, e.g. the service’s own', async () => {
    vi.stubEnv('SERIAL_NUMBER_KEY', 'the-serial-number-key-value');
    let sent = 0;
    const adapter = createHttpAdapter({
      fetch: async () => {
        sent++;
        return ok();
      },
    });

    let err: unknown;
    const written = await captureLogs(async () => {
      err = await adapter
        .openOrder(input({ auth: { type: 'bearer', tokenEnv: 'SERIAL_NUMBER_KEY' } }))
        .catch((e: unknown) => e);
    });

    expect(err).toBeInstanceOf(InvalidEnvironment);
    expect((err as Error).message).toMatch(
      /^The partner secret variable SERIAL_NUMBER_KEY is not listed in PARTNER_SECRETS/,
    );
    expect(sent).toBe(0);
    // The operator reads which variable in the log; the value is neither there nor in the error.
    const [line] = logRecords(written);
    expect(line).toMatchObject({
      level: 'ERROR',
      message: 'partner secret not available',
      issuer: 'Partner-X',
      reason: expect.stringMatching(/^The partner secret variable SERIAL_NUMBER_KEY is not listed/),
    });
    expect(`${written} ${(err as Error).message}`).not.toContain('the-serial-number-key-value');
  });
});
