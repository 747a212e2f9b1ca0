/**
 * The field rules several request schemas share: free text, the assurance level, the claimed
 * identity (the verify call and the SP setup). A person's data: person-fields.ts; the catalogue's
 * names: catalogue-fields.ts. Each request's schema lives beside its route's concern
 * (verify-schemas.ts, catalogue-schemas.ts, identification-schemas.ts, …) and these modules are
 * small, so that a function builds at cold start only the schemas its handler validates with
 * (docs/benchmarks.md §3); schemas.ts gathers them all for the OpenAPI document.
 */
import { CLAIMED_IDENTITY_ID, safeTextPattern } from './domain.js';
import { mustBe } from './field-messages.js';
import * as z from './zod.js';

/** Free text (domain.ts), built when a module with a free-text rule loads. */
export const SAFE_TEXT = /* @__PURE__ */ safeTextPattern();
export const safeText = (max: number) =>
  z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(max),
      z.regex(SAFE_TEXT, { error: 'Must not contain control or format characters.' }),
    );

export const loa = /* @__PURE__ */ z.define(() =>
  z
    // Its own words, which name the levels (field-messages.ts would say `3 or 4`); Required when missing.
    .union([z.literal(3), z.literal(4)], mustBe('the number 3 (advanced) or 4 (qualified)'))
    .register(z.globalRegistry, { description: '3 = advanced (AES), 4 = qualified (QES).' }),
);
/** Also a DynamoDB key part (CLAIMED#<id>), in the verify call and in the SP setup alike. */
export const claimedIdentityId = /* @__PURE__ */ z.define(() =>
  z.string().check(
    z.regex(CLAIMED_IDENTITY_ID, {
      error:
        'Must be 1 to 128 ASCII letters, digits, dots, underscores, colons or hyphens, starting with a letter or digit.',
    }),
  ),
);
