/**
 * Order tokens and token introspection (RFC 7662), pure and zod-free (the schemas:
 * introspection-schemas.ts): the claims of the order token the service
 * hands to a partner with each order, the introspection answer, and who gets which answer.
 *
 * - A partner's backend (an OAuth client registered for that partner) gets the full answer for a
 *   valid order token addressed to it (`aud` = its issuer) whose order still waits for the partner
 *   (not yet data-ready, cancelled or failed).
 * - An SP gets the full answer for its own access tokens.
 * - Anything else is `{"active": false}` and nothing more: expired, tampered, unknown, addressed to
 *   another partner, another client's token — the caller cannot tell these apart.
 */
import { METHOD_NAME } from './domain.js';
import type { IntrospectionResponse } from './introspection-response.js';
import type { IntrospectionRequest, OrderTokenClaims } from './introspection-schemas.js';
import type { Status } from './order.js';
import { ORDER_TOKEN_ALGORITHM, ORDER_TOKEN_SCOPE, ORDER_TOKEN_TYPE } from './order-token-format.js';
// z.uuid()'s pattern (RFC 9562), as the claims schema checks sub, refId and jti.
import { isRefId, isUuid } from './ref-id-format.js';
import { fitsLength } from './text-length.js';

export type { IntrospectionRequest, OrderTokenClaims };
export { ORDER_TOKEN_ALGORITHM, ORDER_TOKEN_SCOPE, ORDER_TOKEN_TYPE };

/** The most characters a token to introspect may have (IntrospectionRequest). */
export const MAX_INTROSPECTED_TOKEN = 8192;
/** The most characters of `token_type_hint` (IntrospectionRequest). */
export const MAX_TOKEN_TYPE_HINT = 64;

/**
 * The introspection form when it is certainly what IntrospectionRequest accepts — `token` of 1 to
 * 8192 characters, a `token_type_hint` of at most 64, any other parameter a string — as the schema
 * returns it; undefined for anything else, which the schema then judges. Zod-free, so that the
 * function builds no schema at cold start (core/parse.ts TwoStepRule; docs/benchmarks.md §3).
 */
export function wellFormedIntrospectionRequest(
  fields: Readonly<Record<string, unknown>>,
): IntrospectionRequest | undefined {
  const { token, token_type_hint: hint } = fields;
  if (typeof token !== 'string' || token.length < 1 || !fitsLength(token, MAX_INTROSPECTED_TOKEN))
    return undefined;
  if ('token_type_hint' in fields && (typeof hint !== 'string' || !fitsLength(hint, MAX_TOKEN_TYPE_HINT)))
    return undefined;
  if (!Object.values(fields).every((v) => typeof v === 'string')) return undefined;
  // As the schema does: every parameter kept but an own `__proto__`, which it drops.
  return Object.fromEntries(
    Object.entries(fields).filter(([name]) => name !== '__proto__'),
  ) as IntrospectionRequest;
}

/** Seconds since the epoch as OrderTokenClaims' `epoch` takes them: a whole number ≥ 0. */
const isEpoch = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
/** A URL `z.url()` accepts and returns unchanged (no surrounding spaces, no tab or line break). */
const isPlainUrl = (v: unknown): v is string =>
  typeof v === 'string' && v === v.trim() && !/[\t\n\r]/.test(v) && URL.canParse(v);

/**
 * A verified order token's claims when they are certainly what OrderTokenClaims accepts, as the
 * schema returns them (the ten claims, no others); undefined for anything else, which the schema
 * then judges. Zod-free, like wellFormedIntrospectionRequest: the service's own tokens always pass.
 */
export function wellFormedOrderTokenClaims(
  payload: Readonly<Record<string, unknown>>,
): OrderTokenClaims | undefined {
  const { iss, aud, sub, refId, method, loa, scope, iat, exp, jti } = payload;
  if (!isPlainUrl(iss) || typeof aud !== 'string' || aud.length < 1) return undefined;
  if (!isRefId(sub) || !isRefId(refId) || !isUuid(jti)) return undefined;
  if (typeof method !== 'string' || !METHOD_NAME.test(method)) return undefined;
  if ((loa !== 3 && loa !== 4) || scope !== ORDER_TOKEN_SCOPE || !isEpoch(iat) || !isEpoch(exp))
    return undefined;
  return { iss, aud, sub, refId, method, loa, scope, iat, exp, jti };
}

/** What the token turned out to be, after its signature and claims were checked. */
export type VerifiedToken =
  | { kind: 'order'; claims: OrderTokenClaims }
  | {
      kind: 'access';
      claims: {
        client_id: string;
        scope: string;
        iss?: string | undefined;
        sub?: string | undefined;
        aud?: string | string[] | undefined;
        iat?: number | undefined;
        exp?: number | undefined;
        jti?: string | undefined;
      };
    }
  | { kind: 'invalid' };

export interface IntrospectionCaller {
  clientId: string;
  /** The partner whose backend the caller is, if it is one. */
  ispIssuer?: string | undefined;
}

/** The order an order token names, as far as introspection needs it. */
export interface OrderFacts {
  /** Null while the person chooses the method: no partner's token can be active for it. */
  issuer: string | null;
  clientId: string;
  status: Status;
}

const INACTIVE: IntrospectionResponse = { active: false };

/** An order token is good while the partner still has something to do: until the evidence is in. */
export const ORDER_TOKEN_ACTIVE_STATUSES: readonly Status[] = [
  'created',
  'initialized',
  'waiting-for-doc',
  'done',
];

/** Whether the caller may learn about this order token, before the order is read. */
export function mayIntrospectOrderToken(caller: IntrospectionCaller, claims: OrderTokenClaims): boolean {
  return caller.ispIssuer !== undefined && claims.aud === caller.ispIssuer;
}

/** The answer: full for the token's rightful audience, `{active: false}` alone for anything else. */
export function decideIntrospection(
  caller: IntrospectionCaller,
  token: VerifiedToken,
  order?: OrderFacts,
): IntrospectionResponse {
  if (token.kind === 'order') {
    const c = token.claims;
    if (!mayIntrospectOrderToken(caller, c)) return INACTIVE;
    if (!order || order.issuer !== c.aud || !ORDER_TOKEN_ACTIVE_STATUSES.includes(order.status))
      return INACTIVE;
    return {
      active: true,
      token_type: ORDER_TOKEN_TYPE,
      scope: c.scope,
      client_id: order.clientId,
      iss: c.iss,
      aud: c.aud,
      sub: c.sub,
      refId: c.refId,
      method: c.method,
      loa: c.loa,
      iat: c.iat,
      exp: c.exp,
      jti: c.jti,
    };
  }
  if (token.kind === 'access') {
    const c = token.claims;
    if (c.client_id !== caller.clientId || c.iss === undefined) return INACTIVE;
    if (c.iat === undefined || c.exp === undefined) return INACTIVE;
    return {
      active: true,
      token_type: 'access_token',
      scope: c.scope,
      client_id: c.client_id,
      iss: c.iss,
      ...(c.sub !== undefined ? { sub: c.sub } : {}),
      ...(c.aud !== undefined ? { aud: c.aud } : {}),
      iat: c.iat,
      exp: c.exp,
      ...(c.jti !== undefined ? { jti: c.jti } : {}),
    };
  }
  return INACTIVE;
}
