/**
 * Order tokens: short-lived JWTs (RFC 7519) the service signs with its own key (ES256) and hands
 * to a partner with each order, in the person's target URL and in the partner's order request.
 * The partner checks one by introspecting it (POST /oauth2/introspect; the check:
 * order-token-verifier.ts) or against the published keys (GET /isp/v1/jwks.json). The keys:
 * order-token-keys.ts. Signing alone, so that the functions that sign build no claim schema.
 */
import { importJWK, type JWK, SignJWT } from 'jose';
import {
  ORDER_TOKEN_ALGORITHM,
  ORDER_TOKEN_TYPE,
  type OrderTokenInput,
  orderTokenClaims,
} from '../core/order-token-format.js';
import { withKid } from './order-token-keys.js';

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
