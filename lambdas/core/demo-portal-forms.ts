/**
 * The demo portal's forms and the journey cookie, as zod schemas: the signer (step 1), the method
 * choice or the service's choice (step 2), and what the cookie holds. The handler loads this module
 * by `import()` for a submitted form, and for a cookie `wellFormedJourney` (demo-portal.ts) cannot
 * vouch for: a page that only reads the cookie the portal wrote evaluates no zod.
 */

import { SIGNATURE_NEED_KEYS } from './demo-portal.js';
import { LANGUAGES, METHOD_NAME } from './domain.js';
import { e164, emailAddress, PERSON_NAME, pastDate } from './person-fields.js';
import { PERSON_NAME_MAX } from './person-patterns.js';
import * as z from './zod.js';

const required = { error: 'Required.', abort: true } as const;
const trimmed = () => z.string({ error: 'Required.' }).check(z.trim(), z.minLength(1, required));

/** Step 1: who signs, and which signature the document needs. */
export const SignerForm = /* @__PURE__ */ z.define(() =>
  z.strictObject({
    firstName: trimmed().check(
      z.maxLength(PERSON_NAME_MAX, { error: `At most ${PERSON_NAME_MAX} characters.` }),
      z.regex(PERSON_NAME, { error: 'Letters, spaces, apostrophes, hyphens or dots only.' }),
    ),
    lastName: trimmed().check(
      z.maxLength(PERSON_NAME_MAX, { error: `At most ${PERSON_NAME_MAX} characters.` }),
      z.regex(PERSON_NAME, { error: 'Letters, spaces, apostrophes, hyphens or dots only.' }),
    ),
    mobile: z.pipe(
      trimmed().check(z.overwrite((v) => v.replace(/[\s()/.-]/g, '').replace(/^00/, '+'))),
      e164,
    ),
    need: z.enum(SIGNATURE_NEED_KEYS, { error: 'Choose the signature the document needs.' }),
  }),
);
export type Signer = z.output<typeof SignerForm>;

/** Step 2: what the partner needs beyond the name and number (the start call's rules)… */
const partnerNeeds = () => ({
  email: z.pipe(trimmed(), emailAddress),
  dob: z.pipe(trimmed(), pastDate),
  language: z.enum(LANGUAGES, { error: 'Choose a language.' }),
  // A hidden field the page writes: left out or malformed, the person can only reload.
  attempt: z
    .string({ error: 'Reload the page and try again.' })
    .check(z.regex(/^[A-Za-z0-9-]{8,64}$/, { error: 'Reload the page and try again.' })),
});
/*
 * The two step-2 forms are built by their first parse (`z.lazy`): only the methods page's POST
 * validates them, while the signer form is also built for the signer page's POST (the journey
 * cookie every page reads goes through the zod-free wellFormedJourney, demo-portal.ts).
 */
/** …and the method the person chose here, `issuer|method`… */
export const MethodForm = /* @__PURE__ */ z.define(() =>
  z.lazy(() =>
    z.strictObject({
      choice: z.string({ error: 'Choose an identification method.' }).check(
        z.regex(new RegExp(`^[^|]{1,100}\\|${METHOD_NAME.source.slice(1)}`), {
          error: 'Choose an identification method.',
        }),
      ),
      ...partnerNeeds(),
    }),
  ),
);
/** …or none: the service's own page offers the choice (the paper's six-field start). */
export const ServiceChoiceForm = /* @__PURE__ */ z.define(() => z.lazy(() => z.strictObject(partnerNeeds())));
export type MethodChoice = z.output<typeof MethodForm>;
export type ServiceChoice = z.output<typeof ServiceChoiceForm>;

/** What the portal remembers between pages (a cookie): the signer, and the order once started. */
export const Journey = /* @__PURE__ */ z.define(() =>
  z.strictObject({
    signer: SignerForm,
    refId: z.optional(z.uuid()),
  }),
);
export type Journey = z.output<typeof Journey>;
