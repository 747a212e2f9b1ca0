/**
 * GET /terms/{token} shows the terms of use in the order's language; POST accepts them (single use).
 * The token is the SMS link's secret: never logged.
 */

import { lifecycleDeps } from '../adapters/lifecycle-deps.js';
import { Problem } from '../core/problems.js';
import { termsPageText } from '../core/terms.js';
import { html, httpHandler } from '../http/handler.js';
import { escapeHtml, page } from '../http/html.js';
import { acceptTerms, openTermsLink } from '../usecases/lifecycle.js';

const deps = lifecycleDeps();

export const handler = httpHandler('terms-page', async (event) => {
  const token = event.pathParameters?.token ?? '';
  const lang = /^(en|de|fr|it)$/.exec(event.queryStringParameters?.lang ?? '')?.[0];
  try {
    if (event.httpMethod === 'POST') {
      const order = await acceptTerms(deps, token);
      const t = termsPageText(order.person.language);
      const next = order.redirectUrl
        ? `<p><a href="${escapeHtml(order.redirectUrl)}">${escapeHtml(order.redirectUrl)}</a></p>`
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
    const message = err.type.endsWith('terms-link-used')
      ? t.used
      : err.type.endsWith('terms-link-expired')
        ? t.expired
        : t.invalid;
    return html(
      err.status,
      page(
        t.title,
        `<h1>${escapeHtml(t.title)}</h1><p role="alert">${escapeHtml(message)}</p>`,
        lang ?? 'en',
      ),
    );
  }
});
