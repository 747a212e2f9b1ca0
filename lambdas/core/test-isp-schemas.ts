/**
 * What the Test-ISP simulator's "Define Identity" form and its JSON twin accept. The handler loads
 * this module (and with it zod) by the requests that carry a body: a GET of the form validates only
 * the refId (`isRefId`), so a cold start by the form's GET evaluates no zod at all
 * (docs/benchmarks.md §3).
 */
import { SAFE_TEXT, safeText } from './fields.js';
import { e164, PERSON_NAME, pastDate, personName as strictPersonName } from './person-fields.js';
import { SIMULATOR_STATUSES } from './test-isp.js';
import * as z from './zod.js';

const REQUIRED = { error: 'Required.', abort: true } as const;

/** A string, trimmed, that must not be empty after trimming; a field left out is as one left empty. */
const required = () => z.string({ error: 'Required.' }).check(z.trim(), z.minLength(1, REQUIRED));

const isoDate = (label: string) =>
  z.pipe(required(), z.iso.date({ error: `${label} must be a real calendar date, YYYY-MM-DD.` }));

/**
 * The "Define Identity" form's schema: the person data the simulated partner "identified" (field
 * names are the form's and the API's), the status and the reason. Every field is required (the form
 * comes prefilled).
 */
function simulatorFormSchema() {
  // The start call's name rule, so the simulator never identifies a name the service would refuse.
  const personName = required().check(
    z.maxLength(100, { error: 'At most 100 characters.' }),
    z.regex(PERSON_NAME, { error: 'Must contain letters, spaces, apostrophes, hyphens or dots only.' }),
  );
  return z.strictObject({
    firstName: personName,
    lastName: personName,
    email: z.pipe(required(), z.email({ error: 'Must be an email address.' }).check(z.maxLength(254))),
    mobile: z.pipe(required(), e164),
    dob: isoDate('The date of birth').check(
      z.refine((d) => d <= new Date().toISOString().slice(0, 10), { error: 'Must not lie in the future.' }),
      z.refine((d) => d >= '1900-01-01', { error: 'Must not be before 1900-01-01.' }),
    ),
    placeOfBirth: required().check(
      z.maxLength(100, { error: 'At most 100 characters.' }),
      z.regex(SAFE_TEXT, { error: 'Must not contain control or format characters.' }),
    ),
    nationality: z
      .string({ error: 'Required.' })
      .check(
        z.trim(),
        z.toUpperCase(),
        z.minLength(1, REQUIRED),
        z.regex(/^[A-Z]{2}$/, { error: 'Must be an ISO 3166-1 alpha-2 country code, e.g. CH.' }),
      ),
    idCardNumber: required().check(
      z.regex(/^[A-Za-z0-9][A-Za-z0-9 -]{0,49}$/, {
        error: 'Must be 1 to 50 letters, digits, spaces or hyphens.',
      }),
    ),
    /** May lie in the past: an expired document is a case a tester may want the service to refuse. */
    validUntil: isoDate('Valid until'),
    status: z.enum(SIMULATOR_STATUSES, { error: 'Choose one of the offered statuses.' }),
    reason: z.pipe(
      z.optional(
        z
          .string()
          .check(
            z.trim(),
            z.maxLength(500, { error: 'At most 500 characters.' }),
            z.regex(SAFE_TEXT, { error: 'Must not contain control or format characters.' }),
          ),
      ),
      z.transform((r) => (r ? r : undefined)),
    ),
  });
}

/*
 * Each schema is built by its first parse (`z.lazy`): a submitted form needs the form's, a JSON API
 * call the API's, never both — about 40 and 50 constructions, once per process
 * (docs/benchmarks.md §3).
 */

/** The submitted "Define Identity" form. */
export const SimulatorForm = /* @__PURE__ */ z.define(() => z.lazy(simulatorFormSchema));
export type SimulatorForm = z.output<typeof SimulatorForm>;

/**
 * The JSON API for automated SP tests: person fields not given default from the order. The person
 * fields follow the form's rules, without the form's trimming and upper-casing (a program sends
 * exact values), so that its JSON Schema says exactly what is accepted.
 */
function simulatorApiRequestSchema() {
  const person = z.strictObject({
    firstName: strictPersonName,
    lastName: strictPersonName,
    email: z.email({ error: 'Must be an email address.' }).check(z.maxLength(254)),
    mobile: e164,
    dob: pastDate,
    placeOfBirth: safeText(100),
    nationality: z
      .string()
      .check(z.regex(/^[A-Z]{2}$/, { error: 'Must be an ISO 3166-1 alpha-2 country code, e.g. CH.' })),
    idCardNumber: z.string().check(
      z.regex(/^[A-Za-z0-9][A-Za-z0-9 -]{0,49}$/, {
        error: 'Must be 1 to 50 letters, digits, spaces or hyphens.',
      }),
    ),
    validUntil: z.iso.date({ error: 'Valid until must be a real calendar date, YYYY-MM-DD.' }),
  });
  return z.strictObject({
    status: z.enum(SIMULATOR_STATUSES),
    person: z.optional(z.partial(person)),
    /** The partner's reason, sent with a cancellation. */
    reason: z.optional(
      z
        .string()
        .check(
          z.maxLength(500, { error: 'At most 500 characters.' }),
          z.regex(SAFE_TEXT, { error: 'Must not contain control or format characters.' }),
        ),
    ),
  });
}

export const SimulatorApiRequest = /* @__PURE__ */ z.define(() => z.lazy(simulatorApiRequestSchema));
export type SimulatorApiRequest = z.output<typeof SimulatorApiRequest>;
