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
import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import type { JWK } from 'jose';
import {
  ORDER_TOKEN_ALGORITHM,
  ORDER_TOKEN_TYPE,
  type OrderTokenInput,
  orderTokenClaims,
} from '../core/order-token-format.js';
import { withKid } from './order-token-keys.js';

const base64url = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');

/** The key object of the last JWK signed with: one key per deployment, imported once. */
let imported: { jwk: JWK; key: KeyObject } | undefined;

function keyObjectOf(jwk: JWK): KeyObject {
  if (imported?.jwk !== jwk) imported = { jwk, key: createPrivateKey({ key: { ...jwk }, format: 'jwk' }) };
  return imported.key;
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
