/**
 * What makes a JWT an order token: its JOSE type, its algorithm and the scope it carries. Apart from
 * the claim schemas (core/introspection.ts), so that publishing the keys (isp-jwks) builds no zod.
 */
export const ORDER_TOKEN_TYPE = 'order+jwt';
export const ORDER_TOKEN_ALGORITHM = 'ES256';
/** The scope an order token carries: open the identification it names, nothing else. */
export const ORDER_TOKEN_SCOPE = 'identification';
