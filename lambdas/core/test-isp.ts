/**
 * The Test-ISP simulator's decisions, pure: what the "Define Identity" form (and its JSON twin)
 * accepts, and which partner messages a chosen "Status of identity" becomes. The handler signs
 * these messages and posts them to the ISP callback routes exactly as a real partner would.
 */
import type { IspEventClaims, IspEvidenceClaims } from './evidence.js';
import { SAFE_TEXT, safeText } from './fields.js';
import type { OpenedOrder } from './order.js';
import { e164, PERSON_NAME, pastDate, personName as strictPersonName } from './person-fields.js';
import * as z from './zod.js';

/** The "Status of identity" choices, in the order the form offers them. */
export const SIMULATOR_STATUSES = [
  'waiting-for-doc',
  'done',
  'data-ready',
  'cancelled-user',
  'cancelled-isp',
  'unsuccessful',
] as const;
export type SimulatorStatus = (typeof SIMULATOR_STATUSES)[number];

export const SIMULATOR_STATUS_LABELS: Record<SimulatorStatus, string> = {
  'waiting-for-doc': 'Waiting for doc',
  done: 'Identification done',
  'data-ready': 'Data ready',
  'cancelled-user': 'Cancelled by user',
  'cancelled-isp': 'Cancelled by ISP',
  unsuccessful: 'Unsuccessful',
};

/** Who vetted, as the simulated partner names itself in the evidence. */
export const SIMULATOR_VETTER = 'Test-ISP simulator';
/** The OIDC4IDA trust framework the simulated evidence claims. */
export const SIMULATOR_TRUST_FRAMEWORK = 'de_aml';

const REQUIRED = { error: 'Required.', abort: true } as const;

/** A string, trimmed, that must not be empty after trimming. */
const required = () => z.string().check(z.trim(), z.minLength(1, REQUIRED));

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
      .string()
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
 * The simulator's two request schemas are built by their first parse (`z.lazy`), not at cold start:
 * a request is a GET of the form (which validates nothing but the refId), a submitted form or a
 * JSON API call, and each builds only its own schema — about 40 and 50 constructions, once per
 * process (docs/benchmarks.md §3).
 */

/** The submitted "Define Identity" form. */
export const SimulatorForm = /* @__PURE__ */ z.define(() => z.lazy(simulatorFormSchema));
export type SimulatorForm = z.output<typeof SimulatorForm>;
/** The person data the simulated partner "identified". */
export type SimulatedPerson = Omit<SimulatorForm, 'status' | 'reason'>;

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

export type SimulatedOrder = Pick<OpenedOrder, 'refId' | 'method' | 'loa' | 'jurisdictions' | 'person'>;

/** The same calendar day `years` later (29 February becomes 1 March). */
export function addYears(isoDay: string, years: number): string {
  const [y, m, d] = isoDay.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y + years, m - 1, d)).toISOString().slice(0, 10);
}

/** What the form shows first and what the API uses for fields it is not given. */
export function defaultPerson(order: SimulatedOrder, now: Date): SimulatedPerson {
  return {
    firstName: order.person.firstName,
    lastName: order.person.lastName,
    email: order.person.email,
    mobile: order.person.mobile,
    dob: order.person.dob,
    placeOfBirth: 'Bern',
    nationality: 'CH',
    idCardNumber: 'C1234567',
    validUntil: addYears(now.toISOString().slice(0, 10), 5),
  };
}

export function resolvePerson(
  order: SimulatedOrder,
  given: Partial<SimulatedPerson> | undefined,
  now: Date,
): SimulatedPerson {
  const defined = Object.fromEntries(Object.entries(given ?? {}).filter(([, v]) => v !== undefined));
  return { ...defaultPerson(order, now), ...defined };
}

export type PlannedMessage =
  | { kind: 'event'; claims: IspEventClaims }
  | { kind: 'evidence'; claims: IspEvidenceClaims };

/** The evidence a real partner would sign for this order and this person. */
export function simulatedEvidence(
  order: SimulatedOrder,
  person: SimulatedPerson,
  now: Date,
): IspEvidenceClaims['evidence'] {
  const at = now.toISOString();
  return {
    method: order.method,
    loa: order.loa,
    jurisdictions: [...order.jurisdictions],
    mobile: person.mobile,
    vetter: SIMULATOR_VETTER,
    identified_at: at,
    verified_claims: {
      verification: {
        trust_framework: SIMULATOR_TRUST_FRAMEWORK,
        time: at,
        evidence: [
          {
            type: 'document',
            document_details: {
              type: 'idcard',
              document_number: person.idCardNumber,
              issuer: { country: person.nationality },
              date_of_expiry: person.validUntil,
            },
          },
        ],
      },
      claims: {
        given_name: person.firstName,
        family_name: person.lastName,
        birthdate: person.dob,
        place_of_birth: { locality: person.placeOfBirth },
        nationalities: [person.nationality],
      },
    },
  };
}

/**
 * The messages, in sending order, that report `status` for the order:
 * "Data ready" is the `done` event followed by the evidence import; the cancellations are one
 * `cancelled` event of the matching kind (with the reason, if one is given).
 */
export function planMessages(
  order: SimulatedOrder,
  status: SimulatorStatus,
  person: SimulatedPerson,
  now: Date,
  reasonText?: string,
): PlannedMessage[] {
  const { refId } = order;
  const cancelled = (kind: 'user' | 'isp' | 'unsuccessful'): PlannedMessage[] => [
    {
      kind: 'event',
      claims: { refId, event: 'cancelled', kind, ...(reasonText ? { reason: reasonText } : {}) },
    },
  ];
  switch (status) {
    case 'waiting-for-doc':
      return [{ kind: 'event', claims: { refId, event: 'waiting-for-doc' } }];
    case 'done':
      return [{ kind: 'event', claims: { refId, event: 'done' } }];
    case 'data-ready':
      return [
        { kind: 'event', claims: { refId, event: 'done' } },
        { kind: 'evidence', claims: { refId, evidence: simulatedEvidence(order, person, now) } },
      ];
    case 'cancelled-user':
      return cancelled('user');
    case 'cancelled-isp':
      return cancelled('isp');
    case 'unsuccessful':
      return cancelled('unsuccessful');
  }
}

/** A short name of a message for result pages: `event done`, `event cancelled (user)`, `evidence`. */
export function describeMessage(m: PlannedMessage): string {
  if (m.kind === 'evidence') return 'evidence';
  return m.claims.kind ? `event ${m.claims.event} (${m.claims.kind})` : `event ${m.claims.event}`;
}
