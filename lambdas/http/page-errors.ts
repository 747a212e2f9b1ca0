/**
 * Errors on the pages a person opens (routes of kind `page` in lambdas/routes.ts) are HTML pages:
 * the same status as the problem+json an API route answers, the pages' layout (phone-sized,
 * accessible), in the person's language, with what happened and what to do next — never the
 * request's data. Loaded on the error path by lambdas/http/page-error-answer.ts, which page
 * functions hold; an API function's errors stay problem+json.
 */
import type { Language } from '../core/domain.js';
import { PAGE_ERROR_LABELS, PAGE_ERRORS, pageErrorKindOf } from '../core/page-errors.js';
import type { Problem, ProblemInit } from '../core/problems.js';
import { allowedMethods, isPageResource, isPageRoute } from '../routes.js';
import { GATEWAY_RESPONSES, METHOD_NOT_ALLOWED } from './gateway-responses.js';
import { escapeHtml, page } from './html.js';
import { type HttpResult, html } from './responses.js';

/** The HTML document of a refusal with this status, in this language; a fault on our side names its reference. */
export function pageErrorDocument(status: number, language: Language, reference?: string): string {
  const t = PAGE_ERRORS[language][pageErrorKindOf(status)];
  const labels = PAGE_ERROR_LABELS[language];
  const quoted =
    status >= 500 && reference
      ? ` · ${labels.reference}: <span class="url">${escapeHtml(reference)}</span>`
      : '';
  return page(
    t.title,
    `<h1>${escapeHtml(t.title)}</h1>
<p role="alert">${escapeHtml(t.happened)}</p>
<p>${escapeHtml(t.next)}</p>
<p class="note">${labels.status} ${status}${quoted}</p>`,
    language,
  );
}

/** A refusal as an HTML page: the problem's status and headers (Allow, Retry-After), the page's language. */
export function pageErrorPage(problem: Problem, language: Language, reference?: string): HttpResult {
  return html(problem.status, pageErrorDocument(problem.status, language, reference), {
    ...problem.headers,
    'Content-Language': language,
  });
}

/**
 * The refusal of a request no route of the resource serves, from the route table; the same problem
 * as the gateway's own answer on an API path (gateway-responses.ts): a 404 on a resource below the
 * pages no route has (ADR 0027), as API Gateway's MISSING_AUTHENTICATION_TOKEN; a 405 with `Allow`
 * for a method the resource does not have (ADR 0024). Undefined for a routed method.
 * What makes the Problem, not the Problem: this module is bundled apart from its caller (ADR 0023),
 * and a Problem made from its own copy of the class would not be `instanceof` the wrapper's.
 */
export function unroutedRequest(method: string, resource: string): ProblemInit | undefined {
  const allowed = allowedMethods(resource);
  if (!allowed.length) {
    const { status, slug, title, detail } = GATEWAY_RESPONSES.MISSING_AUTHENTICATION_TOKEN;
    return { status, slug, title, detail };
  }
  if (allowed.includes(method)) return undefined;
  const { status, slug, title, detail } = METHOD_NOT_ALLOWED;
  return { status, slug, title, detail, headers: { Allow: allowed.join(', ') } };
}

export { isPageResource, isPageRoute };
