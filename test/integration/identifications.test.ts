/**
 * POST /api/identifications and GET /api/identifications/{refId} over real HTTP: the white paper's
 * request and answers, hostile input (refused with a 400 naming the field, and nothing written),
 * and Idempotency-Key semantics, including concurrent retries.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { DynamoDBClient, GetItemCommand, paginateScan } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_NAME } from '../../local/stack.js';
import { sendHeaderLines } from '../support/header-lines.js';
import type { Problem } from '../support/problems.js';
import { expectInvalidField, expectProblem } from '../support/problems.js';
import { type ApiResponse, call, paperStartBody, tokenFor, useStack } from '../support/stack.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const IDENTIFICATIONS = '/api/identifications';

interface StartAnswer {
  refId: string;
  error: null;
  targetURL: string;
  expiresAt: string;
}

let dynamo: DynamoDBClient;
let portalToken: string;
let bankToken: string;

const stack = useStack();
beforeAll(async () => {
  dynamo = new DynamoDBClient({
    endpoint: stack().dynamoEndpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  portalToken = await tokenFor(stack(), 'demo-portal');
  bankToken = await tokenFor(stack(), 'demo-bank');
});

afterAll(async () => {
  dynamo?.destroy();
});

/** Every item key in the table (a Scan is fine in a test, never on a request path). */
async function tableKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateScan(
    { client: dynamo },
    { TableName: TABLE_NAME, ProjectionExpression: 'PK, SK' },
  )) {
    for (const item of page.Items ?? []) keys.push(`${item.PK?.S} ${item.SK?.S}`);
  }
  return keys.sort();
}

/** The refIds of the orders an SP has stored. */
async function ordersOf(clientId: string): Promise<string[]> {
  const refIds: string[] = [];
  for await (const page of paginateScan(
    { client: dynamo },
    {
      TableName: TABLE_NAME,
      FilterExpression: 'SK = :order AND GSI1PK = :sp',
      ExpressionAttributeValues: { ':order': { S: 'ORDER' }, ':sp': { S: `SP#${clientId}` } },
      ProjectionExpression: 'PK',
    },
  )) {
    for (const item of page.Items ?? []) refIds.push((item.PK?.S ?? '').replace(/^ORDER#/, ''));
  }
  return refIds.sort();
}

function start(
  body: unknown,
  options: { token?: string; headers?: Record<string, string>; raw?: string } = {},
): Promise<ApiResponse<StartAnswer & Problem>> {
  const headers = { 'content-type': 'application/json', ...(options.headers ?? {}) };
  return call<StartAnswer & Problem>(stack(), 'POST', IDENTIFICATIONS, {
    token: options.token ?? portalToken,
    headers,
    body: options.raw ?? JSON.stringify(body),
  });
}

const nextYear = `${new Date().getUTCFullYear() + 1}-01-01`;

describe('starting an identification and reading its status', () => {
  it("opens an order for the paper's request and answers 201 with refId, error null, targetURL, expiresAt and a Location", async () => {
    // Prepare
    const before = await ordersOf('demo-portal');

    // Act
    const res = await start(paperStartBody());

    // Assess
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(Object.keys(res.body).sort()).toEqual(['error', 'expiresAt', 'refId', 'targetURL']);
    expect(res.body.refId).toMatch(UUID);
    expect(res.body.error).toBeNull();
    expect(new URL(res.body.targetURL).protocol).toMatch(/^https?:$/);
    expect(res.body.expiresAt).toMatch(ISO_DATE_TIME);
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
    expect(res.headers.get('location')).toBe(`${IDENTIFICATIONS}/${res.body.refId}`);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect(await ordersOf('demo-portal')).toEqual([...before, res.body.refId].sort());
  });

  it("answers the status in the paper's shape, exactly: created, then initialized", async () => {
    // Prepare
    const started = await start(paperStartBody());
    expect(started.status).toBe(201);

    // Act
    const res = await call<Record<string, unknown>>(
      stack(),
      'GET',
      `${IDENTIFICATIONS}/${started.body.refId}`,
      {
        token: portalToken,
      },
    );

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(Object.keys(res.body).sort()).toEqual(
      ['adapter', 'evidenceId', 'issuer', 'method', 'mobile', 'orderId', 'refId', 'statuses'].sort(),
    );
    expect(res.body).toMatchObject({
      refId: started.body.refId,
      orderId: expect.any(String),
      issuer: 'Test-ISP',
      adapter: 'test-isp',
      method: 'test',
      mobile: '+41783478228',
      evidenceId: null,
    });
    const statuses = res.body.statuses as Record<string, unknown>[];
    expect(statuses.map((s) => s.status)).toEqual(['created', 'initialized']);
    for (const s of statuses) {
      expect(Object.keys(s).sort()).toEqual(['date', 'kind', 'reason', 'status']);
      expect(s.date).toMatch(ISO_DATE_TIME);
      expect(s.reason).toBeNull();
      expect(s.kind).toBeNull();
    }
    expect(Date.parse(statuses[0]?.date as string)).toBeLessThanOrEqual(
      Date.parse(statuses[1]?.date as string),
    );
  });

  it('reads the same status through the Location the start answered', async () => {
    const started = await start(paperStartBody());

    const res = await call<{ refId: string }>(stack(), 'GET', started.headers.get('location') ?? '', {
      token: portalToken,
    });

    expect(res.status).toBe(200);
    expect(res.body.refId).toBe(started.body.refId);
  });
});

describe('hostile input is refused with 400 naming the field, and nothing is written', () => {
  const longText = 'x'.repeat(1024 * 1024);

  // [label, body (object) or raw string, expected field]
  const invalidFields: [string, Record<string, unknown>, string][] = [
    ['dob as a number', paperStartBody({ dob: 19780228 }), 'dob'],
    ['firstName as an array', paperStartBody({ firstName: ['Hans'] }), 'firstName'],
    ['mobile as a number', paperStartBody({ mobile: 41783478228 }), 'mobile'],
    ['language as null', paperStartBody({ language: null }), 'language'],
    ['assuranceLevel as a string', paperStartBody({ assuranceLevel: '3' }), 'assuranceLevel'],
    ['an unknown field', paperStartBody({ isAdmin: true }), 'isAdmin'],
    [
      'a __proto__ field',
      JSON.parse(`{"__proto__": {"polluted": true}, ${JSON.stringify(paperStartBody()).slice(1)}`),
      '__proto__',
    ],
    ['a missing mobile', (({ mobile: _m, ...rest }) => rest)(paperStartBody()), 'mobile'],
    ['an impossible date (1978-02-30)', paperStartBody({ dob: '1978-02-30' }), 'dob'],
    ['a date in another format (28.02.1978)', paperStartBody({ dob: '28.02.1978' }), 'dob'],
    ['a date of birth in the future', paperStartBody({ dob: nextYear }), 'dob'],
    ['a mobile number with letters', paperStartBody({ mobile: '+41 78 FOO 82 28' }), 'mobile'],
    ['a mobile number without +', paperStartBody({ mobile: '41783478228' }), 'mobile'],
    ['a mobile number that is too short', paperStartBody({ mobile: '+4178' }), 'mobile'],
    ['an email without domain', paperStartBody({ email: 'hans.muster@' }), 'email'],
    [
      'an email with a header injection',
      paperStartBody({ email: 'hans@example.com\r\nBcc: x@y.z' }),
      'email',
    ],
    ['an unknown language', paperStartBody({ language: 'xx' }), 'language'],
    ['a control character in firstName', paperStartBody({ firstName: 'Hans\u0000' }), 'firstName'],
    ['a line feed in lastName', paperStartBody({ lastName: 'Mus\nter' }), 'lastName'],
    ['a bidi override in lastName', paperStartBody({ lastName: 'Muster\u202Egnp.exe' }), 'lastName'],
    ['a zero-width space in firstName', paperStartBody({ firstName: 'Ha\u200Bns' }), 'firstName'],
    ['a lone surrogate in state', paperStartBody({ state: 'order-7\uD800' }), 'state'],
    [
      'SQL injection in lastName',
      paperStartBody({ lastName: "Robert'); DROP TABLE Students;--" }),
      'lastName',
    ],
    ['a script tag in firstName', paperStartBody({ firstName: '<script>alert(1)</script>' }), 'firstName'],
    ['an empty firstName', paperStartBody({ firstName: '   ' }), 'firstName'],
    ['a javascript: redirectUrl', paperStartBody({ redirectUrl: 'javascript:alert(1)' }), 'redirectUrl'],
    [
      'an http redirectUrl that is not localhost',
      paperStartBody({ redirectUrl: 'http://evil.example/' }),
      'redirectUrl',
    ],
    ['an unknown issuer', paperStartBody({ issuer: 'Nope-ISP' }), 'issuer'],
    ['a method the issuer does not offer', paperStartBody({ method: 'bank' }), 'method'],
    [
      'video under ZERTES for an SP that is no financial intermediary',
      paperStartBody({ method: 'video', jurisdiction: 'ZERTES' }),
      'jurisdiction',
    ],
    [
      'a jurisdiction the issuer is not authorised in',
      paperStartBody({ issuer: 'BankIdent-Demo', method: 'bank', jurisdiction: 'ZERTES' }),
      'jurisdiction',
    ],
    ['an unknown jurisdiction', paperStartBody({ jurisdiction: 'USA' }), 'jurisdiction'],
    [
      'a level of assurance the method does not reach',
      paperStartBody({ assuranceLevel: 4 }),
      'assuranceLevel',
    ],
  ];

  it.each(invalidFields)('refuses %s', async (_label, body, field) => {
    // Prepare
    const before = await tableKeys();

    // Act
    const res = await start(body);

    // Assess
    expectInvalidField(res, field);
    expect(await tableKeys()).toEqual(before);
  });

  it('refuses a method outside the SP setup (demo-bank asking AutoIdent-Demo) with 400 naming issuer or method', async () => {
    const before = await tableKeys();

    const res = await start(paperStartBody({ issuer: 'AutoIdent-Demo', method: 'auto' }), {
      token: bankToken,
    });

    expectProblem(res, 400, 'validation', 'Invalid request');
    expect((res.body.errors ?? []).map((e) => e.field)).toEqual([expect.stringMatching(/^(issuer|method)$/)]);
    expect(await tableKeys()).toEqual(before);
  });

  it.each([
    [
      'http://localhost:x@evil.example/',
      'Must use https (http is allowed for localhost, 127.0.0.1 or [::1] only).',
    ],
    [
      'http://127.0.0.1:@evil.example/',
      'Must use https (http is allowed for localhost, 127.0.0.1 or [::1] only).',
    ],
    ['https://user:secret@sp.example.com/', 'Must not contain a user name or password.'],
    // Names under another domain, however they begin, are not the loopback interface.
    [
      'http://localhost.evil.com/back',
      'Must use https (http is allowed for localhost, 127.0.0.1 or [::1] only).',
    ],
    [
      'http://127.0.0.1.nip.io/back',
      'Must use https (http is allowed for localhost, 127.0.0.1 or [::1] only).',
    ],
  ])(
    'refuses the redirectUrl %s with the field error “%s”, storing nothing',
    async (redirectUrl, message) => {
      const before = await tableKeys();

      const res = await start(paperStartBody({ redirectUrl }));

      expectProblem(res, 400, 'validation', 'Invalid request');
      expect(res.body.errors).toEqual([{ field: 'redirectUrl', message }]);
      expect(await tableKeys()).toEqual(before);
    },
  );

  // Found by probing: a redirectUrl with a NUL, a C1 control, a bidi override or a zero-width space
  // was stored as sent and written into the href of the pages' "Back to the service provider"
  // button (a NUL byte in the HTML), and a lone surrogate was stored as U+FFFD, another URL than
  // the one sent. Refused as the free text fields refuse them, storing nothing.
  it.each([
    ['a NUL', 'https://sp.example/back\u0000x'],
    ['a lone surrogate', 'https://sp.example/back\ud800'],
    ['a C1 control', 'https://sp.example/back\u0085'],
    ['a right-to-left override', 'https://sp.example/\u202eback'],
    ['a zero-width space', 'https://sp.example/back\u200b'],
  ])('refuses a redirectUrl with %s with the field error, storing nothing', async (_, redirectUrl) => {
    const before = await tableKeys();

    // JSON.stringify writes each of them as a \u escape, as a client's JSON encoder does.
    const res = await start(paperStartBody({ redirectUrl }));

    expectProblem(res, 400, 'validation', 'Invalid request');
    expect(res.body.errors).toEqual([
      { field: 'redirectUrl', message: 'Must not contain control or format characters.' },
    ]);
    expect(await tableKeys()).toEqual(before);
  });

  it.each(['http://[::1]:8080/back', 'http://127.0.0.1/back', 'http://localhost:3000/back'])(
    'accepts the redirectUrl %s (http to the loopback interface) and stores it with the order',
    async (redirectUrl) => {
      const res = await start(paperStartBody({ redirectUrl }));

      expect(res.status).toBe(201);
      const order = await dynamo.send(
        new GetItemCommand({
          TableName: TABLE_NAME,
          Key: { PK: { S: `ORDER#${res.body.refId}` }, SK: { S: 'ORDER' } },
          ProjectionExpression: 'redirectUrl',
        }),
      );
      expect(order.Item?.redirectUrl).toEqual({ S: redirectUrl });
    },
  );

  it('refuses malformed JSON with 400 malformed-json', async () => {
    const before = await tableKeys();

    const res = await start(undefined, { raw: '{"dob": "1978-02-28", "email": ' });

    expectProblem(res, 400, 'malformed-json', 'Malformed JSON');
    expect(await tableKeys()).toEqual(before);
  });

  it('refuses an empty body with 400 malformed-json', async () => {
    const before = await tableKeys();

    const res = await start(undefined, { raw: '' });

    expectProblem(res, 400, 'malformed-json', 'Malformed JSON');
    expect(await tableKeys()).toEqual(before);
  });

  it.each([
    ['a JSON array', [paperStartBody()]],
    ['a JSON string', 'hello'],
    ['JSON null', null],
  ])('refuses %s as the body with 400 naming the body', async (_label, body) => {
    const before = await tableKeys();

    const res = await start(body);

    expectInvalidField(res, '(body)');
    expect(await tableKeys()).toEqual(before);
  });

  it('refuses a 1 MB body with 413', async () => {
    const before = await tableKeys();

    const res = await start(paperStartBody({ state: longText }));

    expectProblem(res, 413, 'payload-too-large', 'Payload too large');
    expect(await tableKeys()).toEqual(before);
  });

  it("refuses a body above API Gateway's 10 MB limit with 413 before any function runs", async () => {
    const before = await tableKeys();

    const res = await start(paperStartBody({ state: 'x'.repeat(11 * 1024 * 1024) }));

    expectProblem(res, 413, 'payload-too-large', 'Payload too large');
    expect(await tableKeys()).toEqual(before);
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['form encoded', 'application/x-www-form-urlencoded'],
    ['XML', 'application/xml'],
  ])('refuses a body sent as %s with 415', async (_label, contentType) => {
    const before = await tableKeys();

    const res = await start(paperStartBody(), { headers: { 'content-type': contentType } });

    expectProblem(res, 415, 'unsupported-media-type', 'Unsupported media type');
    expect(await tableKeys()).toEqual(before);
  });

  // Found by probing: a compressed body was read as text and answered "not valid JSON" (400), which
  // sends an SP with a compressing HTTP client looking for a syntax error that is not there. API
  // Gateway passes the bytes on as they came (the API enables no request decompression).
  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ])(
    'refuses a body sent with Content-Encoding %s with 415 naming the header, storing nothing',
    async (encoding, compress) => {
      const before = await tableKeys();

      const res = await fetch(`${stack().baseUrl}${IDENTIFICATIONS}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${portalToken}`,
          'content-type': 'application/json',
          'content-encoding': encoding,
        },
        body: compress(Buffer.from(JSON.stringify(paperStartBody()))),
      });

      const problem = {
        status: res.status,
        headers: res.headers,
        body: (await res.json()) as Problem,
        text: '',
      };
      expectProblem(problem, 415, 'unsupported-media-type', 'Unsupported media type');
      expect(problem.body.detail).toBe('Send the body uncompressed: Content-Encoding is not supported.');
      expect(await tableKeys()).toEqual(before);
    },
  );

  // Found by probing: two Idempotency-Key header lines were taken as one key ("a, b" locally; API
  // Gateway hands the function the last line alone), so a retry through a proxy that adds its own
  // key was silently a different request. A key given twice is refused, as a repeated query parameter is.
  it('refuses an Idempotency-Key given in two header lines with 400 naming it, storing nothing', async () => {
    const before = await tableKeys();
    const body = JSON.stringify(paperStartBody());

    const sent = await sendHeaderLines(
      `${stack().baseUrl}${IDENTIFICATIONS}`,
      'POST',
      [
        ['authorization', `Bearer ${portalToken}`],
        ['content-type', 'application/json'],
        ['idempotency-key', 'retry-1'],
        ['idempotency-key', 'proxy-2'],
      ],
      body,
    );
    const answer = { status: sent.status, body: JSON.parse(sent.text) as Problem };

    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ field: 'Idempotency-Key', message: 'Given more than once.' }]);
    expect(await tableKeys()).toEqual(before);
  });

  // Found by probing: two Content-Type lines (`application/json`, then `text/plain`) started an
  // identification locally, which read the first line; API Gateway hands the function the last one,
  // so the same request was a 415 in AWS. A media type given twice is refused, storing nothing.
  it('refuses a Content-Type given in two header lines with 400 naming it, storing nothing', async () => {
    const before = await tableKeys();
    const body = JSON.stringify(paperStartBody());

    for (const lines of [
      ['application/json', 'text/plain'],
      ['application/json', 'application/json'],
    ]) {
      const answer = await sendHeaderLines(
        `${stack().baseUrl}${IDENTIFICATIONS}`,
        'POST',
        [['authorization', `Bearer ${portalToken}`], ...lines.map((l) => ['content-type', l] as const)],
        body,
      );

      expect(answer.status, lines.join(' + ')).toBe(400);
      expect(answer.headers['content-type']).toBe('application/problem+json');
      expect((JSON.parse(answer.text) as Problem).errors).toEqual([
        { field: 'Content-Type', message: 'Given more than once.' },
      ]);
    }
    expect(await tableKeys()).toEqual(before);
  });

  it('takes a body marked Content-Encoding: identity as it is', async () => {
    const res = await start(paperStartBody(), { headers: { 'content-encoding': 'identity' } });

    expect(res.status).toBe(201);
  });

  it('lists every invalid field of one request, not only the first, each with the rule’s message', async () => {
    const res = await start(paperStartBody({ dob: '1978-02-30', mobile: '0783478228', language: 'xx' }));

    expectProblem(res, 400, 'validation', 'Invalid request');
    expect(res.body.errors).toEqual([
      { field: 'dob', message: 'Must be a real calendar date, YYYY-MM-DD.' },
      { field: 'language', message: 'Must be one of "en", "de", "fr" or "it".' },
      { field: 'mobile', message: 'Must be an E.164 number: + then 8 to 15 digits, e.g. +41791234567.' },
    ]);
  });

  it.each([
    ['the status read', 'GET', 'not-a-uuid', ''],
    ['the status read', 'GET', '3f1c2a9e-8b7d-9c6e-9f0a-1b2c3d4e5f60', ''],
    ['the SMS resend', 'POST', 'not-a-uuid', '/terms-sms'],
    ['the SMS resend', 'POST', '3F1C2A9E-8B7D-4C6E-7F0A-1B2C3D4E5F60', '/terms-sms'],
  ])(
    '%s refuses a refId that is not a UUID (%s %s) with 400 naming refId, and writes nothing',
    async (_label, method, refId, tail) => {
      const before = await tableKeys();

      const res = await call<Problem>(stack(), method, `${IDENTIFICATIONS}/${refId}${tail}`, {
        token: portalToken,
      });

      expectProblem(res, 400, 'validation', 'Invalid request');
      expect(res.body.errors).toEqual([{ field: 'refId', message: 'Must be a UUID.' }]);
      expect(await tableKeys()).toEqual(before);
    },
  );

  it('accepts names with accents, apostrophes and hyphens (the validation is not ASCII-only)', async () => {
    const res = await start(paperStartBody({ firstName: 'Zoë-Anaïs', lastName: "d'Urbéville Müller" }));

    expect(res.status).toBe(201);
  });
});

describe('Idempotency-Key', () => {
  const key = (label: string) => `${label}-${crypto.randomUUID()}`;

  it('answers a retry with the same key and body with the first answer, marked as replayed, and stores one order', async () => {
    // Prepare
    const idempotencyKey = key('retry');
    const before = await ordersOf('demo-portal');

    // Act
    const first = await start(paperStartBody(), { headers: { 'idempotency-key': idempotencyKey } });
    const second = await start(paperStartBody(), { headers: { 'idempotency-key': idempotencyKey } });

    // Assess
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(await ordersOf('demo-portal')).toEqual([...before, first.body.refId].sort());
  });

  it('treats the same body with its fields in another order as the same request', async () => {
    const idempotencyKey = key('reordered');
    const body = paperStartBody();
    const reordered = Object.fromEntries(Object.entries(body).reverse());

    const first = await start(body, { headers: { 'idempotency-key': idempotencyKey } });
    const second = await start(reordered, { headers: { 'idempotency-key': idempotencyKey } });

    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.refId).toBe(first.body.refId);
  });

  it('refuses the same key with a different body with 422 and stores nothing more', async () => {
    // Prepare
    const idempotencyKey = key('mismatch');
    const first = await start(paperStartBody(), { headers: { 'idempotency-key': idempotencyKey } });
    expect(first.status).toBe(201);
    const before = await tableKeys();

    // Act
    const res = await start(paperStartBody({ firstName: 'Fritz' }), {
      headers: { 'idempotency-key': idempotencyKey },
    });

    // Assess
    expectProblem(res, 422, 'idempotency-key-reused', 'Unprocessable request');
    expect(await tableKeys()).toEqual(before);
  });

  it('keeps keys per SP: the same key from another SP opens its own order', async () => {
    const idempotencyKey = key('per-sp');
    const bankBody = paperStartBody({ issuer: 'VideoIdent-Demo', method: 'video' });

    const portal = await start(paperStartBody(), { headers: { 'idempotency-key': idempotencyKey } });
    const bank = await start(bankBody, { token: bankToken, headers: { 'idempotency-key': idempotencyKey } });

    expect(portal.status).toBe(201);
    expect(bank.status).toBe(201);
    expect(bank.headers.get('idempotent-replayed')).toBeNull();
    expect(bank.body.refId).not.toBe(portal.body.refId);
  });

  it('opens exactly one order for five concurrent requests with the same key and body', async () => {
    // Prepare
    const idempotencyKey = key('concurrent');
    const before = await ordersOf('demo-portal');

    // Act
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        start(paperStartBody(), { headers: { 'idempotency-key': idempotencyKey } }),
      ),
    );

    // Assess
    const created = answers.filter((a) => a.status === 201);
    const conflicts = answers.filter((a) => a.status === 409);
    expect(created.length + conflicts.length).toBe(answers.length);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((a) => a.body.refId)).size).toBe(1);
    expect(created.filter((a) => a.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    for (const c of conflicts) expectProblem(c, 409, 'idempotency-key-in-use', 'Conflict');
    const refId = created[0]?.body.refId as string;
    expect(await ordersOf('demo-portal')).toEqual([...before, refId].sort());
  });

  it.each([
    ['300 characters', 'k'.repeat(300)],
    ['a space', 'my key'],
    ['a tab', 'my\tkey'],
  ])(
    'refuses an invalid key (%s) with 400 naming Idempotency-Key, and stores nothing',
    async (_label, value) => {
      const before = await tableKeys();

      const res = await start(paperStartBody(), { headers: { 'idempotency-key': value } });

      expectInvalidField(res, 'Idempotency-Key');
      expect(res.body.errors).toEqual([
        { field: 'Idempotency-Key', message: 'Must be 1 to 255 printable ASCII characters.' },
      ]);
      expect(await tableKeys()).toEqual(before);
    },
  );
});
