/**
 * The patterns and limits of a person's fields for their zod rules (person-fields.ts) and zod-free
 * readers: the person name pattern, E164 and the limits are shared; EMAIL and ISO_DATE are copies of zod's own
 * patterns, held equal to them by test/unit/two-step-rules.test.ts.
 */
import { unicodePattern, unicodeRegExp } from './unicode-pattern.js';

/**
 * A person's name: letters (any script), combining marks, spaces, apostrophes, hyphens, dots.
 * Built on first use (unicode-pattern.ts: constructing it parses the Unicode letter and mark
 * classes, about 0.5 ms, and its first two tests cost as much again); the readers' `matchesPersonName`
 * decides a name of Latin letters — ASCII and Latin-1's, without × and ÷, in the pattern's shape —
 * without it. The schemas' PERSON_NAME (person-fields.ts) is this pattern, built when they load.
 */
const personName = /* @__PURE__ */ unicodePattern(
  /^[A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u00FF]([A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u00FF' .\u2019-]*[A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u00FF.])?$/,
  // A string, not a literal: V8 builds a literal's Unicode classes when it parses the bundle.
  () => unicodeRegExp("^\\p{L}([\\p{L}\\p{M}' .\\u2019-]*[\\p{L}\\p{M}.])?$"),
);
export const personNamePattern = (): RegExp => personName.pattern();
/** Whether `value` matches the person name pattern (a Latin name without building it). */
export const matchesPersonName = (value: string): boolean => personName.test(value);
/** A mobile number in E.164: `+`, then 8 to 15 digits, the first not 0. */
export const E164 = /^\+[1-9]\d{7,14}$/;
/**
 * An email address: the pattern z.email() checks by default (zod's `regexes.email`), a copy because
 * importing zod's patterns evaluates zod's core (the start call reads its body without zod, ADR 0020);
 * test/unit/two-step-rules.test.ts keeps the two equal.
 */
export const EMAIL =
  // biome-ignore lint/complexity/noUselessEscapeInRegex: zod's source, character for character (a test compares them).
  /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;
/** A real calendar date, YYYY-MM-DD: the pattern z.iso.date() checks (zod's `regexes.date`), a copy as EMAIL is. */
export const ISO_DATE =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))$/;

/** The earliest date of birth the service takes (a start call's `dob`, a partner's `birthdate`). */
export const BIRTH_DATE_MIN = '1900-01-01';
/** Today's date (UTC), YYYY-MM-DD: the latest date of birth the service takes. */
export const todayUtc = (): string => new Date().toISOString().slice(0, 10);
/** A date of birth: a real calendar date (ISO_DATE), from BIRTH_DATE_MIN to today (UTC). */
export const isPastDate = (value: unknown): value is string =>
  typeof value === 'string' && ISO_DATE.test(value) && value >= BIRTH_DATE_MIN && value <= todayUtc();
/**
 * Whether a person born on `birthdate` (YYYY-MM-DD) was born by the day of `dateTime` (an ISO date-time
 * with offset): its calendar date as written, in the offset the partner gave, as the document's expiry
 * is compared with it (isp-messages.ts). Born on the day of the identification is possible; after, not.
 */
export const isBornBy = (birthdate: string, dateTime: string): boolean => birthdate <= dateTime.slice(0, 10);

/** The longest person name, in code points (as zod counts a string's length). */
export const PERSON_NAME_MAX = 100;
/** The longest email address (RFC 5321's path limit less its angle brackets). */
export const EMAIL_MAX = 254;
