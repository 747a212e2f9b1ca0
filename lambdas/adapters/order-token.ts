/**
 * Order tokens: short-lived JWTs (RFC 7519) the service signs with its own key (ES256) and hands
 * to a partner with each order, in the person's target URL and in the partner's order request.
 * The partner checks one by introspecting it (POST /oauth2/introspect; the check:
 * order-token-verifier.ts) or against the published keys (GET /isp/v1/jwks.json). The keys:
 * order-token-keys.ts. Signing alone, so that the functions that sign build no claim schema.
 *
 * Signed with node:crypto, not jose: a compact JWS over JSON is three base64url parts and one
 * ECDSA signature, and jose's modules cost the start call about 1 ms of every cold start
 * (docs/benchmarks.md §3). The verifier, which must refuse every malformed token, stays on jose;
 * the unit test holds these tokens to jose's SignJWT and verifies them with jose.
 */
import { createECDH, createPrivateKey, type KeyObject, sign } from 'node:crypto';
import type { JWK } from 'jose';
import {
  ORDER_TOKEN_ALGORITHM,
  ORDER_TOKEN_TYPE,
  type OrderTokenInput,
  orderTokenClaims,
} from '../core/order-token-format.js';
import { withKid } from './order-token-keys.js';

const base64url = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');

/** The key object of the last signing key, by its members: one key per deployment, imported once. */
let imported: { members: string; key: KeyObject } | undefined;

/**
 * The private key object of a JWK (withKid has checked it is EC P-256 with x, y and d). Node
 * imports a JWK whose d does not belong to its x and y without complaint (jose's importJWK refused
 * it): the tokens would be signed with d but published and named (kid) by x and y, and every
 * partner and the introspection would refuse them. So the public point is computed from d (the
 * imported key object keeps the x and y it was given) and compared; a key that may not sign (key_ops without "sign") is refused as jose refused it.
 */
function keyObjectOf(jwk: JWK): KeyObject {
  const members = JSON.stringify([jwk.d, jwk.x, jwk.y, jwk.key_ops]);
  if (imported?.members === members) return imported.key;
  if (jwk.key_ops !== undefined && !jwk.key_ops.includes('sign')) {
    throw new Error('The order token key must allow signing (its key_ops lack "sign")');
  }
  const key = createPrivateKey({
    key: { kty: 'EC', crv: 'P-256', d: jwk.d, x: jwk.x, y: jwk.y },
    format: 'jwk',
  });
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(jwk.d as string, 'base64url'));
  const point = ecdh.getPublicKey(); // 0x04 || X || Y, 32 bytes each
  if (
    point.subarray(1, 33).toString('base64url') !== jwk.x ||
    point.subarray(33).toString('base64url') !== jwk.y
  ) {
    throw new Error("The order token key's d does not belong to its x and y");
  }
  imported = { members, key };
  return key;
}

/** Signs the order token for one order (JWS compact serialisation, RFC 7515 §7.1). */
export async function signOrderToken(input: OrderTokenInput, privateJwk: JWK): Promise<string> {
  const jwk = await withKid(privateJwk);
  const claims = orderTokenClaims({
    ...input,
    now: input.now ?? new Date(),
    jti: crypto.randomUUID(),
  });
  const signingInput = `${base64url({ alg: ORDER_TOKEN_ALGORITHM, typ: ORDER_TOKEN_TYPE, kid: jwk.kid })}.${base64url(claims)}`;
  // ES256: ECDSA P-256 with SHA-256, the signature as R || S (RFC 7518 §3.4), not DER.
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: keyObjectOf(privateJwk),
    dsaEncoding: 'ieee-p1363',
  });
  return `${signingInput}.${signature.toString('base64url')}`;
}
