/**
 * The generic HTTP adapter against a scripted fake partner (bench/fake-partner.ts's order API on
 * 127.0.0.1) started by this test: the mapped request, auth and order token the partner receives; slow, failing, refusing
 * and malformed partners; retries; and that a failed start leaves no order, no execution and no
 * held Idempotency-Key behind.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { createLocalJWKSet, type JWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PartnerOrderApi, sendJson } from '../../bench/fake-partner.js';
import { type ServiceConfig, ServiceConfigSchema } from '../../lambdas/core/service-config.js';
import { loadConfig } from '../../local/config.js';
import { TABLE_NAME } from '../../local/stack.js';
import { httpPartnerIsp } from '../support/isp.js';
import { call, paperStartBody, startStack, tokenFor, useStack } from '../support/stack.js';

// ---------------------------------------------------------------- the fake partner

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}
type Responder = (res: ServerResponse, req: Received) => void;

const PARTNER_TOKEN = 'partner-bearer-token-value';
const BASIC_USER = 'srs-client';
const BASIC_PASSWORD = 'partner-basic-password';
const TIMEOUT_MS = 400;
const RETRIES = 2;

/** A partner whose order API answers from a script (bench/fake-partner.ts serves it). */
class ScriptedPartner {
  received: Received[] = [];
  private script: Responder[] = [];
  private readonly api = new PartnerOrderApi((req, res) => {
    const received: Received = {
      path: req.path,
      headers: req.headers,
      body: req.text ? (JSON.parse(req.text) as Record<string, unknown>) : {},
    };
    this.received.push(received);
    const responder = this.script.length > 1 ? this.script.shift() : this.script[0];
    (responder ?? correct)(res, received);
  });

  get url(): string {
    return this.api.url;
  }

  /** The answers to the next requests, in order; the last one answers every later request. */
  answer(...responders: Responder[]): void {
    this.script = responders;
    this.received = [];
  }

  async start(): Promise<void> {
    await this.api.start();
  }

  async stop(): Promise<void> {
    await this.api.stop();
  }
}

/** A correct partner: its order id and start URL, where the HTTP partner's mapping expects them. */
const correct: Responder = (res, req) => {
  const ref = String(req.body.reference ?? req.body.refId);
  sendJson(
    res,
    201,
    JSON.stringify(
      req.path.startsWith('/basic')
        ? { orderId: `B-${ref}`, redirectUrl: `https://basic.partner.example/start/${ref}` }
        : { order: { id: `P-${ref}`, links: { start: `https://partner.example/ident?session=${ref}` } } },
    ),
  );
};
const slow: Responder = (res, req) => {
  setTimeout(() => correct(res, req), TIMEOUT_MS * 3);
};
const status =
  (code: number, headers: Record<string, string> = {}): Responder =>
  (res) =>
    sendJson(res, code, JSON.stringify({ error: `status ${code}` }), headers);
const malformedJson: Responder = (res) => sendJson(res, 201, '{"order": {"id": "P-1", ');
const missingRedirect: Responder = (res) =>
  sendJson(res, 201, JSON.stringify({ order: { id: 'P-1', links: {} } }));
const notJsonAtAll: Responder = (res) =>
  sendJson(res, 200, '<html>Welcome</html>', { 'content-type': 'text/html' });

// ---------------------------------------------------------------- the stack

const partner = new ScriptedPartner();
let token: string;
let db: DynamoDBClient;
let closedPort: number;

function testConfig(): ServiceConfig {
  const config = loadConfig();
  config.isps.push(
    httpPartnerIsp('Partner-HTTP', {
      ordersUrl: `${partner.url}/v2/orders`,
      auth: { type: 'bearer', tokenEnv: 'PARTNER_HTTP_TOKEN' },
      timeoutMs: TIMEOUT_MS,
      retries: RETRIES,
      retryBaseDelayMs: 20,
      maxRetryAfterMs: 1500,
      requestFields: {
        refId: 'reference',
        firstName: 'person.givenName',
        lastName: 'person.familyName',
        dob: 'person.birthDate',
        email: 'contact.email',
        mobile: 'contact.phone',
        orderToken: 'srsOrderToken',
        callbackUrl: 'callback',
        jurisdictions: null,
      },
      response: { orderId: '/order/id', redirectUrl: '/order/links/start' },
    }),
    httpPartnerIsp('Partner-Basic', {
      ordersUrl: `${partner.url}/basic/orders`,
      auth: { type: 'basic', usernameEnv: 'PARTNER_BASIC_USER', passwordEnv: 'PARTNER_BASIC_PASSWORD' },
      timeoutMs: TIMEOUT_MS,
      retries: 0,
      redirectTokenParameter: null,
    }),
    httpPartnerIsp('Partner-Down', {
      ordersUrl: `http://127.0.0.1:${closedPort}/orders`,
      auth: { type: 'bearer', tokenEnv: 'PARTNER_HTTP_TOKEN' },
      timeoutMs: TIMEOUT_MS,
      retries: 1,
      retryBaseDelayMs: 20,
    }),
  );
  const portal = config.serviceProviders.find((sp) => sp.clientId === 'demo-portal');
  if (!portal) throw new Error('demo-portal missing from the local config');
  portal.methods = { ...portal.methods, 'Partner-HTTP': '*', 'Partner-Basic': '*', 'Partner-Down': '*' };
  return ServiceConfigSchema.parse(config);
}

async function countItems(prefix: string): Promise<number> {
  const out = await db.send(
    new ScanCommand({
      TableName: TABLE_NAME,
      FilterExpression: 'begins_with(PK, :p)',
      ExpressionAttributeValues: { ':p': { S: prefix } },
      Select: 'COUNT',
    }),
  );
  return out.Count ?? 0;
}

interface Footprint {
  orders: number;
  idempotencyRecords: number;
  executions: number;
}
async function footprint(): Promise<Footprint> {
  return {
    orders: await countItems('ORDER#'),
    idempotencyRecords: await countItems('IDEMP#'),
    executions: stack().stepFunctions.list().length,
  };
}

function start(issuer: string, idempotencyKey?: string) {
  return call<{ refId: string; targetURL: string; expiresAt: string; status?: number; title?: string }>(
    stack(),
    'POST',
    '/api/identifications',
    {
      token,
      json: paperStartBody({ issuer, method: 'bank' }),
      ...(idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : {}),
    },
  );
}

// Registered before the stack, so that it runs once the stack has closed.
afterAll(async () => {
  db?.destroy();
  await partner.stop();
});
// The fake partner and a port nobody listens on first: the configuration points at them.
const stack = useStack(async () => {
  await partner.start();
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));

  process.env.PARTNER_HTTP_TOKEN = PARTNER_TOKEN;
  process.env.PARTNER_BASIC_USER = BASIC_USER;
  process.env.PARTNER_BASIC_PASSWORD = BASIC_PASSWORD;
  return { config: testConfig(), rateLimits: false };
});
beforeAll(async () => {
  token = await tokenFor(stack(), 'demo-portal');
  db = new DynamoDBClient({
    endpoint: stack().dynamoEndpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

beforeEach(() => {
  partner.answer(correct);
});

// ---------------------------------------------------------------- the tests

describe('a correct partner', () => {
  it('receives the mapped fields, the bearer token, the refId as Idempotency-Key and a verifiable order token', async () => {
    const res = await start('Partner-HTTP');

    expect(res.status).toBe(201);
    expect(partner.received).toHaveLength(1);
    const [req] = partner.received;
    const { refId, expiresAt } = res.body;
    expect(req?.path).toBe('/v2/orders');
    expect(req?.headers.authorization).toBe(`Bearer ${PARTNER_TOKEN}`);
    expect(req?.headers['idempotency-key']).toBe(refId);
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.body).toEqual({
      reference: refId,
      person: { givenName: 'Hans', familyName: 'Muster', birthDate: '1978-02-28' },
      contact: { email: 'hans.muster@swisscom.com', phone: '+41783478228' },
      language: 'en',
      method: 'bank',
      loa: 4,
      expiresAt,
      srsOrderToken: expect.any(String),
      callback: `${stack().baseUrl}/isp/v1`,
    });

    const jwks = await call<{ keys: JWK[] }>(stack(), 'GET', '/isp/v1/jwks.json');
    const { payload } = await jwtVerify(String(req?.body.srsOrderToken), createLocalJWKSet(jwks.body), {
      issuer: stack().baseUrl,
      audience: 'Partner-HTTP',
      typ: 'order+jwt',
      algorithms: ['ES256'],
    });
    expect(payload).toMatchObject({ refId, sub: refId, method: 'bank', loa: 4 });
    expect(payload.exp).toBe(Math.floor(new Date(expiresAt).getTime() / 1000));
  });

  it('sends the person to the partner’s URL with the order token, and the status shows the partner’s order id', async () => {
    const res = await start('Partner-HTTP');
    const { refId, targetURL } = res.body;
    const sent = String(partner.received[0]?.body.srsOrderToken);

    const status = await call<{ orderId: string; adapter: string; issuer: string }>(
      stack(),
      'GET',
      `/api/identifications/${refId}`,
      { token },
    );

    expect(targetURL).toBe(`https://partner.example/ident?session=${refId}&token=${sent}`);
    expect(status.body).toMatchObject({ orderId: `P-${refId}`, adapter: 'http', issuer: 'Partner-HTTP' });
  });

  it('authenticates with HTTP Basic from the configured variables, under our own field names', async () => {
    const res = await start('Partner-Basic');

    expect(res.status).toBe(201);
    const [req] = partner.received;
    expect(req?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${BASIC_USER}:${BASIC_PASSWORD}`).toString('base64')}`,
    );
    expect(Object.keys(req?.body ?? {}).sort()).toEqual(
      [
        'callbackUrl',
        'dob',
        'email',
        'expiresAt',
        'firstName',
        'jurisdictions',
        'language',
        'lastName',
        'loa',
        'method',
        'mobile',
        'orderToken',
        'refId',
      ].sort(),
    );
    // redirectTokenParameter: null — the partner's URL as it is.
    expect(res.body.targetURL).toBe(`https://basic.partner.example/start/${res.body.refId}`);
  });
});

describe('retries', () => {
  it('retries a 5xx and opens the order on the next attempt', async () => {
    partner.answer(status(500), status(502), correct);

    const res = await start('Partner-HTTP');

    expect(res.status).toBe(201);
    expect(partner.received).toHaveLength(3);
    expect(new Set(partner.received.map((r) => r.headers['idempotency-key']))).toEqual(
      new Set([res.body.refId]),
    );
    expect(new Set(partner.received.map((r) => r.body.reference))).toEqual(new Set([res.body.refId]));
  });

  it('waits for a 429’s Retry-After before the next attempt', async () => {
    partner.answer(status(429, { 'retry-after': '1' }), correct);
    const began = Date.now();

    const res = await start('Partner-HTTP');

    expect(res.status).toBe(201);
    expect(partner.received).toHaveLength(2);
    expect(Date.now() - began).toBeGreaterThanOrEqual(950);
  });
});

describe('a failing partner makes the start call fail and leaves nothing behind', () => {
  it.each([
    ['always answers 5xx', 503, 1 + RETRIES, [status(503)]],
    ['answers slower than the timeout', 503, 1 + RETRIES, [slow]],
    ['asks to retry later than the start call can wait', 503, 1, [status(503, { 'retry-after': '30' })]],
    ['refuses the order with 4xx', 502, 1, [status(400)]],
    ['refuses the client with 401', 502, 1, [status(401)]],
    ['answers malformed JSON', 502, 1, [malformedJson]],
    ['answers without a redirect URL', 502, 1, [missingRedirect]],
    ['answers HTML', 502, 1, [notJsonAtAll]],
  ] as const)(
    'when the partner %s: %i problem+json after %i attempt(s)',
    async (_case, code, attempts, responders) => {
      partner.answer(...responders);
      const before = await footprint();
      const key = `http-adapter-${code}-${crypto.randomUUID()}`;

      const res = await start('Partner-HTTP', key);

      expect(res.status).toBe(code);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body).toMatchObject({
        status: code,
        title: code === 503 ? 'Service unavailable' : 'Identification partner error',
      });
      if (code === 503) expect(res.headers.get('retry-after')).toBe('30');
      expect(res.text).not.toContain('Hans');
      expect(partner.received).toHaveLength(attempts);
      expect(await footprint()).toEqual(before);

      // The same Idempotency-Key works again once the partner does.
      partner.answer(correct);
      const retry = await start('Partner-HTTP', key);
      expect(retry.status).toBe(201);
      expect((await footprint()).orders).toBe(before.orders + 1);
    },
  );

  it('answers 503 when the partner cannot be reached at all, and leaves nothing behind', async () => {
    const before = await footprint();

    const res = await start('Partner-Down', `down-${crypto.randomUUID()}`);

    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await footprint()).toEqual(before);
  });

  it('on a production stage, a partner whose ordersUrl is http to 127.0.0.1 is our misconfiguration: 503, no retry asked, the partner not called', async () => {
    // The fake partner listens on 127.0.0.1 over http: settings another stage may use, production not.
    partner.answer(correct);
    const before = await footprint();
    const stage = process.env.STAGE;
    process.env.STAGE = 'prod';
    let res: Awaited<ReturnType<typeof start>>;
    try {
      res = await start('Partner-HTTP', `misconfigured-${crypto.randomUUID()}`);
    } finally {
      process.env.STAGE = stage;
    }

    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('retry-after')).toBeNull();
    expect(res.body).toMatchObject({
      status: 503,
      title: 'Service unavailable',
      detail: 'Partner-HTTP cannot be used on this service at the moment: its configuration here is wrong.',
    });
    expect(res.text).not.toContain('127.0.0.1');
    expect(partner.received).toHaveLength(0);
    expect(await footprint()).toEqual(before);
  });
});

describe('the partners’ secrets', () => {
  it('a configured partner whose secret variable is not set stops the stack at start, naming the variable', async () => {
    const config = testConfig();
    config.isps.push(
      httpPartnerIsp('Partner-Unset', {
        ordersUrl: `${partner.url}/unset/orders`,
        auth: { type: 'basic', usernameEnv: 'PARTNER_BASIC_USER', passwordEnv: 'PARTNER_UNSET_PASSWORD' },
      }),
    );
    delete process.env.PARTNER_UNSET_PASSWORD;

    await expect(startStack({ config: ServiceConfigSchema.parse(config) })).rejects.toThrow(
      'Missing partner secret variable PARTNER_UNSET_PASSWORD',
    );
    // The running stack keeps its partners: the refused start changed nothing.
    expect((await start('Partner-HTTP')).status).toBe(201);
  });
});
