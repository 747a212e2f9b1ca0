/**
 * Order tokens: short-lived JWTs (RFC 7519) the service signs with its own key (ES256) and hands
 * to a partner with each order, in the person's target URL and in the partner's order request.
 * The partner checks one by introspecting it (POST /oauth2/introspect) or against the published
 * keys (GET /isp/v1/jwks.json). Checks follow RFC 8725: ES256 only, explicit `typ`, the issuer,
 * expiry with little leeway, every claim present and well-formed.
 *
 * Keys come from the environment:
 * - `ORDER_TOKEN_PRIVATE_JWK` — the signing key (a private EC P-256 JWK with `kid`); a secret,
 *   needed only where tokens are signed (the start call).
 * - `ORDER_TOKEN_PUBLIC_JWKS` — optional, the published key set `{"keys": [...]}`; during a key
 *   rotation it lists the new and the previous public key. Absent, the public half of the signing
 *   key is published.
 */
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeProtectedHeader,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose';
import {
  ORDER_TOKEN_ALGORITHM,
  ORDER_TOKEN_TYPE,
  OrderTokenClaims,
  type OrderTokenInput,
  orderTokenClaims,
} from '../core/introspection.js';
import { optionalEnv, requiredEnv } from './env.js';

export class InvalidOrderToken extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidOrderToken';
  }
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'] as const;

/** The public half of a JWK, marked for ES256 signatures. */
export function publicJwkOf(jwk: JWK): JWK {
  const pub: Record<string, unknown> = { ...jwk };
  for (const m of PRIVATE_MEMBERS) delete pub[m];
  delete pub.key_ops;
  return { ...pub, alg: ORDER_TOKEN_ALGORITHM, use: 'sig' } as JWK;
}

/** The signing key with its `kid` (the RFC 7638 thumbprint when the JWK has none). */
async function withKid(jwk: JWK): Promise<JWK & { kid: string }> {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string') {
    throw new Error('The order token key must be a private EC P-256 JWK');
  }
  return { ...jwk, kid: jwk.kid ?? (await calculateJwkThumbprint(publicJwkOf(jwk))) };
}

/** Signs the order token for one order. */
export async function signOrderToken(input: OrderTokenInput, privateJwk: JWK): Promise<string> {
  const jwk = await withKid(privateJwk);
  const key = await importJWK({ ...jwk, alg: ORDER_TOKEN_ALGORITHM }, ORDER_TOKEN_ALGORITHM);
  const claims = orderTokenClaims({
    ...input,
    now: input.now ?? new Date(),
    jti: crypto.randomUUID(),
  });
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: ORDER_TOKEN_ALGORITHM, typ: ORDER_TOKEN_TYPE, kid: jwk.kid })
    .sign(key);
}

export interface VerifyOrderTokenOptions {
  /** The published keys (several during a rotation). */
  jwks: JSONWebKeySet;
  /** The service's public base URL: the only accepted `iss`. */
  issuer: string;
  now?: Date;
  clockToleranceSeconds?: number;
}

/** Verifies an order token and returns its claims; `InvalidOrderToken` otherwise. */
export async function verifyOrderToken(
  token: string,
  options: VerifyOrderTokenOptions,
): Promise<OrderTokenClaims> {
  if (token.length > 8192 || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token))
    throw new InvalidOrderToken('Not a compact JWT');
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, createLocalJWKSet(options.jwks), {
      algorithms: [ORDER_TOKEN_ALGORITHM],
      typ: ORDER_TOKEN_TYPE,
      issuer: options.issuer,
      requiredClaims: ['iat', 'exp', 'jti', 'aud', 'sub'],
      clockTolerance: options.clockToleranceSeconds ?? 5,
      ...(options.now ? { currentDate: options.now } : {}),
    }));
  } catch {
    throw new InvalidOrderToken('Signature, type, issuer or expiry not valid');
  }
  const parsed = OrderTokenClaims.safeParse(payload);
  if (!parsed.success || parsed.data.sub !== parsed.data.refId)
    throw new InvalidOrderToken('Claims not valid');
  return parsed.data;
}

/** Whether a compact JWS declares itself an order token (`typ: order+jwt`), without verifying it. */
export function looksLikeOrderToken(token: string): boolean {
  try {
    return decodeProtectedHeader(token).typ === ORDER_TOKEN_TYPE;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- keys from the environment

let signingMemo: { raw: string; jwk: Promise<JWK & { kid: string }> } | undefined;

/**
 * The signing key from `ORDER_TOKEN_PRIVATE_JWK`. Read per use (and parsed once per value): a
 * local stack started later in the same process (tests) brings a new key while modules stay loaded.
 */
export function orderTokenSigningKey(): Promise<JWK & { kid: string }> {
  const raw = requiredEnv('ORDER_TOKEN_PRIVATE_JWK');
  if (signingMemo?.raw !== raw) signingMemo = { raw, jwk: withKid(JSON.parse(raw) as JWK) };
  return signingMemo.jwk;
}

/** The published key set: `ORDER_TOKEN_PUBLIC_JWKS`, or the public half of the signing key. */
export async function orderTokenPublicJwks(): Promise<JSONWebKeySet> {
  const published = optionalEnv('ORDER_TOKEN_PUBLIC_JWKS');
  if (published) {
    const set = JSON.parse(published) as JSONWebKeySet;
    if (!Array.isArray(set.keys)) throw new Error('ORDER_TOKEN_PUBLIC_JWKS must be {"keys": [...]}');
    return { keys: set.keys.map(publicJwkOf) };
  }
  return { keys: [publicJwkOf(await orderTokenSigningKey())] };
}

/** Fails the cold start when neither variable is set (rather than the first request). */
export function assertOrderTokenKeysConfigured(needPrivate: boolean): void {
  if (needPrivate || !optionalEnv('ORDER_TOKEN_PUBLIC_JWKS')) requiredEnv('ORDER_TOKEN_PRIVATE_JWK');
}
