/**
 * What makes a JWT an order token: its JOSE type, its algorithm and the scope it carries, and the
 * claims the service signs for one order. Apart from the claim schemas (core/introspection-schemas.ts), so
 * that publishing the keys (isp-jwks) and signing tokens (the start call, the method choice) build
 * no introspection schema.
 */
import type { OrderTokenClaims } from './introspection.js';

export const ORDER_TOKEN_TYPE = 'order+jwt';
export const ORDER_TOKEN_ALGORITHM = 'ES256';
/** The scope an order token carries: open the identification it names, nothing else. */
export const ORDER_TOKEN_SCOPE = 'identification';

/** What an order token says about one order. */
export interface OrderTokenInput {
  /** The service's public base URL (`iss`). */
  issuer: string;
  /** The partner's issuer name (`aud`). */
  audience: string;
  refId: string;
  method: string;
  loa: 3 | 4;
  /** The order's expiry; the token expires then (`exp`). */
  expiresAt: Date;
  now?: Date;
}

/** The claims of the order token for one order. */
export function orderTokenClaims(input: OrderTokenInput & { now: Date; jti: string }): OrderTokenClaims {
  return {
    iss: input.issuer,
    aud: input.audience,
    sub: input.refId,
    refId: input.refId,
    method: input.method,
    loa: input.loa,
    scope: ORDER_TOKEN_SCOPE,
    iat: Math.floor(input.now.getTime() / 1000),
    exp: Math.floor(input.expiresAt.getTime() / 1000),
    jti: input.jti,
  };
}
