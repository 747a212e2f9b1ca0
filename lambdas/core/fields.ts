/**
 * The field rules several request schemas share (free text, names, phone numbers, dates, the
 * partner's issuer and method, the claimed identity). Each request's schema lives beside its route's
 * concern (verify-schemas.ts, catalogue-schemas.ts, identification-schemas.ts, …) so that a function
 * builds, at cold start, only the schemas its handler validates with; schemas.ts gathers them all for
 * the OpenAPI document.
 */
import { CLAIMED_IDENTITY_ID, JURISDICTIONS } from './domain.js';
import * as z from './zod.js';

/** No C0/C1 control characters, no bidi overrides or zero-width tricks in free text. */
export const SAFE_TEXT = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u;
/** Letters (any script), combining marks, spaces, apostrophes, hyphens, dots. */
export const PERSON_NAME = /^\p{L}([\p{L}\p{M}' .\u2019-]*[\p{L}\p{M}.])?$/u;

export const safeText = (max: number) =>
  z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(max),
      z.regex(SAFE_TEXT, { error: 'Must not contain control or format characters.' }),
    );

// Not trimmed: a name with leading or trailing white space or control characters is refused, not repaired.
export const personName = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(100),
    z.regex(PERSON_NAME, { error: 'Must contain letters, spaces, apostrophes, hyphens or dots only.' }),
  );

export const e164 = z.string().check(
  z.regex(/^\+[1-9]\d{7,14}$/, {
    error: 'Must be an E.164 number: + then 8 to 15 digits, e.g. +41791234567.',
  }),
  z.meta({ examples: ['+41783478228'] }),
);

export const pastDate = z.iso.date({ error: 'Must be a real calendar date, YYYY-MM-DD.' }).check(
  z.refine((d) => d <= new Date().toISOString().slice(0, 10), { error: 'Must not lie in the future.' }),
  z.refine((d) => d >= '1900-01-01', { error: 'Must not be before 1900-01-01.' }),
);

export const jurisdiction = z.enum(JURISDICTIONS);
export const loa = z
  .union([z.literal(3), z.literal(4)])
  .check(z.meta({ description: '3 = advanced (AES), 4 = qualified (QES).' }));
export const issuerName = safeText(100).check(
  z.regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, { error: 'Invalid issuer name.' }),
);
export const methodName = z
  .string()
  .check(z.regex(/^[a-z][a-z0-9-]{0,31}$/, { error: 'Invalid method name.' }));

/** Also a DynamoDB key part (CLAIMED#<id>), in the verify call and in the SP setup alike. */
export const claimedIdentityId = z.string().check(
  z.regex(CLAIMED_IDENTITY_ID, {
    error:
      'Must be 1 to 128 ASCII letters, digits, dots, underscores, colons or hyphens, starting with a letter or digit.',
  }),
);
