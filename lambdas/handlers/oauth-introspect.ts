/**
 * POST /oauth2/introspect — token introspection (RFC 7662). The caller authenticates with its own
 * bearer access token (RFC 7662 §2.1; checked by the gateway's authorizer, scope srs/introspect or
 * srs/read) and sends `token=...` as application/x-www-form-urlencoded. Partners learn about the
 * order tokens addressed to them, SPs about their own access tokens; anything else is
 * `{"active": false}`.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createAccessTokenVerifier } from '../adapters/access-token.js';
import { introspectionTableStores } from '../adapters/aws-clients.js';
import { CONFIG_CACHE_MS, cached } from '../adapters/cache.js';
import { optionalEnv, requiredEnv, requiredPublicBaseUrl } from '../adapters/env.js';
import { assertOrderTokenKeysConfigured, orderTokenPublicJwks } from '../adapters/order-token-keys.js';
import { looksLikeOrderToken, verifyOrderToken } from '../adapters/order-token-verifier.js';
import { type IntrospectionRequest, wellFormedIntrospectionRequest } from '../core/introspection.js';
import { currentStatus } from '../core/order.js';
import { safeParseTwoStep, type TwoStepRule, toFieldErrors } from '../core/parse.js';
import { Problem } from '../core/problems.js';
import { httpHandler, json } from '../http/handler.js';
import { callerClientId, formBody } from '../http/request.js';
import { introspectToken } from '../usecases/introspect-token.js';

requiredPublicBaseUrl(); // at cold start: a deployment without it fails here

const ACCESS_TOKEN_ISSUER = requiredEnv('ACCESS_TOKEN_ISSUER');
const verifyAccessToken = createAccessTokenVerifier({
  issuer: ACCESS_TOKEN_ISSUER,
  // Cognito publishes its keys under the issuer.
  jwks: new URL(optionalEnv('ACCESS_TOKEN_JWKS_URL', `${ACCESS_TOKEN_ISSUER}/.well-known/jwks.json`)),
});
assertOrderTokenKeysConfigured(false);

const repository = introspectionTableStores();
const clientIssuers = cached(async (_: 'all') => {
  const byClient = new Map<string, string>();
  for (const isp of await repository.listIsps())
    for (const client of isp.clients ?? []) byClient.set(client.clientId, isp.issuer);
  return byClient;
}, CONFIG_CACHE_MS);

const MAX_FORM_BYTES = 16 * 1024;

/** RFC 6749 §5.2-style error, as problem+json (an OAuth client finds `error`, others the problem). */
const invalidRequest = (description: string, errors?: { field: string; message: string }[]) =>
  new Problem({
    status: 400,
    slug: 'invalid-request',
    title: 'Invalid introspection request',
    detail: description,
    ...(errors ? { errors } : {}),
    extensions: { error: 'invalid_request', error_description: description },
  });

/**
 * The form's fields: a good form read without zod, any other judged by IntrospectionRequest, which is
 * loaded only then (core/parse.ts TwoStepRule; docs/benchmarks.md §3).
 */
const introspectionRequest: TwoStepRule<IntrospectionRequest> = {
  wellFormed: wellFormedIntrospectionRequest,
  schema: async () => (await import('../core/introspection-request-schema.js')).IntrospectionRequest,
};

/** The form, or an RFC 6749 invalid_request: media type, size, a repeated parameter, the rule's refusal. */
async function introspectionForm(event: APIGatewayProxyEvent): Promise<IntrospectionRequest> {
  let form: URLSearchParams;
  try {
    form = formBody(event, MAX_FORM_BYTES);
  } catch (err) {
    if (!(err instanceof Problem)) throw err;
    throw invalidRequest(
      err.status === 413
        ? 'The request is too large.'
        : 'Send the request as application/x-www-form-urlencoded with token=….',
    );
  }
  const repeated = [...new Set(form.keys())].filter((k) => form.getAll(k).length > 1);
  if (repeated.length) {
    throw invalidRequest(
      'A parameter is repeated.',
      repeated.map((field) => ({ field, message: 'Given more than once.' })),
    );
  }
  const parsed = await safeParseTwoStep(introspectionRequest, Object.fromEntries(form));
  if (!parsed.success) {
    throw invalidRequest('The token parameter is missing or not valid.', toFieldErrors(parsed.error));
  }
  return parsed.data;
}

export const handler = httpHandler('oauth-introspect', async (event) => {
  const clientId = callerClientId(event);
  const { token } = await introspectionForm(event);
  const serviceIssuer = requiredPublicBaseUrl();
  const answer = await introspectToken(
    {
      isOrderToken: looksLikeOrderToken,
      verifyOrderToken: async (t) =>
        verifyOrderToken(t, { jwks: await orderTokenPublicJwks(), issuer: serviceIssuer }),
      verifyAccessToken: (t) => verifyAccessToken(t),
      ispIssuerOfClient: async (id) => (await clientIssuers('all')).get(id),
      orderFacts: async (refId) => {
        const order = await repository.getOrder(refId);
        return order && { issuer: order.issuer, clientId: order.clientId, status: currentStatus(order) };
      },
    },
    clientId,
    token,
  );
  return json(200, answer);
});
