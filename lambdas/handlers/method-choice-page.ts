/**
 * GET /method-choice/{refId}?token=… shows the person the identification methods the SP's setup
 * allows, in the order's language; POST opens the order with the chosen partner and redirects the
 * person there (303). A plain HTML form: it works without JavaScript. The token is the link's
 * secret: never logged.
 */

import type { APIGatewayProxyEvent } from 'aws-lambda';
import { methodChoiceTableStores } from '../adapters/aws-clients.js';
import { requiredPublicBaseUrl } from '../adapters/env.js';
import { assertOrderTokenKeysConfigured } from '../adapters/order-token-keys.js';
import { partnerOrderDeps } from '../adapters/partner-order-deps.js';
import { sfnClient, TaskCallbacks } from '../adapters/workflow/step-functions.js';
import { LANGUAGES, type Language } from '../core/domain.js';
import { METHOD_CHOICE_PAGE, type MethodOption, optionLabel, optionValue } from '../core/method-choice.js';
import { Problem, problems } from '../core/problems.js';
import { html, httpHandler } from '../http/handler.js';
import { escapeHtml, page } from '../http/html.js';
import {
  pageErrorAnswer,
  pageErrorLanguage,
  refuseUnroutedRequest,
  withPageLanguage,
} from '../http/page-error-answer.js';
import { formBody, isCrossSite } from '../http/request.js';
import { chooseMethod, openMethodChoice } from '../usecases/method-choice.js';

requiredPublicBaseUrl(); // at cold start: a deployment without it fails here
assertOrderTokenKeysConfigured(true);

const deps = {
  repository: methodChoiceTableStores(),
  callbacks: new TaskCallbacks(sfnClient()),
  ...partnerOrderDeps(),
};

const MAX_FORM_BYTES = 4 * 1024;

const languageOf = (value: string | undefined): Language =>
  (LANGUAGES as readonly string[]).includes(value ?? '') ? (value as Language) : 'en';

function choicePage(language: Language, options: MethodOption[], error?: string): string {
  const t = METHOD_CHOICE_PAGE[language];
  if (options.length === 0) {
    return page(
      t.title,
      `<h1>${escapeHtml(t.title)}</h1><p role="alert">${escapeHtml(t.none)}</p>`,
      language,
    );
  }
  const errorId = 'method-error';
  const items = options
    .map((option, i) => {
      const { name, detail } = optionLabel(option, language);
      const describedBy = [`method-${i}-detail`, ...(error ? [errorId] : [])].join(' ');
      return `<div class="option"><input type="radio" id="method-${i}" name="method" value="${escapeHtml(optionValue(option))}" required aria-describedby="${describedBy}"${i === 0 && error ? ' autofocus' : ''}>
<div><label for="method-${i}">${escapeHtml(name)}</label><small class="note" id="method-${i}-detail">${escapeHtml(detail)}</small></div></div>`;
    })
    .join('\n');
  const body = `<h1>${escapeHtml(t.title)}</h1>
<p>${escapeHtml(t.intro)}</p>
<form method="post" action="" novalidate>
<fieldset${error ? ` aria-invalid="true"` : ''}><legend>${escapeHtml(t.legend)}</legend>
${error ? `<p class="error" id="${errorId}" role="alert">${escapeHtml(error)}</p>\n` : ''}${items}
</fieldset>
<button type="submit">${escapeHtml(t.submit)}</button>
</form>`;
  return page(t.title, body, language);
}

function problemPage(err: Problem, language: Language): string {
  const t = METHOD_CHOICE_PAGE[language];
  const { slug } = err;
  const message =
    slug === 'method-choice-made'
      ? t.chosen
      : slug === 'method-choice-in-progress'
        ? t.busy
        : slug === 'method-choice-link-expired'
          ? t.expired
          : err.status === 502 || err.status === 503
            ? t.unavailable
            : t.invalid;
  const target = typeof err.extensions.targetURL === 'string' ? err.extensions.targetURL : undefined;
  const next = target ? `<p><a href="${escapeHtml(target)}">${escapeHtml(t.continueTo)}</a></p>` : '';
  return page(
    t.title,
    `<h1>${escapeHtml(t.title)}</h1><p role="alert">${escapeHtml(message)}</p>${next}`,
    language,
  );
}

/** The submitted form: exactly one `method` field, nothing else (anything more is a tampered form). */
function submittedMethod(event: APIGatewayProxyEvent): string | undefined {
  // Defence in depth against a choice made for the person by another site.
  if (isCrossSite(event)) throw problems.forbidden('The form was posted from another site.');
  const form = formBody(event, MAX_FORM_BYTES);
  const keys = [...form.keys()];
  if (keys.some((k) => k !== 'method') || form.getAll('method').length > 1) {
    throw problems.validation([{ field: 'method', message: 'Choose one of the offered methods.' }]);
  }
  return form.get('method') ?? undefined;
}

export const handler = httpHandler(
  'method-choice-page',
  async (event) => {
    const refId = event.pathParameters?.refId ?? '';
    const token = event.queryStringParameters?.token ?? '';
    // Until the order says which: the browser's (pageErrorLanguage).
    let language: Language = pageErrorLanguage(event);
    try {
      const choice = await openMethodChoice(deps, refId, token);
      language = languageOf(choice.order.person.language);
      if (event.httpMethod !== 'POST') return html(200, choicePage(language, choice.options));
      try {
        const { targetURL } = await chooseMethod(deps, {
          refId,
          token,
          value: submittedMethod(event),
          serviceBaseUrl: requiredPublicBaseUrl(),
        });
        return html(
          303,
          page(
            METHOD_CHOICE_PAGE[language].title,
            `<p><a href="${escapeHtml(targetURL)}">${escapeHtml(METHOD_CHOICE_PAGE[language].continueTo)}</a></p>`,
            language,
          ),
          {
            Location: targetURL,
          },
        );
      } catch (err) {
        // A bad choice shows the form again, the error next to the field.
        if (err instanceof Problem && err.status === 400) {
          return html(400, choicePage(language, choice.options, METHOD_CHOICE_PAGE[language].required));
        }
        throw err;
      }
    } catch (err) {
      if (!(err instanceof Problem)) throw err;
      // The form's refusals at the edge (another site, its size, its media type): refused by the
      // wrapper like any other (logged, counted), its page in the order's language.
      if ([403, 413, 415].includes(err.status)) throw withPageLanguage(err, language);
      return html(err.status, problemPage(err, language));
    }
  },
  { pageErrors: pageErrorAnswer, unroutedPageRequests: refuseUnroutedRequest },
);
