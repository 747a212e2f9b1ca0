/**
 * What a page function holds of its error pages until it needs one: the language and Accept rules,
 * and `pageErrorAnswer`, which loads the pages themselves (lambdas/http/page-errors.ts: their texts
 * in four languages and the route table, ~16 KB of bundle) by the first refusal — most requests a
 * page function serves never meet one, so its cold start does not run that module.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Language } from '../core/domain.js';
import { preferredLanguage, spokenLanguage } from '../core/languages.js';
import { Problem } from '../core/problems.js';
import { prefersProblemJson } from './accept.js';
import { headerOf } from './request.js';
import type { HttpResult } from './responses.js';

/**
 * The language of an error on a page, before the page knows its order: the page's own `lang`
 * parameter (the terms page's), else the browser's Accept-Language, else English.
 */
export function pageErrorLanguage(
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'headers'>,
): Language {
  return (
    spokenLanguage(event.queryStringParameters?.lang ?? undefined) ??
    preferredLanguage(headerOf(event, 'accept-language')) ??
    'en'
  );
}

/** Whether the caller weighs problem+json above HTML (lambdas/http/accept.ts; browsers never do). */
export function asksForProblemJson(event: Pick<APIGatewayProxyEvent, 'headers'>): boolean {
  return prefersProblemJson(headerOf(event, 'accept'));
}

/** The languages handlers gave the problems they rethrow (withPageLanguage); a copy is keyed, never a shared problem. */
const pageLanguages = new WeakMap<Problem, Language>();

/**
 * The problem to rethrow where a page knows its language (the order's) and the problem does not:
 * the wrapper's refusal path (lambdas/http/middlewares.ts) logs it, tells `onRefused` and answers
 * its page in that language. A copy, so that a problem shared between requests carries none.
 */
export function withPageLanguage(problem: Problem, language: Language): Problem {
  const { status, slug, title, detail, errors, headers, extensions } = problem;
  const copy = new Problem({ status, slug, title, detail, errors, headers, extensions });
  pageLanguages.set(copy, language);
  return copy;
}

/**
 * The HTML answer to a refusal on a page route, or undefined where problem+json stays: an API
 * route of the same function (the Test-ISP's JSON API), or a caller that asked for problem+json.
 */
export async function pageErrorAnswer(
  problem: Problem,
  event: APIGatewayProxyEvent,
): Promise<HttpResult | undefined> {
  if (asksForProblemJson(event)) return undefined;
  const language = pageLanguages.get(problem) ?? pageErrorLanguage(event);
  const { isPageResource, isPageRoute, pageErrorPage } = await import('./page-errors.js');
  // A page route, a method a page path does not have (its 405, ADR 0024), or a resource below the
  // pages no route has (its 404, ADR 0027).
  if (!isPageRoute(event.httpMethod, event.resource) && !isPageResource(event.resource)) return undefined;
  const reference = problem.extensions.correlationId;
  return pageErrorPage(problem, language, typeof reference === 'string' ? reference : undefined);
}

/**
 * Refuses a request no route serves before the page function's handler and body rule run, from the
 * route table: a method the path does not have (405 with `Allow`: API Gateway hands a page path's
 * other methods to its function, ADR 0024), or any request to a resource below the pages that no
 * route has (404: a link cut short or with an extra segment, ADR 0027) — the handler would take
 * them for its page. A GET of a resource with path parameters, none greedy, reads nothing: that is
 * the page a link opens (every page path has GET, test/unit/page-errors.test.ts; a resource below
 * the pages has no parameter or a greedy one, routes.ts pageFallbackResources), and it loads no
 * route table; another request loads it with the error pages (the lazy module).
 */
export async function refuseUnroutedRequest(
  event: Pick<APIGatewayProxyEvent, 'httpMethod' | 'resource' | 'pathParameters'>,
) {
  if (event.httpMethod === 'GET' && isPageResourceWithParameters(event)) return;
  const { unroutedRequest } = await import('./page-errors.js');
  const refusal = unroutedRequest(event.httpMethod, event.resource);
  // Made here, of this bundle's Problem class: the wrapper tells a refusal by `instanceof`.
  if (refusal) throw new Problem(refusal);
}

/** A resource with path parameters, none of them greedy (`{proxy+}`): a page's own, read without the route table. */
function isPageResourceWithParameters(event: Pick<APIGatewayProxyEvent, 'resource' | 'pathParameters'>) {
  return Object.keys(event.pathParameters ?? {}).length > 0 && !event.resource.endsWith('+}');
}
