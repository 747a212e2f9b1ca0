/**
 * The order token's header and claims and the introspection request, as schemas: the OpenAPI
 * document, the tests, and the refusal of what introspection.ts's zod-free readers cannot vouch for
 * (oauth-introspect loads them by a dynamic import only then: introspection-request-schema.ts,
 * order-token-claims-schema.ts).
 */
import { METHOD_NAME } from './domain.js';
import { MAX_INTROSPECTED_TOKEN, MAX_TOKEN_TYPE_HINT } from './introspection.js';
import { ORDER_TOKEN_ALGORITHM, ORDER_TOKEN_SCOPE, ORDER_TOKEN_TYPE } from './order-token-format.js';
import * as z from './zod.js';

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
    method: z.string().check(z.regex(METHOD_NAME)),
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
        token: z.string().check(z.minLength(1), z.maxLength(MAX_INTROSPECTED_TOKEN)),
        /** RFC 7662 §2.1: a hint only; every supported token type is tried. */
        token_type_hint: z.optional(z.string().check(z.maxLength(MAX_TOKEN_TYPE_HINT))),
      }),
      // Other parameters are ignored (RFC 7662 §2.1 lets a server take more); like every OAuth
      // parameter each is a single value: a repeated one is refused (RFC 6749 §3.1).
      z.string(),
    )
    .register(z.globalRegistry, { id: 'IntrospectionRequest' }),
);
export type IntrospectionRequest = z.output<typeof IntrospectionRequest>;
