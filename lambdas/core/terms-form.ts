/**
 * The terms page's posted form.
 */
import { personName } from './person-fields.js';
import { TERMS_VERSION } from './terms-of-use.js';
import * as z from './zod.js';

/**
 * The terms page's form beside its `accept=yes`: the version shown and, optionally, a pseudonym —
 * checked as the start call checks names (an empty field is no pseudonym).
 */
export const TermsForm = /* @__PURE__ */ z.define(() =>
  z.object({
    termsVersion: z.optional(z.string().check(z.regex(TERMS_VERSION, { error: 'Invalid terms version.' }))),
    pseudonym: z.optional(personName),
  }),
);
export type TermsForm = z.infer<typeof TermsForm>;
