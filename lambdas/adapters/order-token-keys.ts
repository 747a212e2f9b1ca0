/**
 * The order tokens' keys, from the environment (see order-token.ts for the tokens themselves):
 * - `ORDER_TOKEN_PRIVATE_JWK` — the signing key (a private EC P-256 JWK with `kid`); a secret,
 *   needed only where tokens are signed (the start call).
 * - `ORDER_TOKEN_PUBLIC_JWKS` — optional, the published key set `{"keys": [...]}`; during a key
 *   rotation it lists the new and the previous public key. Absent, the public half of the signing
 *   key is published.
 * Apart from signing and verifying, so that the function publishing the keys (isp-jwks) carries and
 * builds none of the claim schemas.
 */
import { createHash } from 'node:crypto';
import type { JSONWebKeySet, JWK } from 'jose';
import { ORDER_TOKEN_ALGORITHM } from '../core/order-token-format.js';
import { optionalEnv, requiredEnv } from './env.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'] as const;

/** The public half of a JWK, marked for ES256 signatures. */
export function publicJwkOf(jwk: JWK): JWK {
  const pub: Record<string, unknown> = { ...jwk };
  for (const m of PRIVATE_MEMBERS) delete pub[m];
  delete pub.key_ops;
  return { ...pub, alg: ORDER_TOKEN_ALGORITHM, use: 'sig' } as JWK;
}

/**
 * An EC key's RFC 7638 thumbprint: SHA-256 of its required members in lexicographic order, as
 * jose's calculateJwkThumbprint computes it (node:crypto, so that signing loads no jose; the unit
 * test compares the two).
 */
function ecThumbprint(jwk: JWK): string {
  const required = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(required).digest('base64url');
}

/** The signing key with its `kid` (the RFC 7638 thumbprint when the JWK has none). */
export async function withKid(jwk: JWK): Promise<JWK & { kid: string }> {
  const members = [jwk.x, jwk.y, jwk.d];
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !members.every((m) => typeof m === 'string')) {
    throw new Error('The order token key must be a private EC P-256 JWK');
  }
  return { ...jwk, kid: jwk.kid ?? ecThumbprint(jwk) };
}

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
