/**
 * Order tokens and token introspection (RFC 7662), pure: the claims of the order token the service
 * hands to a partner with each order, the introspection answer, and who gets which answer.
 *
 * - A partner's backend (an OAuth client registered for that partner) gets the full answer for a
 *   valid order token addressed to it (`aud` = its issuer) whose order still waits for the partner
 *   (not yet data-ready, cancelled or failed).
 * - An SP gets the full answer for its own access tokens.
 * - Anything else is `{"active": false}` and nothing more: expired, tampered, unknown, addressed to
 *   another partner, another client's token — the caller cannot tell these apart.
 */
import type { IntrospectionResponse } from './introspection-response.js';
import type { Status } from './order.js';
import { ORDER_TOKEN_ALGORITHM, ORDER_TOKEN_SCOPE, ORDER_TOKEN_TYPE } from './order-token-format.js';
import * as z from './zod.js';

export { ORDER_TOKEN_ALGORITHM, ORDER_TOKEN_SCOPE, ORDER_TOKEN_TYPE };

/** Seconds since the epoch, as JWT claims carry times. */
export const epoch = /* @__PURE__ */ z.define(() => z.number().check(z.int(), z.nonnegative()));

export const OrderTokenHeader = /* @__PURE__ */ z.define(() =>
  z.object({
    alg: z.literal(ORDER_TOKEN_ALGORITHM),
    typ: z.literal(ORDER_TOKEN_TYPE),
    kid: z.string().check(z.minLength(1)),
  }),
);

export const OrderTokenClaims = /* @__PURE__ */ z.define(() =>
  z.object({
    /** The service (its public base URL). */
    iss: z.url(),
    /** The partner the order is for: its issuer name in the catalogue. */
    aud: z.string().check(z.minLength(1)),
    /** The refId, also as `refId`. */
    sub: z.uuid(),
    refId: z.uuid(),
    method: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,31}$/)),
    loa: z.union([z.literal(3), z.literal(4)]),
    scope: z.literal(ORDER_TOKEN_SCOPE),
    iat: epoch,
    /** At the latest the order's expiry. */
    exp: epoch,
    jti: z.uuid(),
  }),
);
export type OrderTokenClaims = z.infer<typeof OrderTokenClaims>;

/** Unknown parameters are ignored, as OAuth endpoints do (RFC 6749 §3.1). */
export const IntrospectionRequest = /* @__PURE__ */ z.define(() =>
  z
    .catchall(
      z.object({
        token: z.string().check(z.minLength(1), z.maxLength(8192)),
        /** RFC 7662 §2.1: a hint only; every supported token type is tried. */
        token_type_hint: z.optional(z.string().check(z.maxLength(64))),
      }),
      // Other parameters are ignored (RFC 7662 §2.1 lets a server take more); like every OAuth
      // parameter each is a single value: a repeated one is refused (RFC 6749 §3.1).
      z.string(),
    )
    .register(z.globalRegistry, { id: 'IntrospectionRequest' }),
);

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
