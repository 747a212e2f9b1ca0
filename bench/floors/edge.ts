/**
 * Reference, not a floor: the empty handler behind the edge every HTTP function must have (issue 12
 * item 1) — the project's middy chain (`httpHandler`: Powertools Logger's `injectLambdaContext` with
 * the project's logger, correlation id, security headers, problem+json) and no AWS client. A
 * function without clients is judged against the empty floor; its ratio to this bundle tells how
 * much of its distance to that floor is the mandated edge rather than its own code.
 */
import { httpHandler } from '../../lambdas/http/handler.js';

export const handler = httpHandler('edge-reference', async () => ({
  statusCode: 204,
  headers: {},
  body: '',
}));
