/**
 * Bearer tokens at the gateway (the Cognito authorizer's job) and the SP boundary in the handlers,
 * over real HTTP: every refused token is a 401 problem+json with WWW-Authenticate, and an SP never
 * sees another SP's identification.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateSigningKey, type SigningKey } from '../../local/cognito.js';
import { type ApiResponse, call, paperStartBody, tokenFor, useStack } from '../support/stack.js';

let dataDir: string;
/** The stack's own signing key (the stack loads it from its data folder), to sign odd tokens. */
let stackKey: SigningKey;

// Registered first, so that it runs after the stack has closed.
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});
const stack = useStack(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'srs-auth-'));
  stackKey = await loadOrCreateSigningKey(dataDir);
  return { dataDir };
});

const PROVIDERS = '/api/providers';
const IDENTIFICATIONS = '/api/identifications';

function cognitoLikeClaims(overrides: JWTPayload = {}): JWTPayload {
  const iat = Math.floor(Date.now() / 1000);
  return {
    client_id: 'demo-portal',
    sub: 'demo-portal',
    token_use: 'access',
    scope: 'srs/read srs/write',
    iss: stack().baseUrl,
    iat,
    exp: iat + 3600,
    jti: randomUUID(),
    ...overrides,
  };
}

async function signWithStackKey(claims: JWTPayload): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: stackKey.kid, typ: 'JWT' })
    .sign(stackKey.privateKey);
}

function expectUnauthorized(res: ApiResponse) {
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
  expect(res.body).toMatchObject({
    type: 'https://smart-registration.example/problems/unauthorized',
    title: 'Unauthorized',
    status: 401,
  });
}

/** Both protected routes, called with the same Authorization header. */
async function callBoth(authorization: string | undefined) {
  const headers: Record<string, string> = authorization ? { authorization } : {};
  return Promise.all([
    call(stack(), 'GET', PROVIDERS, { headers }),
    call(stack(), 'POST', IDENTIFICATIONS, { headers, json: paperStartBody() }),
  ]);
}

describe('bearer tokens on GET /api/providers and POST /api/identifications', () => {
  it('refuses a request without a token with 401 and WWW-Authenticate: Bearer', async () => {
    const answers = await callBoth(undefined);

    for (const res of answers) expectUnauthorized(res);
  });

  it.each([
    ['a Basic scheme', `Basic ${Buffer.from('demo-portal:demo-portal-secret').toString('base64')}`],
    ['an empty Bearer', 'Bearer '],
    ['two credentials', 'Bearer abc def'],
    ['a token that is not a JWT', 'Bearer not-a-jwt'],
    ['a JWT of four parts', 'Bearer a.b.c.d'],
    ['garbage parts', 'Bearer !!!.???.***'],
  ])('refuses a malformed Authorization header (%s) with 401', async (_label, authorization) => {
    const answers = await callBoth(authorization);

    for (const res of answers) expectUnauthorized(res);
  });

  it('refuses an expired token with 401 saying it expired', async () => {
    // Prepare: issued two hours ago, valid for one hour
    const token = await stack().auth.issue('demo-portal', ['srs/read', 'srs/write'], {
      now: new Date(Date.now() - 2 * 3600 * 1000),
      ttlSeconds: 3600,
    });

    // Act
    const answers = await callBoth(`Bearer ${token}`);

    // Assess
    for (const res of answers) {
      expectUnauthorized(res);
      expect((res.body as { detail: string }).detail).toMatch(/expired/i);
    }
  });

  it('refuses a token whose signature was tampered with', async () => {
    // Prepare: change one character in the middle of the signature
    const token = await tokenFor(stack());
    const [header, payload, signature = ''] = token.split('.');
    const i = Math.floor(signature.length / 2);
    const flipped = signature[i] === 'A' ? 'B' : 'A';
    const tampered = `${header}.${payload}.${signature.slice(0, i)}${flipped}${signature.slice(i + 1)}`;

    const answers = await callBoth(`Bearer ${tampered}`);

    for (const res of answers) expectUnauthorized(res);
  });

  it('refuses a token whose claims were changed after signing (scope widened)', async () => {
    const token = await tokenFor(stack(), 'demo-portal', 'srs/read');
    const [header, payload = '', signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JWTPayload;
    const widened = Buffer.from(JSON.stringify({ ...claims, scope: 'srs/read srs/write' })).toString(
      'base64url',
    );

    const res = await call(stack(), 'POST', IDENTIFICATIONS, {
      headers: { authorization: `Bearer ${header}.${widened}.${signature}` },
      json: paperStartBody(),
    });

    expectUnauthorized(res);
  });

  it('refuses a token with the right claims and kid but signed by another key', async () => {
    // Prepare
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(cognitoLikeClaims())
      .setProtectedHeader({ alg: 'RS256', kid: stackKey.kid, typ: 'JWT' })
      .sign(privateKey);

    const answers = await callBoth(`Bearer ${forged}`);

    for (const res of answers) expectUnauthorized(res);
  });

  it('refuses an unsigned token (alg: none), with or without a signature part', async () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode(cognitoLikeClaims())}`;

    for (const token of [`${unsigned}.`, `${unsigned}.c2lnbmF0dXJl`]) {
      const answers = await callBoth(`Bearer ${token}`);
      for (const res of answers) expectUnauthorized(res);
    }
  });

  it('refuses an HS256 token keyed with the public key (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(stackKey.publicJwk));
    const confused = await new SignJWT(cognitoLikeClaims())
      .setProtectedHeader({ alg: 'HS256', kid: stackKey.kid, typ: 'JWT' })
      .sign(secret);

    const answers = await callBoth(`Bearer ${confused}`);

    for (const res of answers) expectUnauthorized(res);
  });

  it('refuses an ID token (token_use: id) signed by the right key', async () => {
    const idToken = await signWithStackKey(cognitoLikeClaims({ token_use: 'id', aud: 'demo-portal' }));

    const answers = await callBoth(`Bearer ${idToken}`);

    for (const res of answers) expectUnauthorized(res);
  });

  it('refuses a token from another issuer signed by the right key', async () => {
    const token = await signWithStackKey(cognitoLikeClaims({ iss: 'https://cognito-idp.example/other' }));

    const answers = await callBoth(`Bearer ${token}`);

    for (const res of answers) expectUnauthorized(res);
  });

  it('refuses a token without a client_id signed by the right key', async () => {
    const { client_id: _dropped, ...withoutClient } = cognitoLikeClaims();
    const token = await signWithStackKey(withoutClient);

    const answers = await callBoth(`Bearer ${token}`);

    for (const res of answers) expectUnauthorized(res);
  });

  it('accepts a token the stack signed itself with the right claims (the forged-token tests are meaningful)', async () => {
    const token = await signWithStackKey(cognitoLikeClaims());

    const res = await call(stack(), 'GET', PROVIDERS, { token });

    expect(res.status).toBe(200);
  });

  it('refuses to start an identification with a read-only token (401, insufficient_scope)', async () => {
    // Prepare
    const readOnly = await tokenFor(stack(), 'demo-portal', 'srs/read');

    // Act
    const res = await call(stack(), 'POST', IDENTIFICATIONS, { token: readOnly, json: paperStartBody() });

    // Assess
    expectUnauthorized(res);
    expect(res.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
    expect(res.headers.get('www-authenticate')).toMatch(/scope="srs\/write"/);
  });

  it('refuses to list the providers with a write-only token (401, insufficient_scope)', async () => {
    const writeOnly = await tokenFor(stack(), 'demo-portal', 'srs/write');

    const res = await call(stack(), 'GET', PROVIDERS, { token: writeOnly });

    expectUnauthorized(res);
    expect(res.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
    expect(res.headers.get('www-authenticate')).toMatch(/scope="srs\/read"/);
  });

  it('lists the providers with a read-only token', async () => {
    const readOnly = await tokenFor(stack(), 'demo-portal', 'srs/read');

    const res = await call(stack(), 'GET', PROVIDERS, { token: readOnly });

    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
  });
});

describe('an SP sees only its own identifications', () => {
  interface Problem {
    type: string;
    title: string;
    status: number;
    detail?: string;
    instance?: string;
  }

  it("answers 404 for another SP's refId, with the same body as for a refId that does not exist", async () => {
    // Prepare: demo-portal starts an identification
    const portalToken = await tokenFor(stack(), 'demo-portal');
    const bankToken = await tokenFor(stack(), 'demo-bank');
    const started = await call<{ refId: string }>(stack(), 'POST', IDENTIFICATIONS, {
      token: portalToken,
      json: paperStartBody(),
    });
    expect(started.status).toBe(201);
    const { refId } = started.body;

    // Act
    const foreign = await call<Problem>(stack(), 'GET', `${IDENTIFICATIONS}/${refId}`, { token: bankToken });
    const missing = await call<Problem>(stack(), 'GET', `${IDENTIFICATIONS}/${randomUUID()}`, {
      token: bankToken,
    });
    const own = await call(stack(), 'GET', `${IDENTIFICATIONS}/${refId}`, { token: portalToken });

    // Assess
    expect(own.status).toBe(200);
    for (const res of [foreign, missing]) {
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body).toMatchObject({
        type: 'https://smart-registration.example/problems/not-found',
        title: 'Not found',
        status: 404,
      });
    }
    const { instance: _a, ...foreignBody } = foreign.body;
    const { instance: _b, ...missingBody } = missing.body;
    expect(foreignBody).toEqual(missingBody);
    expect(foreign.text).not.toContain('demo-portal');
  });

  it.each([
    ['not a UUID', 'not-a-uuid'],
    ['an injection string', encodeURIComponent("1' OR '1'='1")],
    ['a UUID with trailing text', `${randomUUID()}x`],
  ])('refuses a malformed refId (%s) with 400 naming refId', async (_label, refId) => {
    const token = await tokenFor(stack(), 'demo-bank');

    const res = await call<Problem & { errors: { field: string }[] }>(
      stack(),
      'GET',
      `${IDENTIFICATIONS}/${refId}`,
      { token },
    );

    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({
      type: 'https://smart-registration.example/problems/validation',
      title: 'Invalid request',
      status: 400,
    });
    expect(res.body.errors.map((e) => e.field)).toContain('refId');
  });

  it.each([
    ['a broken percent-encoding', '%ZZ'],
    ['a truncated UTF-8 percent-encoding', '%E0%A4%A'],
  ])('refuses a refId with %s at the gateway with 400, before any function runs', async (_label, refId) => {
    const token = await tokenFor(stack(), 'demo-bank');

    const res = await call<Problem>(stack(), 'GET', `${IDENTIFICATIONS}/${refId}`, { token });

    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({
      type: 'https://smart-registration.example/problems/validation',
      status: 400,
    });
    expect(res.body.detail).toContain('refId');
  });
});
