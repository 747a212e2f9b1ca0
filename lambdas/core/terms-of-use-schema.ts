/**
 * The terms-of-use document's schema: what the operator may configure (`termsOfUse` in the service
 * configuration, service-config.ts). Apart from the document itself (terms-of-use.ts), which the
 * terms page shows without validating.
 */
import { LANGUAGES, type Language } from './domain.js';
import { safeText } from './fields.js';
import { TERMS_VERSION } from './terms-of-use.js';
import * as z from './zod.js';

export const TermsDocumentSchema = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({
      title: safeText(200),
      /** The full text, one string per paragraph. */
      text: z.optional(z.array(safeText(4000)).check(z.minLength(1), z.maxLength(100))),
      /** A link to the full text (https). */
      url: z.optional(
        z.url({ protocol: /^https$/, error: 'Must be an https URL.' }).check(z.maxLength(2048)),
      ),
    })
    .check(
      z.refine((d) => (d.text === undefined) !== (d.url === undefined), {
        error: 'Give either the full text or a link to it.',
      }),
    ),
);
export type TermsDocument = z.output<typeof TermsDocumentSchema>;

const documentsShape = /* @__PURE__ */ z.define(
  () =>
    Object.fromEntries(
      LANGUAGES.map((l) => [l, l === 'en' ? TermsDocumentSchema : z.optional(TermsDocumentSchema)]),
    ) as { en: typeof TermsDocumentSchema } & Record<
      Exclude<Language, 'en'>,
      z.ZodMiniOptional<typeof TermsDocumentSchema>
    >,
);

export const TermsOfUseSchema = /* @__PURE__ */ z.define(() =>
  z.strictObject({
    version: z.string().check(
      z.regex(TERMS_VERSION, {
        error: 'Must be 1 to 64 ASCII letters, digits, dots, underscores or hyphens, e.g. 2026-11.',
      }),
    ),
    /** One document per language; English is required and stands in for a language without one. */
    documents: z.strictObject(documentsShape),
  }),
);
export type TermsOfUse = z.output<typeof TermsOfUseSchema>;
