/** The person's pages behind the links the service hands out: the method choice and the terms. */
import * as S from '../../core/schemas.js';
import * as z from '../../core/zod.js';
import { type Operation, page } from './spec.js';

const MethodChoiceQuery = /* @__PURE__ */ z.define(() =>
  z.strictObject({
    token: z
      .string()
      .check(z.regex(/^[\w-]{20,100}$/))
      .register(z.globalRegistry, { description: 'The link’s secret.' }),
  }),
);

const TermsPageQuery = /* @__PURE__ */ z.define(() =>
  z.strictObject({
    lang: z.optional(
      z.string().register(z.globalRegistry, {
        description: 'The page’s language: en, de, fr or it (any other value: the order’s language).',
      }),
    ),
  }),
);

/** The terms page's form as its button sends it. */
const TermsAcceptanceForm = /* @__PURE__ */ z.define(() =>
  z.extend(S.TermsForm, {
    accept: z
      .literal('yes')
      .register(z.globalRegistry, { description: 'The acceptance: the form’s hidden field.' }),
  }),
);

const LINK_TOKEN = { type: 'string', pattern: '^[A-Za-z0-9_-]{20,100}$' };

export const PERSON_PAGE_OPERATIONS: Record<string, Operation> = {
  'GET /method-choice/{refId}': {
    query: MethodChoiceQuery,
    description:
      'The `targetURL` of an identification started without `issuer` and `method`: a page in the order’s language listing the methods the SP’s setup allows.',
    responses: {
      '200': page('The methods to choose from.'),
      '404': page('The link is not valid.'),
      '409': page('A method was already chosen (with a link to continue to the partner).'),
      '410': page('The identification expired or ended.'),
    },
  },
  'POST /method-choice/{refId}': {
    query: MethodChoiceQuery,
    requestMediaType: 'application/x-www-form-urlencoded',
    requestSchema: {
      type: 'object',
      properties: { method: { type: 'string', description: 'The chosen option: `<method>@<issuer>`.' } },
      additionalProperties: false,
    },
    responses: {
      '303': {
        description:
          'Chosen: the order is open with the partner; Location is the partner’s URL for the person.',
        html: true,
        headers: { Location: { description: 'The partner’s URL.', schema: { type: 'string' } } },
      },
      '400': page('Not one of the offered methods: the form again, the error next to the field.'),
      '403': page('The form was posted from another site (Origin, Sec-Fetch-Site): nothing changed.'),
      '404': page('The link is not valid.'),
      '409': page('A method was already chosen, or a choice is being opened right now.'),
      '410': page('The identification expired or ended.'),
      '502': page('The partner refused the order: choose again.'),
      '503': page('The partner is not available: try again or choose another method.'),
    },
  },
  'GET /terms/{token}': {
    pathParameter: LINK_TOKEN,
    query: TermsPageQuery,
    responses: {
      '200': page('The terms of use in the order’s language, with the accept button.'),
      '404': page('The link is not valid.'),
      '410': page(
        'The terms were accepted with this link, the link has expired (the SP can send a new one), or the identification has ended (expired or cancelled: the SP starts a new one).',
      ),
    },
  },
  'POST /terms/{token}': {
    pathParameter: LINK_TOKEN,
    query: TermsPageQuery,
    request: TermsAcceptanceForm,
    requestMediaType: 'application/x-www-form-urlencoded',
    description:
      'The page’s own form: only `accept=yes`, sent once, form-encoded, from the page’s own site, records the acceptance.',
    responses: {
      '200': page(
        'Accepted: the registration follows. The same acceptance sent again (same link, pseudonym, version and language) is answered the same and changes nothing.',
      ),
      '400': page(
        'Not accepted (no `accept=yes`, a field given twice, an invalid pseudonym): nothing recorded, the link stays usable.',
      ),
      '403': page('The form was posted from another site (Origin, Sec-Fetch-Site): nothing recorded.'),
      '404': page('The link is not valid.'),
      '409': page('A new version of the terms was published while the page was open: read it first.'),
      '410': page(
        'Nothing recorded: the terms were accepted with this link with another choice (a different pseudonym), the link has expired, or the identification has ended (the wait for the acceptance timed out, or it was cancelled).',
      ),
    },
  },
};
