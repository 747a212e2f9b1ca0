/**
 * Token introspection (RFC 7662): what the caller may learn about a token. The token is checked
 * as an order token or as an access token; the pure rules in core/introspection.ts decide the
 * answer. Every failure to verify is simply an inactive token.
 */
import {
  decideIntrospection,
  mayIntrospectOrderToken,
  type OrderFacts,
  type VerifiedToken,
} from '../core/introspection.js';
import type { IntrospectionResponse } from '../core/introspection-response.js';

export interface IntrospectionDeps {
  /** Whether the token declares itself an order token (header `typ`), before any verification. */
  isOrderToken(token: string): boolean;
  /** Verified order token claims; throws when the token is not a valid order token. */
  verifyOrderToken(token: string): Promise<Extract<VerifiedToken, { kind: 'order' }>['claims']>;
  /** Verified access token claims; throws when the token is not a valid access token. */
  verifyAccessToken(token: string): Promise<Extract<VerifiedToken, { kind: 'access' }>['claims']>;
  /** The partner whose backend this OAuth client is, if any. */
  ispIssuerOfClient(clientId: string): Promise<string | undefined>;
  /** The order an order token names, if it exists. */
  orderFacts(refId: string): Promise<OrderFacts | undefined>;
}

async function verify(deps: IntrospectionDeps, token: string): Promise<VerifiedToken> {
  try {
    if (deps.isOrderToken(token)) return { kind: 'order', claims: await deps.verifyOrderToken(token) };
    return { kind: 'access', claims: await deps.verifyAccessToken(token) };
  } catch {
    return { kind: 'invalid' };
  }
}

export async function introspectToken(
  deps: IntrospectionDeps,
  callerClientId: string,
  token: string,
): Promise<IntrospectionResponse> {
  const [verified, ispIssuer] = await Promise.all([
    verify(deps, token),
    deps.ispIssuerOfClient(callerClientId),
  ]);
  const caller = { clientId: callerClientId, ispIssuer };
  // Read the order only for the token's own audience: nobody else learns whether it exists.
  const order =
    verified.kind === 'order' && mayIntrospectOrderToken(caller, verified.claims)
      ? await deps.orderFacts(verified.claims.refId)
      : undefined;
  return decideIntrospection(caller, verified, order);
}
