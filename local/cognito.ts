/**
 * Emulates Cognito's client-credentials token endpoint (RFC 6749 §4.4) for the local stack: signs
 * RS256 access tokens shaped like Cognito's, publishes the JWKS and RFC 8414 metadata. Business
 * rules live in lambdas/; this only authenticates clients and mints tokens.
 */

import type { webcrypto } from 'node:crypto';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CompactSign,
  calculateJwkThumbprint,
  compactVerify,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  SignJWT,
} from 'jose';
import { isNonArrayObject } from '../lambdas/core/guards.js';
import { SCOPE_DESCRIPTIONS } from '../lambdas/routes.js';
import { notWhatItShouldBe, readDataFile } from './data-folder.js';

export const ACCESS_TOKEN_SECONDS = 3600;

export interface SigningKey {
  privateKey: webcrypto.CryptoKey;
  publicJwk: JWK;
  kid: string;
}

const KEY_FILE = 'oauth-signing-key.json';

/** RS256 key pair; persisted with the data folder so that issued tokens survive a restart. */
export async function loadOrCreateSigningKey(dataDir?: string): Promise<SigningKey> {
  const saved = dataDir ? readDataFile<unknown>(dataDir, KEY_FILE) : undefined;
  if (dataDir && saved !== undefined) {
    // Checked here, so that a file of another shape fails the start in one line, not a token request later.
    const key = await checkedSigningKey(saved).catch(() => undefined);
    if (!key) throw notWhatItShouldBe(dataDir, KEY_FILE, 'an RS256 private key (JWK) that signs');
    return key;
  }
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const privateJwk = await exportJWK(privateKey);
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, KEY_FILE), JSON.stringify(privateJwk), { mode: 0o600 });
  }
  return signingKeyOf(privateJwk);
}

async function signingKeyOf(privateJwk: JWK): Promise<SigningKey> {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = privateJwk;
  const kid = await calculateJwkThumbprint(publicPart);
  return {
    privateKey: (await importJWK({ ...privateJwk, alg: 'RS256' }, 'RS256')) as webcrypto.CryptoKey,
    publicJwk: { ...publicPart, kid, alg: 'RS256', use: 'sig' },
    kid,
  };
}

/** The signing key of a saved JWK; rejects one that does not sign RS256 tokens its public part verifies. */
async function checkedSigningKey(jwk: unknown): Promise<SigningKey> {
  if (!isNonArrayObject(jwk) || jwk.kty !== 'RSA' || typeof jwk.d !== 'string')
    throw new Error('Not an RSA private key');
  const key = await signingKeyOf(jwk as JWK);
  // A key cut down or put together wrongly signs nothing, or what its public part does not verify.
  const signed = await new CompactSign(new TextEncoder().encode('check'))
    .setProtectedHeader({ alg: 'RS256' })
    .sign(key.privateKey);
  await compactVerify(signed, await importJWK(key.publicJwk, 'RS256'));
  return key;
}

export interface TokenRequest {
  headers: Record<string, string | undefined>;
  /** How many Authorization lines the request had (Node keeps the first of several). */
  authorizationLines?: number;
  body: string;
}

export interface TokenResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const oauthError = (
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
) => ({
  status,
  headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...headers },
  body: { error, error_description: description },
});

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** An app client of the user pool: an SP's backend or an identification partner's. */
export interface LocalOAuthClient {
  clientId: string;
  clientSecret?: string | undefined;
  scopes: string[];
}

export class LocalAuthorizationServer {
  constructor(
    private readonly issuer: string,
    private readonly key: SigningKey,
    private readonly clients: readonly LocalOAuthClient[],
  ) {}

  get jwks() {
    return { keys: [this.key.publicJwk] };
  }

  get metadata() {
    return {
      issuer: this.issuer,
      token_endpoint: `${this.issuer}/oauth2/token`,
      jwks_uri: `${this.issuer}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: Object.keys(SCOPE_DESCRIPTIONS),
      response_types_supported: ['token'],
    };
  }

  /** Mints an access token like Cognito's (also used by tests for expired or odd tokens). */
  async issue(clientId: string, scopes: string[], options: { now?: Date; ttlSeconds?: number } = {}) {
    const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
    return new SignJWT({
      client_id: clientId,
      token_use: 'access',
      scope: scopes.join(' '),
      auth_time: iat,
      version: 2,
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.key.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setSubject(clientId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + (options.ttlSeconds ?? ACCESS_TOKEN_SECONDS))
      .setJti(randomUUID())
      .sign(this.key.privateKey);
  }

  /** POST /oauth2/token: client credentials grant, client authenticated by HTTP Basic or form body. */
  async token(req: TokenRequest): Promise<TokenResponse> {
    const contentType = req.headers['content-type'] ?? '';
    if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
      return oauthError(400, 'invalid_request', 'Send the request as application/x-www-form-urlencoded.');
    }
    if (req.body.length > 4096) return oauthError(400, 'invalid_request', 'Request too large.');
    const form = new URLSearchParams(req.body);
    for (const name of new Set(form.keys())) {
      if (form.getAll(name).length > 1)
        return oauthError(400, 'invalid_request', `Parameter ${name} repeated.`);
    }

    if ((req.authorizationLines ?? 0) > 1)
      return oauthError(400, 'invalid_request', 'Authorization header repeated.');
    const authorization = req.headers.authorization;
    let clientId: string | null = null;
    let clientSecret: string | null = null;
    const usedBasic = authorization !== undefined;
    if (authorization !== undefined) {
      const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(authorization.trim());
      const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
      const colon = decoded.indexOf(':');
      if (colon < 0) {
        return oauthError(401, 'invalid_client', 'Malformed Basic credentials.', {
          'WWW-Authenticate': 'Basic realm="oauth2"',
        });
      }
      try {
        clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
        clientSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
      } catch {
        return oauthError(401, 'invalid_client', 'Malformed Basic credentials.', {
          'WWW-Authenticate': 'Basic realm="oauth2"',
        });
      }
      if (form.has('client_secret')) {
        return oauthError(400, 'invalid_request', 'Use one client authentication method, not two.');
      }
    } else {
      clientId = form.get('client_id');
      clientSecret = form.get('client_secret');
    }

    if (form.get('grant_type') !== 'client_credentials') {
      return oauthError(
        400,
        form.has('grant_type') ? 'unsupported_grant_type' : 'invalid_request',
        'Only grant_type=client_credentials is supported.',
      );
    }
    const client = this.clients.find((c) => c.clientId === clientId);
    if (!client?.clientSecret || clientSecret === null || !safeEqual(client.clientSecret, clientSecret)) {
      return oauthError(
        401,
        'invalid_client',
        'Client authentication failed.',
        usedBasic ? { 'WWW-Authenticate': 'Basic realm="oauth2"' } : {},
      );
    }
    const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const scopes = requested.length ? requested : client.scopes;
    if (!scopes.every((s) => client.scopes.includes(s))) {
      return oauthError(400, 'invalid_scope', 'A requested scope is unknown or not granted to this client.');
    }
    const accessToken = await this.issue(client.clientId, [...new Set(scopes)]);
    return {
      status: 200,
      headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
      body: { access_token: accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_SECONDS },
    };
  }
}
