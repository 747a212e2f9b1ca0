/**
 * The HTTP edge every API handler shares: a `@middy/core` chain of Powertools' Logger middleware
 * (Lambda context on every line, keys reset after each invocation) and ours — correlation id,
 * security headers, problem+json errors with no internals and no person data in logs, and, where a
 * function has one body rule, the body's media type and size. Handlers receive the API Gateway
 * (REST, v1) proxy event and the Lambda context.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { logger } from '../adapters/logger.js';
import type { Problem } from '../core/problems.js';
import { beforeHandler, correlationId, problemJson, requestBody, securityHeaders } from './middlewares.js';
import type { BodyRule } from './request.js';
import type { HttpResult } from './responses.js';
import { mapBundleStackFrames } from './stack-frames.js';

// Stack frames name the TypeScript source when a stack is written, not at every cold start (ADR 0021).
mapBundleStackFrames();

// What every handler builds its answer with.
export { headerOf } from './request.js';
export { HTML_CSP, type HttpResult, html, json, jsonText } from './responses.js';

export type HttpHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<HttpResult>;

export interface HttpHandlerOptions {
  /** The body rule of a function whose every body-carrying request has one (checked before it runs). */
  body?: BodyRule;
  /**
   * Told of every request the function refuses with a problem (e.g. to count it), the body rule's
   * too. A promise it answers is awaited before the answer (isp-callback's count loads its metrics).
   */
  onRefused?: (problem: Problem, event: APIGatewayProxyEvent) => unknown;
  /**
   * A page function's errors (lambdas/http/page-error-answer.ts `pageErrorAnswer`): HTML on its
   * page routes. Passed by page functions only, so that an API function loads no HTML.
   */
  pageErrors?: (problem: Problem, event: APIGatewayProxyEvent) => Promise<HttpResult | undefined>;
  /**
   * A page function's refusal of a request no route serves (page-error-answer.ts
   * `refuseUnroutedRequest`), before the body rule: API Gateway hands it a page path's other methods
   * (ADR 0024) and every request below the pages that no route has (ADR 0027).
   */
  unroutedPageRequests?: (event: APIGatewayProxyEvent) => Promise<void>;
}

/**
 * The handler as a middy chain. `after` and `onError` run in the reverse order of `use`: the
 * problem+json answer is made first, then the security and correlation headers are added to it,
 * and last Powertools resets the logger's keys.
 */
export function httpHandler(
  name: string,
  fn: (event: APIGatewayProxyEvent, context: Context) => Promise<HttpResult>,
  options: HttpHandlerOptions = {},
): HttpHandler {
  // No early timeout: Lambda's own timeout ends the function, API Gateway answers 504.
  const chain = middy<APIGatewayProxyEvent, HttpResult>(fn, { timeoutEarlyInMillis: 0 })
    // Never log the event: it carries person data and tokens (whatever POWERTOOLS_LOGGER_LOG_EVENT says).
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(correlationId())
    .use(securityHeaders())
    .use(problemJson(name, options.onRefused, options.pageErrors));
  if (options.unroutedPageRequests) chain.use(beforeHandler(options.unroutedPageRequests));
  if (options.body) chain.use(requestBody(options.body));
  return chain;
}
