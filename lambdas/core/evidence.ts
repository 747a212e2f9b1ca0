/**
 * What partners send: status events and the signed evidence of an identification. The person data
 * is shaped like OpenID Connect for Identity Assurance (`verified_claims`). isp-callback reads a
 * partner's message with the zod-free readers of isp-messages.ts and loads these schemas (through
 * isp-message-schemas.ts) only for a message they leave (ADR 0020): the schemas are the definition,
 * the readers are held to them.
 */
import { JURISDICTIONS, JURISDICTIONS_MAX, METHOD_NAME, REPEATED_JURISDICTION } from './domain.js';
import { safeText } from './fields.js';
import { isOneOf } from './guards.js';
import { namesEachOnce } from './named-once.js';
import {
  IAT_WINDOW_SECONDS,
  isPartnerPastDateTime,
  isPastForPartner,
  isVerifiedByIdentification,
} from './partner-clock.js';
import { e164, pastDate, personNameRule } from './person-fields.js';
import { isBornBy, isPastDate } from './person-patterns.js';
import * as z from './zod.js';

/**
 * A time the partner states as past (when it identified the person, when it verified the document):
 * a date-time with offset, not later than our clock plus the partner's allowed skew (partner-clock.ts).
 */
const partnerPastDateTime = () =>
  z.iso.datetime({ offset: true, abort: true }).check(
    z.refine((t) => isPastForPartner(t), {
      error: `Must not lie in the future (more than ${IAT_WINDOW_SECONDS} seconds ahead of our clock).`,
    }),
  );

const country = () =>
  z.string().check(z.regex(/^[A-Z]{2}$/, { error: 'Must be an ISO 3166-1 alpha-2 code.' }));

/*
 * A partner message is a status event or evidence, each on its own route of isp-callback: each
 * message schema is built by the first message of its kind that the reader leaves to it (z.lazy;
 * isp-messages.ts), so that a refused event never builds
 * the evidence schema (about 75 schemas and checks) nor evidence the event's (docs/benchmarks.md §3).
 */

/** Claims of a status event, beside iss/iat/jti/refId. */
export const IspEventClaims = /* @__PURE__ */ z.define(() =>
  z.lazy(() =>
    z
      .object({
        refId: z.uuid(),
        event: z.enum(['waiting-for-doc', 'done', 'cancelled']),
        kind: z.optional(z.enum(['user', 'isp', 'unsuccessful'])),
        reason: z.optional(z.nullable(safeText(500))),
      })
      .check(
        z.refine((c) => (c.event === 'cancelled') === (c.kind !== undefined), {
          error: 'kind is required for cancelled and allowed only there.',
          path: ['kind'],
        }),
      ),
  ),
);
export type IspEventClaims = z.infer<typeof IspEventClaims>;

/**
 * The person data and how it was verified: in an evidence message and in the AML answer
 * (`IdentificationData`), one schema built by the first of them to need it.
 */
const verifiedClaims = /* @__PURE__ */ z.onFirstUse(() => {
  const countryCode = country();
  return z.object({
    verification: z.object({
      trust_framework: safeText(100),
      time: partnerPastDateTime(),
      evidence: z
        .array(
          z.object({
            type: z.literal('document'),
            method: z.optional(safeText(50)),
            document_details: z.object({
              type: z.enum(['idcard', 'passport', 'residence_permit', 'driving_permit']),
              document_number: safeText(50),
              issuer: z.object({ country: countryCode }),
              date_of_expiry: z.iso.date(),
            }),
          }),
        )
        .check(z.minLength(1), z.maxLength(5)),
    }),
    claims: z.object({
      // The names the person is registered (and certified) under: held to the start call's rule.
      given_name: personNameRule(),
      family_name: personNameRule(),
      birthdate: pastDate,
      place_of_birth: z.optional(
        z.object({ country: z.optional(countryCode), locality: z.optional(safeText(100)) }),
      ),
      nationalities: z.array(countryCode).check(z.minLength(1), z.maxLength(5)),
    }),
  });
});
export type VerifiedClaims = z.infer<ReturnType<typeof verifiedClaims>>;

/** Whether evidence (not yet parsed) holds a valid identification time and birth date. */
function bothDatesValid(evidence: unknown): boolean {
  const { identified_at, verified_claims } = (evidence ?? {}) as Record<string, unknown>;
  const { claims } = (verified_claims ?? {}) as Record<string, unknown>;
  const { birthdate } = (claims ?? {}) as Record<string, unknown>;
  return isPartnerPastDateTime(identified_at) && isPastDate(birthdate);
}

/** Whether evidence (not yet parsed) holds a valid identification time and verification time. */
function bothTimesValid(evidence: unknown): boolean {
  const { identified_at, verified_claims } = (evidence ?? {}) as Record<string, unknown>;
  const { verification } = (verified_claims ?? {}) as Record<string, unknown>;
  const { time } = (verification ?? {}) as Record<string, unknown>;
  return isPartnerPastDateTime(identified_at) && isPartnerPastDateTime(time);
}

/** Claims of an evidence message, beside iss/iat/jti/refId. */
export const IspEvidenceClaims = /* @__PURE__ */ z.define(() =>
  z.lazy(() =>
    z.object({
      refId: z.uuid(),
      evidence: z
        .object({
          method: z.string().check(z.regex(METHOD_NAME)),
          loa: z.union([z.literal(3), z.literal(4)]),
          // A set of the known jurisdictions (domain.ts): each once, so at most JURISDICTIONS_MAX.
          jurisdictions: z.array(z.enum(JURISDICTIONS)).check(
            z.minLength(1),
            z.maxLength(JURISDICTIONS_MAX),
            z.refine(namesEachOnce, {
              error: REPEATED_JURISDICTION,
              // Once each item is a known one and there are not too many: else those rules answer.
              when: ({ value }) =>
                Array.isArray(value) &&
                value.length <= JURISDICTIONS_MAX &&
                value.every((j) => isOneOf(JURISDICTIONS, j)),
            }),
          ),
          /** The mobile number the partner checked during the identification. */
          mobile: e164,
          /** Who vetted: the operator or system of the partner. */
          vetter: safeText(200),
          /** When the partner identified the person: not later than our clock plus its allowed skew. */
          identified_at: partnerPastDateTime(),
          verified_claims: verifiedClaims(),
        })
        .check(
          // Nobody is identified before they are born. Checked once both dates are valid on their own
          // (each is refused by its own rule otherwise), whatever else of the evidence is wrong.
          z.refine((e) => isBornBy(e.verified_claims.claims.birthdate, e.identified_at), {
            error: 'Must not lie after the day of the identification (evidence.identified_at).',
            path: ['verified_claims', 'claims', 'birthdate'],
            when: ({ value }) => bothDatesValid(value),
          }),
          // The identification rests on the document's verification: it is not done before it
          // (partner-clock.ts isVerifiedByIdentification, with the partner's clock allowance).
          z.refine((e) => isVerifiedByIdentification(e.verified_claims.verification.time, e.identified_at), {
            error: `Must not lie after the identification (evidence.identified_at) by more than ${IAT_WINDOW_SECONDS} seconds.`,
            path: ['verified_claims', 'verification', 'time'],
            when: ({ value }) => bothTimesValid(value),
          }),
        ),
    }),
  ),
);
export type IspEvidenceClaims = z.infer<typeof IspEvidenceClaims>;

/** The AML identification data answer: the person data the partner verified, with its evidence. */
export const IdentificationData = /* @__PURE__ */ z.define(() =>
  z
    .strictObject({
      refId: z.uuid(),
      evidenceId: z.uuid(),
      issuer: z.string().check(z.minLength(1)),
      method: z.string().check(z.minLength(1)),
      loa: z.union([z.literal(3), z.literal(4)]),
      verified_claims: verifiedClaims(),
    })
    .register(z.globalRegistry, { id: 'IdentificationData' }),
);
export type IdentificationData = z.infer<typeof IdentificationData>;
