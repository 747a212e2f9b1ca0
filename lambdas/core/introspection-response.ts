/**
 * The introspection answers (RFC 7662 §2.2) as schemas: what the OpenAPI document shows and the
 * tests check answers against. Apart from core/introspection.ts, which decides the answers: the
 * function that gives them builds none of these schemas at its cold start.
 */
import { ORDER_TOKEN_TYPE } from './introspection.js';
import { epoch, OrderTokenClaims } from './introspection-schemas.js';
import * as z from './zod.js';

export const InactiveToken = /* @__PURE__ */ z.define(() => z.strictObject({ active: z.literal(false) }));

/** The answer for an order token: its verified claims, by their one definition (OrderTokenClaims). */
export const ActiveOrderToken = /* @__PURE__ */ z.define(() => {
  const { scope, ...claims } = OrderTokenClaims.shape;
  return z.strictObject({
    active: z.literal(true),
    token_type: z.literal(ORDER_TOKEN_TYPE),
    scope,
    /** The SP that started the identification. */
    client_id: z.string().check(z.minLength(1)),
    ...claims,
  });
});

export const ActiveAccessToken = /* @__PURE__ */ z.define(() =>
  z.strictObject({
    active: z.literal(true),
    token_type: z.literal('access_token'),
    scope: z.string(),
    client_id: z.string().check(z.minLength(1)),
    iss: z.string().check(z.minLength(1)),
    sub: z.optional(z.string().check(z.minLength(1))),
    aud: z.optional(z.union([z.string(), z.array(z.string())])),
    iat: epoch,
    exp: epoch,
    jti: z.optional(z.string().check(z.minLength(1))),
  }),
);

export const IntrospectionResponse = /* @__PURE__ */ z.define(() =>
  z.union([InactiveToken, ActiveOrderToken, ActiveAccessToken]).register(z.globalRegistry, {
    id: 'IntrospectionResponse',
    description: 'RFC 7662 §2.2 introspection response.',
  }),
);
export type IntrospectionResponse = z.infer<typeof IntrospectionResponse>;
