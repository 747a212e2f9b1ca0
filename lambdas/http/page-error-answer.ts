/**
 * What a page function holds of its error pages until it needs one: the language and Accept rules,
 * and `pageErrorAnswer`, which loads the pages themselves (lambdas/http/page-errors.ts: their texts
 * in four languages and the route table, ~16 KB of bundle) by the first refusal — most requests a
 * page function serves never meet one, so its cold start does not run that module.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Language } from '../core/domain.js';
import { preferredLanguage, spokenLanguage } from '../core/languages.js';
import type { Problem } from '../core/problems.js';
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

/** Whether the caller asks for problem+json over HTML (a program; browsers never send this type). */
export function asksForProblemJson(event: Pick<APIGatewayProxyEvent, 'headers'>): boolean {
  const accept = headerOf(event, 'accept')?.toLowerCase();
  if (!accept?.includes('application/problem+json')) return false;
  const weightOf = (type: string) => {
    for (const part of accept.split(',')) {
      const [range = '', ...params] = part.trim().split(';');
      if (range.trim() !== type) continue;
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return q ? Number(q.slice(2)) || 0 : 1;
    }
    return 0;
  };
  return weightOf('application/problem+json') > weightOf('text/html');
}

/**
 * The HTML answer to a refusal on a page route, or undefined where problem+json stays: an API
 * route of the same function (the Test-ISP's JSON API), or a caller that asked for problem+json.
 */
export async function pageErrorAnswer(
  problem: Problem,
  event: APIGatewayProxyEvent,
  /** The page's language where the page knows it (the order's); else pageErrorLanguage. */
  language: Language = pageErrorLanguage(event),
): Promise<HttpResult | undefined> {
  if (asksForProblemJson(event)) return undefined;
  const { isPageRoute, pageErrorPage } = await import('./page-errors.js');
  if (!isPageRoute(event.httpMethod, event.resource)) return undefined;
  const reference = problem.extensions.correlationId;
  return pageErrorPage(problem, language, typeof reference === 'string' ? reference : undefined);
}
