/**
 * The local authorization server (Cognito's client-credentials token endpoint, JWKS, RFC 8414
 * metadata) over real HTTP: tokens shaped like Cognito's, errors per RFC 6749 §5.2.
 */
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { sendHeaderLines } from '../support/header-lines.js';
import { useStack } from '../support/stack.js';

const stack = useStack();

const CLIENT_ID = 'demo-portal';
const CLIENT_SECRET = 'demo-portal-secret';
const FORM = 'application/x-www-form-urlencoded';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

interface TokenAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function tokenRequest(
  form: Record<string, string>,
  headers: Record<string, string> = {},
  rawBody?: string,
): Promise<TokenAnswer> {
  const res = await fetch(`${stack().baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': FORM, ...headers },
    body: rawBody ?? new URLSearchParams(form).toString(),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

function expectOAuthError(answer: TokenAnswer, status: number, error: string) {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(answer.headers.get('cache-control')).toBe('no-store');
  expect(answer.body.error).toBe(error);
  expect(typeof answer.body.error_description).toBe('string');
  expect(answer.body).not.toHaveProperty('access_token');
}

describe('POST /oauth2/token (client credentials)', () => {
  it('issues a bearer token to a client authenticated with HTTP Basic', async () => {
    // Act
    const answer = await tokenRequest(
      { grant_type: 'client_credentials' },
      { authorization: basic(CLIENT_ID, CLIENT_SECRET) },
    );

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body.token_type).toBe('Bearer');
    expect(answer.body.expires_in).toBe(3600);
    expect(typeof answer.body.access_token).toBe('string');
  });

  it('issues a bearer token to a client authenticated with client_id and client_secret in the form body', async () => {
    const answer = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });

    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body.token_type).toBe('Bearer');
    expect(answer.body.expires_in).toBe(3600);
    expect(typeof answer.body.access_token).toBe('string');
  });

  it('issues a JWT shaped like a Cognito access token that verifies against the published JWKS', async () => {
    // Prepare
    const before = Math.floor(Date.now() / 1000);
    const answer = await tokenRequest(
      { grant_type: 'client_credentials' },
      { authorization: basic(CLIENT_ID, CLIENT_SECRET) },
    );
    const token = answer.body.access_token as string;
    const jwksRes = await fetch(`${stack().baseUrl}/.well-known/jwks.json`);
    const jwks = (await jwksRes.json()) as JSONWebKeySet;

    // Act
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: stack().baseUrl,
      algorithms: ['RS256'],
    });

    // Assess
    expect(jwksRes.status).toBe(200);
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(protectedHeader.alg).toBe('RS256');
    expect(protectedHeader.kid).toBe(jwks.keys[0]?.kid);
    expect(decodeProtectedHeader(token).kid).toEqual(expect.any(String));
    expect(payload.client_id).toBe(CLIENT_ID);
    expect(payload.token_use).toBe('access');
    expect(payload.iss).toBe(stack().baseUrl);
    expect((payload.scope as string).split(' ').sort()).toEqual(['srs/read', 'srs/write']);
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.iat).toBeGreaterThanOrEqual(before - 5);
    expect(payload.exp).toBe((payload.iat as number) + 3600);
  });

  it('grants only the narrower scope a client asks for', async () => {
    const answer = await tokenRequest(
      { grant_type: 'client_credentials', scope: 'srs/read' },
      { authorization: basic(CLIENT_ID, CLIENT_SECRET) },
    );

    expect(answer.status).toBe(200);
    expect(decodeJwt(answer.body.access_token as string).scope).toBe('srs/read');
  });

  it('publishes RFC 8414 authorization server metadata naming the token endpoint and the JWKS', async () => {
    const res = await fetch(`${stack().baseUrl}/.well-known/oauth-authorization-server`);
    const metadata = (await res.json()) as Record<string, unknown>;

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(metadata.issuer).toBe(stack().baseUrl);
    expect(metadata.token_endpoint).toBe(`${stack().baseUrl}/oauth2/token`);
    expect(metadata.jwks_uri).toBe(`${stack().baseUrl}/.well-known/jwks.json`);
    expect(metadata.grant_types_supported).toEqual(['client_credentials']);
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
    );
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['srs/read', 'srs/write']));
  });
});

describe('POST /oauth2/token errors (RFC 6749 §5.2)', () => {
  it('refuses a wrong client secret with 401 invalid_client', async () => {
    const answer = await tokenRequest(
      { grant_type: 'client_credentials' },
      { authorization: basic(CLIENT_ID, 'not-the-secret') },
    );

    expectOAuthError(answer, 401, 'invalid_client');
    expect(answer.headers.get('www-authenticate')).toMatch(/^Basic/);
  });

  it('refuses a wrong client secret in the form body with 401 invalid_client', async () => {
    const answer = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: 'not-the-secret',
    });

    expectOAuthError(answer, 401, 'invalid_client');
  });

  it('refuses an unknown client with 401 invalid_client', async () => {
    const answer = await tokenRequest(
      { grant_type: 'client_credentials' },
      { authorization: basic('no-such-client', CLIENT_SECRET) },
    );

    expectOAuthError(answer, 401, 'invalid_client');
  });

  it('refuses an unknown grant type with 400 unsupported_grant_type', async () => {
    const answer = await tokenRequest(
      { grant_type: 'password', username: 'hans', password: 'x' },
      { authorization: basic(CLIENT_ID, CLIENT_SECRET) },
    );

    expectOAuthError(answer, 400, 'unsupported_grant_type');
  });

  it('refuses a request without grant_type with 400 invalid_request', async () => {
    const answer = await tokenRequest({}, { authorization: basic(CLIENT_ID, CLIENT_SECRET) });

    expectOAuthError(answer, 400, 'invalid_request');
  });

  it('refuses a scope the client was not granted with 400 invalid_scope', async () => {
    const answer = await tokenRequest(
      { grant_type: 'client_credentials', scope: 'srs/read srs/admin' },
      { authorization: basic(CLIENT_ID, CLIENT_SECRET) },
    );

    expectOAuthError(answer, 400, 'invalid_scope');
  });

  it('refuses a client that authenticates twice (HTTP Basic and client_secret in the body) with 400 invalid_request', async () => {
    const answer = await tokenRequest(
      { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
      { authorization: basic(CLIENT_ID, CLIENT_SECRET) },
    );

    expectOAuthError(answer, 400, 'invalid_request');
  });

  it('refuses a JSON request body with 400 invalid_request', async () => {
    const answer = await tokenRequest(
      {},
      { 'content-type': 'application/json' },
      JSON.stringify({
        grant_type: 'client_credentials',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      }),
    );

    expectOAuthError(answer, 400, 'invalid_request');
  });

  it('refuses a repeated parameter with 400 invalid_request', async () => {
    const answer = await tokenRequest(
      {},
      { authorization: basic(CLIENT_ID, CLIENT_SECRET) },
      'grant_type=client_credentials&grant_type=client_credentials',
    );

    expectOAuthError(answer, 400, 'invalid_request');
  });

  // Found by probing: with two Authorization lines the token was issued for the first (Node keeps
  // the first line of a header it allows once). Two credentials are none.
  it('refuses two Authorization lines with 400 invalid_request, issuing nothing, whichever comes first', async () => {
    for (const lines of [
      [basic(CLIENT_ID, CLIENT_SECRET), basic(CLIENT_ID, 'wrong-secret')],
      [basic(CLIENT_ID, CLIENT_SECRET), basic(CLIENT_ID, CLIENT_SECRET)],
    ]) {
      const sent = await sendHeaderLines(
        `${stack().baseUrl}/oauth2/token`,
        'POST',
        [['content-type', FORM], ...lines.map((line) => ['authorization', line] as const)],
        'grant_type=client_credentials',
      );
      const answer: TokenAnswer = {
        status: sent.status,
        headers: new Headers(sent.headers as Record<string, string>),
        body: JSON.parse(sent.text) as Record<string, unknown>,
      };

      expectOAuthError(answer, 400, 'invalid_request');
      expect(answer.body.error_description).toBe('Authorization header repeated.');
    }
  });

  it('refuses malformed Basic credentials with 401 invalid_client', async () => {
    const answer = await tokenRequest(
      { grant_type: 'client_credentials' },
      { authorization: `Basic ${Buffer.from('no-colon-here').toString('base64')}` },
    );

    expectOAuthError(answer, 401, 'invalid_client');
  });
});
