/**
 * GET /terms/{token} shows the terms of use in the order's language; POST accepts them (single use).
 * The token is the SMS link's secret: never logged, never sent on as a referrer.
 *
 * Only the page's own form counts as an acceptance: `accept=yes`, once, form-encoded, not sent by
 * another site. Anything else is a 400 (or 403) page and records nothing.
 */

import type { APIGatewayProxyEvent } from 'aws-lambda';
import { lifecycleDeps } from '../adapters/lifecycle-deps.js';
import { Problem } from '../core/problems.js';
import { type TermsPageText, termsPageText } from '../core/terms.js';
import { html, httpHandler } from '../http/handler.js';
import { escapeHtml, page } from '../http/html.js';
import { isCrossSite, isFormEncoded, rawBody } from '../http/request.js';
import { acceptTerms, openTermsLink } from '../usecases/lifecycle.js';

const deps = lifecycleDeps();

/** The page's form is a few bytes; anything much larger was not sent by it. */
const MAX_FORM_BYTES = 1024;

const notAccepted = new Problem({
  status: 400,
  slug: 'terms-not-accepted',
  title: 'Not accepted',
  detail:
    'Only the form field accept=yes, sent once as application/x-www-form-urlencoded, accepts the terms.',
});
const foreignSite = new Problem({
  status: 403,
  slug: 'terms-foreign-site',
  title: 'Forbidden',
  detail: 'The acceptance was sent from another site.',
});

function checkExplicitAcceptance(event: APIGatewayProxyEvent): void {
  if (isCrossSite(event)) throw foreignSite;
  if (!isFormEncoded(event)) throw notAccepted;
  const raw = rawBody(event);
  if (Buffer.byteLength(raw) > MAX_FORM_BYTES) throw notAccepted;
  const accept = new URLSearchParams(raw).getAll('accept');
  if (accept.length !== 1 || accept[0] !== 'yes') throw notAccepted;
}

function refusalMessage(err: Problem, t: TermsPageText): string {
  const slug = err.type.slice(err.type.lastIndexOf('/') + 1);
  switch (slug) {
    case 'terms-link-used':
      return t.used;
    case 'terms-link-expired':
      return t.expired;
    case 'terms-not-accepted':
      return t.notAccepted;
    case 'terms-foreign-site':
      return t.foreign;
    default:
      return t.invalid;
  }
}

export const handler = httpHandler('terms-page', async (event) => {
  const token = event.pathParameters?.token ?? '';
  const lang = /^(en|de|fr|it)$/.exec(event.queryStringParameters?.lang ?? '')?.[0];
  try {
    if (event.httpMethod === 'POST') {
      checkExplicitAcceptance(event);
      const order = await acceptTerms(deps, token);
      const t = termsPageText(order.person.language);
      const next = order.redirectUrl
        ? `<p><a class="button" href="${escapeHtml(order.redirectUrl)}">${escapeHtml(t.back)}</a></p>`
        : '';
      return html(
        200,
        page(
          t.title,
          `<h1>${escapeHtml(t.title)}</h1><p role="status">${escapeHtml(t.accepted)}</p>${next}`,
          order.person.language,
        ),
      );
    }
    const { order } = await openTermsLink(deps, token);
    const language = lang ?? order.person.language;
    const t = termsPageText(language);
    const body = `<h1>${escapeHtml(t.title)}</h1>
<p>${escapeHtml(t.intro)}</p>
<ol>${t.terms.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ol>
<form method="post" action="">
<input type="hidden" name="accept" value="yes">
<button type="submit">${escapeHtml(t.accept)}</button>
</form>`;
    return html(200, page(t.title, body, language));
  } catch (err) {
    if (!(err instanceof Problem)) throw err;
    const t = termsPageText(lang ?? 'en');
    return html(
      err.status,
      page(
        t.title,
        `<h1>${escapeHtml(t.title)}</h1><p role="alert">${escapeHtml(refusalMessage(err, t))}</p>`,
        lang ?? 'en',
      ),
    );
  }
});
