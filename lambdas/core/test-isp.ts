/**
 * The Test-ISP simulator's decisions, pure: which partner messages a chosen "Status of identity"
 * becomes, and what the form shows first. The handler signs these messages and posts them to the
 * ISP callback routes exactly as a real partner would. What the form and its JSON twin accept is
 * `test-isp-schemas.ts`; this module holds no schema, so a GET of the form builds none (and loads
 * no zod).
 */
import type { IspEventClaims, IspEvidenceClaims } from './evidence.js';
import type { OpenedOrder } from './order.js';
import type { SimulatorForm } from './test-isp-schemas.js';

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

/** The person data the simulated partner "identified" (the form's fields but the status and reason). */
export type SimulatedPerson = Omit<SimulatorForm, 'status' | 'reason'>;

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
