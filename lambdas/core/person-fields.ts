/** The field rules of a person's data: names, mobile number, date of birth, email (see fields.ts). */
import { mustBe } from './field-messages.js';
import {
  BIRTH_DATE_MIN,
  E164,
  EMAIL_MAX,
  PERSON_NAME_MAX,
  personNamePattern,
  todayUtc,
} from './person-patterns.js';
import * as z from './zod.js';

/** A person's name (person-patterns.ts), built when a module with a name rule loads. */
export const PERSON_NAME = /* @__PURE__ */ personNamePattern();

/**
 * A person's name, built by each call: `personName` is it built when its module loads; a schema that
 * only some calls need (a partner's evidence) builds its own on first use, the pattern with it.
 * Not trimmed: a name with leading or trailing white space or control characters is refused, not repaired.
 */
export const personNameRule = () =>
  z.string().check(
    z.minLength(1),
    z.maxLength(PERSON_NAME_MAX),
    z.regex(personNamePattern(), {
      error: 'Must contain letters, spaces, apostrophes, hyphens or dots only.',
    }),
  );
export const personName = /* @__PURE__ */ z.define(personNameRule);

export const e164 = /* @__PURE__ */ z.define(() =>
  z
    .string()
    .check(
      z.regex(E164, {
        error: 'Must be an E.164 number: + then 8 to 15 digits, e.g. +41791234567.',
      }),
    )
    .register(z.globalRegistry, { examples: ['+41783478228'] }),
);

/** A date of birth (a start call's `dob`, a partner's `birthdate`); person-patterns.ts isPastDate for the readers. */
export const pastDate = /* @__PURE__ */ z.define(() =>
  z.iso.date({ ...mustBe('a real calendar date, YYYY-MM-DD'), abort: true }).check(
    z.refine((d) => d <= todayUtc(), { error: 'Must not lie in the future.' }),
    z.refine((d) => d >= BIRTH_DATE_MIN, { error: `Must not be before ${BIRTH_DATE_MIN}.` }),
  ),
);

export const emailAddress = /* @__PURE__ */ z.define(() =>
  z.email(mustBe('an email address')).check(z.maxLength(EMAIL_MAX)),
);
