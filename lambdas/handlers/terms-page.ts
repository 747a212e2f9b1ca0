/**
 * GET /terms/{token} shows the terms of use in the order's language — the short summary beside the
 * current terms-of-use document (its text or a link) — and a pseudonym the person may choose;
 * POST accepts them (single use), recording the version, language and pseudonym.
 * The token is the SMS link's secret: never logged, never sent on as a referrer.
 *
 * Only the page's own form counts as an acceptance: `accept=yes`, once, form-encoded, not sent by
 * another site. Anything else is a 400 (or 403) page and records nothing; a body the form could
 * not have sent is a 413 or 415 page (lambdas/http/page-errors.ts), also recording nothing.
 */

import type { APIGatewayProxyEvent } from 'aws-lambda';
import { termsTableStores } from '../adapters/aws-clients.js';
import { requiredPublicBaseUrl } from '../adapters/env.js';
import { logger } from '../adapters/logger.js';
import { sfnClient, TaskCallbacks } from '../adapters/workflow/step-functions.js';
import type { Language } from '../core/domain.js';
import { spokenLanguage } from '../core/languages.js';
import { Problem } from '../core/problems.js';
import { type TermsPageText, termsPageText } from '../core/terms.js';
import type { TermsForm } from '../core/terms-form.js';
import { type TermsOfUse, termsDocumentFor } from '../core/terms-of-use.js';
import { html, httpHandler } from '../http/handler.js';
import { escapeHtml, page } from '../http/html.js';
import {
  pageErrorAnswer,
  pageErrorLanguage,
  refuseUnroutedRequest,
  withPageLanguage,
} from '../http/page-error-answer.js';
import { formBody, isCrossSite } from '../http/request.js';
import { acceptTerms, openTermsLink, termsLinkLanguage } from '../usecases/terms-acceptance.js';

// The Origin check of the acceptance POST compares against it (isCrossSite).
requiredPublicBaseUrl();

// No metrics: accepting the terms changes no status (the registration task does, and counts it).
const deps = { repository: termsTableStores(), callbacks: new TaskCallbacks(sfnClient()) };

/**
 * The acceptance form's schema, and zod with it: loaded by the POST that accepts. Showing the page
 * (the GET a person's SMS link opens) validates nothing, so a cold start by it evaluates no zod.
 */
const termsFormSchema = async () => (await import('../core/terms-form.js')).TermsForm;

/** The page's form is small (a pseudonym is at most 100 characters); anything much larger was not sent by it. */
const MAX_FORM_BYTES = 2048;

const notAccepted = new Problem({
  status: 400,
  slug: 'terms-not-accepted',
  title: 'Not accepted',
  detail:
    'Only the form field accept=yes, sent once as application/x-www-form-urlencoded, accepts the terms.',
});
const badPseudonym = new Problem({
  status: 400,
  slug: 'terms-invalid-pseudonym',
  title: 'Invalid pseudonym',
  detail: 'A pseudonym follows the rules of a name: letters, spaces, apostrophes, hyphens and dots.',
});
const foreignSite = new Problem({
  status: 403,
  slug: 'terms-foreign-site',
  title: 'Forbidden',
  detail: 'The acceptance was sent from another site.',
});

/** The explicit acceptance, with the version shown and the pseudonym chosen (checked like a name). */
async function explicitAcceptance(event: APIGatewayProxyEvent): Promise<TermsForm> {
  if (isCrossSite(event)) throw foreignSite;
  // A body the form could not have sent (too large, another media type or encoding) is the
  // edge's 413 or 415, answered by the page errors.
  const form = formBody(event, MAX_FORM_BYTES);
  const accept = form.getAll('accept');
  if (accept.length !== 1 || accept[0] !== 'yes') throw notAccepted;
  const pseudonyms = form.getAll('pseudonym');
  const versions = form.getAll('termsVersion');
  if (pseudonyms.length > 1) throw badPseudonym;
  if (versions.length > 1) throw notAccepted;
  const parsed = (await termsFormSchema()).safeParse({
    ...(pseudonyms[0] ? { pseudonym: pseudonyms[0] } : {}),
    ...(versions[0] !== undefined ? { termsVersion: versions[0] } : {}),
  });
  if (!parsed.success)
    throw parsed.error.issues.some((i) => i.path[0] === 'pseudonym') ? badPseudonym : notAccepted;
  return parsed.data;
}

/** The terms-of-use document in this language (or English), beside the summary, and the form. */
function termsPage(t: TermsPageText, terms: TermsOfUse, language: string): string {
  const { language: docLanguage, document } = termsDocumentFor(terms, language);
  const full = document.url
    ? `<p><a href="${escapeHtml(document.url)}" hreflang="${docLanguage}">${escapeHtml(t.readFull)}</a></p>`
    : (document.text ?? []).map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  return `<h1>${escapeHtml(t.title)}</h1>
<p>${escapeHtml(t.intro)}</p>
<h2>${escapeHtml(t.summary)}</h2>
<ol>${t.terms.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ol>
<section lang="${docLanguage}" aria-labelledby="terms-document">
<h2 id="terms-document">${escapeHtml(document.title)}</h2>
<p class="note">${escapeHtml(t.version)} ${escapeHtml(terms.version)}</p>
${full}
</section>
<form method="post" action="">
<input type="hidden" name="accept" value="yes">
<input type="hidden" name="termsVersion" value="${escapeHtml(terms.version)}">
<label for="pseudonym">${escapeHtml(t.pseudonymLabel)}</label>
<input id="pseudonym" name="pseudonym" maxlength="100" autocomplete="off" aria-describedby="pseudonym-hint">
<small class="note" id="pseudonym-hint">${escapeHtml(t.pseudonymHint)}</small>
<button type="submit">${escapeHtml(t.accept)}</button>
</form>`;
}

/**
 * The language of the order a link leads to, for a refusal's page; undefined when there is none or
 * it cannot be read now: a refusal never turns into a 503 because its language could not be looked
 * up (a throttled read), it speaks the browser's language instead.
 */
async function orderLanguage(token: string): Promise<Language | undefined> {
  try {
    return spokenLanguage(await termsLinkLanguage(deps, token));
  } catch (err) {
    logger.warn('terms link language unavailable', { errorName: (err as Error | undefined)?.name });
    return undefined;
  }
}

function refusalMessage(err: Problem, t: TermsPageText): string {
  const { slug } = err;
  switch (slug) {
    case 'terms-link-used':
      return t.used;
    case 'terms-link-expired':
      return t.expired;
    case 'terms-identification-ended':
      return t.ended;
    case 'terms-not-accepted':
      return t.notAccepted;
    case 'terms-foreign-site':
      return t.foreign;
    case 'terms-invalid-pseudonym':
      return t.pseudonymInvalid;
    case 'terms-changed':
      return t.changed;
    default:
      return t.invalid;
  }
}

export const handler = httpHandler(
  'terms-page',
  async (event) => {
    const token = event.pathParameters?.token ?? '';
    const lang = spokenLanguage(event.queryStringParameters?.lang ?? undefined);
    try {
      if (event.httpMethod === 'POST') {
        const form = await explicitAcceptance(event);
        const order = await acceptTerms(deps, token, { ...form, language: lang });
        // The language the page was read in (and the acceptance recorded in), as the GET showed it.
        const language = lang ?? order.person.language;
        const t = termsPageText(language);
        const next = order.redirectUrl
          ? `<p><a class="button" href="${escapeHtml(order.redirectUrl)}">${escapeHtml(t.back)}</a></p>`
          : '';
        return html(
          200,
          page(
            t.title,
            `<h1>${escapeHtml(t.title)}</h1><p role="status">${escapeHtml(t.accepted)}</p>${next}`,
            language,
          ),
        );
      }
      const { order, terms } = await openTermsLink(deps, token);
      const language = lang ?? order.person.language;
      const t = termsPageText(language);
      const body = termsPage(t, terms, language);
      return html(200, page(t.title, body, language));
    } catch (err) {
      // Faults: the page errors' answer (lambdas/http/page-errors.ts), without another read.
      if (!(err instanceof Problem) || err.status >= 500) throw err;
      // A refusal speaks the page's language: ?lang=, else the order's, else the browser's.
      const language = lang ?? (await orderLanguage(token)) ?? pageErrorLanguage(event);
      // The body's media type and size: refused by the wrapper, its page in that language.
      if ([413, 415].includes(err.status)) throw withPageLanguage(err, language);
      const t = termsPageText(language);
      return html(
        err.status,
        page(
          t.title,
          `<h1>${escapeHtml(t.title)}</h1><p role="alert">${escapeHtml(refusalMessage(err, t))}</p>`,
          language,
        ),
      );
    }
  },
  { pageErrors: pageErrorAnswer, unroutedPageRequests: refuseUnroutedRequest },
);
