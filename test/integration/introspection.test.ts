/**
 * Token introspection (RFC 7662) over HTTP on the embedded stack: who may learn what about which
 * token — partners about the order tokens addressed to them, SPs about their own access tokens,
 * and everybody else `{"active": false}` alone — plus the order tokens themselves and their JWKS.
 */
import { createLocalJWKSet, decodeJwt, exportJWK, generateKeyPair, type JWK, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { signOrderToken } from '../../lambdas/adapters/order-token.js';
import { call, paperStartBody, tokenFor, useStack } from '../support/stack.js';

type Answer = Record<string, unknown>;

/** Access tokens of the callers. */
const callers: Record<string, string> = {};
/** The tokens introspected. */
const tokens: Record<string, string> = {};
let bankOrder: { refId: string; expiresAt: string };

function orderTokenOf(targetURL: string): string {
  const token = new URL(targetURL).searchParams.get('token');
  if (!token) throw new Error(`no order token in ${targetURL}`);
  return token;
}

async function startOrder(token: string, body: Record<string, unknown>) {
  const res = await call<{ refId: string; targetURL: string; expiresAt: string }>(
    stack(),
    'POST',
    '/api/identifications',
    { token, json: paperStartBody(body) },
  );
  expect(res.status).toBe(201);
  return { ...res.body, orderToken: orderTokenOf(res.body.targetURL) };
}

function introspect(
  callerToken: string | undefined,
  form: string,
  contentType = 'application/x-www-form-urlencoded',
) {
  return call<Answer>(stack(), 'POST', '/oauth2/introspect', {
    ...(callerToken ? { token: callerToken } : {}),
    body: form,
    headers: { 'content-type': contentType },
  });
}

const formOf = (token: string) => new URLSearchParams({ token }).toString();

/** The same token with one claim changed, the signature kept. */
function tampered(token: string, change: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const claims = { ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')), ...change };
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

function serviceKey(): JWK {
  const raw = process.env.ORDER_TOKEN_PRIVATE_JWK;
  if (!raw) throw new Error('The local stack has not set ORDER_TOKEN_PRIVATE_JWK');
  return JSON.parse(raw) as JWK;
}

const stack = useStack({ rateLimits: false });
beforeAll(async () => {
  callers['demo-portal'] = await tokenFor(stack(), 'demo-portal');
  callers['demo-bank'] = await tokenFor(stack(), 'demo-bank');
  callers['bankident-demo'] = await tokenFor(stack(), 'bankident-demo');
  callers['test-isp'] = await tokenFor(stack(), 'test-isp');

  const bank = await startOrder(callers['demo-portal'], {
    issuer: 'BankIdent-Demo',
    method: 'bank',
    mobile: '+41790000001',
  });
  bankOrder = bank;
  const test = await startOrder(callers['demo-portal'], { mobile: '+41790000002' });
  const cancelled = await startOrder(callers['demo-portal'], {
    issuer: 'BankIdent-Demo',
    method: 'bank',
    mobile: '+41790000003',
  });
  const cancel = await call(stack(), 'POST', `/test-isp/api/orders/${cancelled.refId}`, {
    json: { status: 'cancelled-user' },
  });
  expect(cancel.status).toBe(200);

  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const foreignKey = { ...(await exportJWK(privateKey)), kid: serviceKey().kid, alg: 'ES256' };
  const past = new Date(Date.now() - 3 * 3600_000);
  const expiredInput = {
    issuer: stack().baseUrl,
    audience: 'BankIdent-Demo',
    refId: bank.refId,
    method: 'bank',
    loa: 4 as const,
    expiresAt: new Date(past.getTime() + 3600_000),
    now: past,
  };

  Object.assign(tokens, {
    'order token for BankIdent-Demo': bank.orderToken,
    'order token for Test-ISP': test.orderToken,
    'expired order token for BankIdent-Demo': await signOrderToken(expiredInput, serviceKey()),
    'order token for BankIdent-Demo with a changed audience': tampered(test.orderToken, {
      aud: 'BankIdent-Demo',
    }),
    'order token for BankIdent-Demo with a prolonged expiry': tampered(bank.orderToken, {
      exp: Math.floor(Date.now() / 1000) + 86_400 * 365,
    }),
    'order token for BankIdent-Demo signed by a foreign key': await signOrderToken(
      { ...expiredInput, now: new Date(), expiresAt: new Date(Date.now() + 3600_000) },
      foreignKey,
    ),
    'order token for a cancelled BankIdent-Demo order': cancelled.orderToken,
    garbage: 'not-a-token',
    'garbage shaped like a JWT': 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
    'access token of demo-portal': callers['demo-portal'],
    'access token of demo-bank': callers['demo-bank'],
    'expired access token of demo-portal': await stack().auth.issue('demo-portal', ['srs/read'], {
      now: past,
      ttlSeconds: 600,
    }),
    'access token of bankident-demo': callers['bankident-demo'],
  });
});

describe('POST /oauth2/introspect, the matrix of caller × token', () => {
  it.each([
    ['bankident-demo', 'order token for Test-ISP'],
    ['bankident-demo', 'expired order token for BankIdent-Demo'],
    ['bankident-demo', 'order token for BankIdent-Demo with a changed audience'],
    ['bankident-demo', 'order token for BankIdent-Demo with a prolonged expiry'],
    ['bankident-demo', 'order token for BankIdent-Demo signed by a foreign key'],
    ['bankident-demo', 'order token for a cancelled BankIdent-Demo order'],
    ['bankident-demo', 'garbage'],
    ['bankident-demo', 'garbage shaped like a JWT'],
    ['bankident-demo', 'access token of demo-portal'],
    ['test-isp', 'order token for BankIdent-Demo'],
    ['demo-portal', 'access token of demo-bank'],
    ['demo-portal', 'expired access token of demo-portal'],
    ['demo-portal', 'order token for BankIdent-Demo'],
    ['demo-portal', 'order token for Test-ISP'],
    ['demo-bank', 'order token for BankIdent-Demo'],
    ['demo-portal', 'garbage'],
  ])('answers %s about the %s with {"active": false} alone', async (caller, token) => {
    const res = await introspect(callers[caller], formOf(tokens[token] as string));

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({ active: false });
  });

  it('answers a partner in full about a valid order token addressed to it', async () => {
    const res = await introspect(
      callers['bankident-demo'],
      formOf(tokens['order token for BankIdent-Demo'] as string),
    );

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      active: true,
      token_type: 'order+jwt',
      scope: 'identification',
      client_id: 'demo-portal',
      iss: stack().baseUrl,
      aud: 'BankIdent-Demo',
      sub: bankOrder.refId,
      refId: bankOrder.refId,
      method: 'bank',
      loa: 4,
      iat: expect.any(Number),
      exp: Math.floor(new Date(bankOrder.expiresAt).getTime() / 1000),
      jti: expect.any(String),
    });
  });

  it('answers the Test-ISP’s backend in full about an order token addressed to the Test-ISP', async () => {
    const res = await introspect(callers['test-isp'], formOf(tokens['order token for Test-ISP'] as string));

    expect(res.body).toMatchObject({ active: true, aud: 'Test-ISP', method: 'test', loa: 3 });
  });

  it('answers an SP in full about its own access token', async () => {
    const own = tokens['access token of demo-portal'] as string;
    const claims = decodeJwt(own);

    const res = await introspect(callers['demo-portal'], formOf(own));

    expect(res.body).toEqual({
      active: true,
      token_type: 'access_token',
      scope: 'srs/read srs/write',
      client_id: 'demo-portal',
      iss: stack().baseUrl,
      sub: 'demo-portal',
      iat: claims.iat,
      exp: claims.exp,
      jti: claims.jti,
    });
  });

  it('answers a partner’s backend about its own access token, as any client about its own', async () => {
    const res = await introspect(
      callers['bankident-demo'],
      formOf(tokens['access token of bankident-demo'] as string),
    );

    expect(res.body).toMatchObject({ active: true, client_id: 'bankident-demo', scope: 'srs/introspect' });
  });

  it('treats token_type_hint as a hint only', async () => {
    const form = new URLSearchParams({
      token: tokens['order token for BankIdent-Demo'] as string,
      token_type_hint: 'access_token',
    }).toString();

    const res = await introspect(callers['bankident-demo'], form);

    expect(res.body).toMatchObject({ active: true, refId: bankOrder.refId });
  });
});

describe('POST /oauth2/introspect, refused requests', () => {
  it('refuses a call without an access token with 401 problem+json', async () => {
    const res = await introspect(undefined, formOf(tokens['order token for BankIdent-Demo'] as string));

    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
  });

  it('refuses a caller whose token has neither srs/introspect nor srs/read with 401', async () => {
    const writeOnly = await stack().auth.issue('demo-portal', ['srs/write']);

    const res = await introspect(writeOnly, formOf(tokens.garbage as string));

    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
  });

  it('refuses a caller with an expired access token with 401', async () => {
    const res = await introspect(
      tokens['expired access token of demo-portal'],
      formOf(tokens.garbage as string),
    );

    expect(res.status).toBe(401);
  });

  it.each([
    ['a JSON body', JSON.stringify({ token: 'x' }), 'application/json'],
    ['no token parameter', 'token_type_hint=access_token', 'application/x-www-form-urlencoded'],
    ['an empty token', 'token=', 'application/x-www-form-urlencoded'],
    ['the token parameter twice', 'token=a&token=b', 'application/x-www-form-urlencoded'],
    ['a form over the size limit', `token=${'a'.repeat(70_000)}`, 'application/x-www-form-urlencoded'],
  ])(
    'refuses %s with 400 problem+json carrying the OAuth error invalid_request',
    async (_case, body, type) => {
      const res = await introspect(callers['bankident-demo'], body, type);

      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body).toMatchObject({ status: 400, error: 'invalid_request' });
    },
  );

  it.each([
    ['no token parameter', 'token_type_hint=access_token', 'Required: a string of 1 to 8192 characters.'],
    ['an empty token', 'token=', 'Must not be empty.'],
    ['a token over 8192 characters', `token=${'a'.repeat(8193)}`, 'Must be at most 8192 characters long.'],
  ])(
    'names the token in the errors of a form with %s, in the schema’s words',
    async (_case, body, message) => {
      const res = await introspect(callers['bankident-demo'], body, 'application/x-www-form-urlencoded');

      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        error_description: 'The token parameter is missing or not valid.',
        errors: [{ field: 'token', message }],
      });
    },
  );
});

describe('order tokens in the target URL', () => {
  it('carry an ES256 JWT for the partner that verifies with the published JWKS', async () => {
    const jwks = await call<{ keys: JWK[] }>(stack(), 'GET', '/isp/v1/jwks.json');

    const { payload, protectedHeader } = await jwtVerify(
      tokens['order token for BankIdent-Demo'] as string,
      createLocalJWKSet(jwks.body),
      { issuer: stack().baseUrl, audience: 'BankIdent-Demo', typ: 'order+jwt', algorithms: ['ES256'] },
    );

    expect(jwks.status).toBe(200);
    expect(protectedHeader.kid).toBe(jwks.body.keys[0]?.kid);
    expect(payload).toMatchObject({ sub: bankOrder.refId, refId: bankOrder.refId, method: 'bank', loa: 4 });
  });

  it('are published as public keys only, cacheable', async () => {
    const res = await call<{ keys: JWK[] }>(stack(), 'GET', '/isp/v1/jwks.json');

    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.body.keys.length).toBeGreaterThan(0);
    for (const key of res.body.keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }
  });

  it('leave the Test-ISP simulator page working (it ignores the token)', async () => {
    const res = await fetch(
      `${stack().baseUrl}/test-isp/orders/${bankOrder.refId}?token=${tokens['order token for BankIdent-Demo']}`,
    );

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });
});
