/**
 * The text fields as the zod-free readers check them (core/parse.ts TwoStepRule, ADR 0020), each
 * once: each takes what the zod rule named beside it takes, so that a reader decides a value as its
 * schema does (test/unit/reader-guards.test.ts holds them to those rules at their edges). Lengths
 * are counted in code points, as zod counts them (text-length.ts).
 */
import { ISSUER_MAX, matchesIssuerName, matchesSafeText } from './domain.js';
import { matchesPersonName, PERSON_NAME_MAX } from './person-patterns.js';
import { fitsLength } from './text-length.js';

/** Free text as `safeText(max)` (fields.ts) takes it: 1 to `max` code points, none of UNSAFE_CHARACTERS. */
export const isSafeText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length >= 1 && fitsLength(value, max) && matchesSafeText(value);

/** An issuer name as `issuerName` (catalogue-fields.ts) takes it: free text of 1 to ISSUER_MAX code points by its pattern. */
export const isIssuerName = (value: unknown): value is string =>
  isSafeText(value, ISSUER_MAX) && matchesIssuerName(value);

/**
 * A person's name as `personName` (person-fields.ts) takes it: 1 to PERSON_NAME_MAX code points by
 * the name pattern, which admits no white space at either end (so a form that trims its names
 * returns such a name unchanged).
 */
export const isPersonName = (value: unknown): value is string =>
  typeof value === 'string' &&
  value.length >= 1 &&
  fitsLength(value, PERSON_NAME_MAX) &&
  matchesPersonName(value);
