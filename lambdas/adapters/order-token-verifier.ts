/**
 * Checking an order token (order-token.ts signs them), for token introspection. Checks follow
 * RFC 8725: ES256 only, explicit `typ`, the issuer, expiry with little leeway, every claim present
 * and well-formed. Verified on WebCrypto as jose's jwtVerify did (jwt-verify.ts): no jose in the bundle.
 */
import type { JSONWebKeySet } from 'jose';
import { type OrderTokenClaims, wellFormedOrderTokenClaims } from '../core/introspection.js';
import { isTyp } from '../core/jose-typ.js';
import { ORDER_TOKEN_ALGORITHM, ORDER_TOKEN_TYPE } from '../core/order-token-format.js';
import { safeParseTwoStep, type TwoStepRule } from '../core/parse.js';
import { decodeProtectedHeader } from './compact-jws.js';
import { localKeySet, MAX_JWT_LENGTH, verifyJwt } from './jwt-verify.js';

export class InvalidOrderToken extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidOrderToken';
  }
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
  if (token.length > MAX_JWT_LENGTH || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token))
    throw new InvalidOrderToken('Not a compact JWT');
  let payload: unknown;
  try {
    payload = await verifyJwt(token, localKeySet(options.jwks, ORDER_TOKEN_ALGORITHM), {
      algorithm: ORDER_TOKEN_ALGORITHM,
      typ: ORDER_TOKEN_TYPE,
      issuer: options.issuer,
      requiredClaims: ['iat', 'exp', 'jti', 'aud', 'sub'],
      clockToleranceSeconds: options.clockToleranceSeconds ?? 5,
      ...(options.now ? { now: options.now } : {}),
    });
  } catch {
    throw new InvalidOrderToken('Signature, type, issuer or expiry not valid');
  }
  const claims = await safeParseTwoStep(orderTokenClaimsRule, payload as Record<string, unknown>);
  if (!claims.success || claims.data.sub !== claims.data.refId)
    throw new InvalidOrderToken('Claims not valid');
  return claims.data;
}

/**
 * A verified token's claims: the service's own are always read without zod; OrderTokenClaims, loaded
 * only for claims wellFormedOrderTokenClaims cannot vouch for, judges any other (core/parse.ts).
 */
const orderTokenClaimsRule: TwoStepRule<OrderTokenClaims> = {
  wellFormed: wellFormedOrderTokenClaims,
  schema: async () => (await import('../core/order-token-claims-schema.js')).OrderTokenClaims,
};

/** Whether a compact JWS declares itself an order token (`typ: order+jwt`), without verifying it. */
export function looksLikeOrderToken(token: string): boolean {
  // As verifyJwt compares it (a media type: `application/` optional, any case), so a token it would
  // accept as an order token is not taken for an access token.
  return isTyp(decodeProtectedHeader(token)?.typ, ORDER_TOKEN_TYPE);
}
