/**
 * What partners send, read without zod (the schemas: evidence.ts), and what the service makes of
 * it. A partner's message reaches this after its signature, `iat` and `jti` were checked
 * (adapters/isp-message.ts); its claims are then a status event or evidence.
 *
 * `wellFormedIspEvent` and `wellFormedIspEvidence` are the first step of two-step rules (core/parse.ts
 * TwoStepRule, ADR 0020): each reads a message it can vouch for and returns exactly what its schema
 * returns (the known claims in the schema's order, any other claim left out as `z.object` does);
 * for anything else it answers undefined and isp-callback loads the schema, which accepts or refuses
 * with every invalid field listed. So a partner's good message evaluates no zod; every refusal is the
 * schema's. test/unit/two-step-rules.test.ts holds both readers to their schemas.
 */
import { JURISDICTIONS, JURISDICTIONS_MAX, METHOD_NAME } from './domain.js';
import type { IspEventClaims, IspEvidenceClaims, VerifiedClaims } from './evidence.js';
import { isPersonName, isSafeText } from './field-guards.js';
import { isNonArrayObject, isOneOf } from './guards.js';
import { namesEachOnce } from './named-once.js';
import type { LifecycleEvent, OpenedOrder } from './order.js';
import {
  IAT_WINDOW_SECONDS,
  ISO_DATETIME_OFFSET,
  isPartnerPastDateTime,
  isVerifiedByIdentification,
} from './partner-clock.js';
import { E164, ISO_DATE, isBornBy, isPastDate } from './person-patterns.js';
import { isRefId } from './ref-id-format.js';

export type { IspEventClaims, IspEvidenceClaims };
export { ISO_DATETIME_OFFSET };

/** An ISO 3166-1 alpha-2 country code, as evidence.ts's `country()` checks it. */
const COUNTRY = /^[A-Z]{2}$/;

const EVENTS = ['waiting-for-doc', 'done', 'cancelled'] as const;
const CANCEL_KINDS = ['user', 'isp', 'unsuccessful'] as const;
const DOCUMENT_TYPES = ['idcard', 'passport', 'residence_permit', 'driving_permit'] as const;

type Claims = Readonly<Record<string, unknown>>;

const matches = (pattern: RegExp, v: unknown): v is string => typeof v === 'string' && pattern.test(v);
/** An array of 1 to `max` items (`z.array(…).check(z.minLength(1), z.maxLength(max))`). */
const isList = (v: unknown, max = Number.POSITIVE_INFINITY): v is readonly unknown[] =>
  Array.isArray(v) && v.length >= 1 && v.length <= max;
/** Whether every item passes `test`, a hole (which no JSON array has) included. */
const everyItem = (list: readonly unknown[], test: (item: unknown) => boolean): boolean =>
  Array.from(list).every(test);
/**
 * An optional claim: absent, or present with a value `read` vouches for. A claim present as
 * `undefined` (which no JSON payload has) is left to the schema.
 */
function optional<T>(
  claims: Claims,
  name: string,
  read: (v: unknown) => T | undefined,
): { value?: T } | undefined {
  if (!Object.hasOwn(claims, name)) return {};
  const value = read(claims[name]);
  return value === undefined ? undefined : { value };
}

/** A status event's claims (IspEventClaims) as the schema returns them; undefined to leave them to it. */
export function wellFormedIspEvent(claims: Claims): IspEventClaims | undefined {
  const { refId, event } = claims;
  if (!isRefId(refId) || !isOneOf(EVENTS, event)) return undefined;
  const kind = optional(claims, 'kind', (v) => (isOneOf(CANCEL_KINDS, v) ? v : undefined));
  const reason = optional(claims, 'reason', (v) => (v === null || isSafeText(v, 500) ? v : undefined));
  if (!kind || !reason) return undefined;
  // The schema's refinement: kind goes with a cancellation, and only there.
  if ((event === 'cancelled') !== 'value' in kind) return undefined;
  return {
    refId,
    event,
    ...('value' in kind ? { kind: kind.value } : {}),
    ...('value' in reason ? { reason: reason.value } : {}),
  };
}

type DocumentEvidence = VerifiedClaims['verification']['evidence'][number];

function documentEvidence(v: unknown): DocumentEvidence | undefined {
  if (!isNonArrayObject(v) || v.type !== 'document') return undefined;
  const method = optional(v, 'method', (m) => (isSafeText(m, 50) ? m : undefined));
  const details = v.document_details;
  if (!method || !isNonArrayObject(details)) return undefined;
  const { type, document_number, issuer, date_of_expiry } = details;
  if (!isOneOf(DOCUMENT_TYPES, type) || !isSafeText(document_number, 50)) return undefined;
  if (!isNonArrayObject(issuer) || !matches(COUNTRY, issuer.country) || !matches(ISO_DATE, date_of_expiry))
    return undefined;
  return {
    type: 'document',
    ...('value' in method ? { method: method.value } : {}),
    document_details: { type, document_number, issuer: { country: issuer.country }, date_of_expiry },
  };
}

function placeOfBirth(v: unknown): NonNullable<VerifiedClaims['claims']['place_of_birth']> | undefined {
  if (!isNonArrayObject(v)) return undefined;
  const country = optional(v, 'country', (c) => (matches(COUNTRY, c) ? c : undefined));
  const locality = optional(v, 'locality', (l) => (isSafeText(l, 100) ? l : undefined));
  if (!country || !locality) return undefined;
  return {
    ...('value' in country ? { country: country.value } : {}),
    ...('value' in locality ? { locality: locality.value } : {}),
  };
}

function verifiedClaims(v: unknown): VerifiedClaims | undefined {
  if (!isNonArrayObject(v) || !isNonArrayObject(v.verification) || !isNonArrayObject(v.claims))
    return undefined;
  const { trust_framework, time, evidence } = v.verification;
  if (!isSafeText(trust_framework, 100)) return undefined;
  if (!isPartnerPastDateTime(time) || !isList(evidence, 5)) return undefined;
  const documents = Array.from(evidence, documentEvidence);
  if (documents.some((d) => d === undefined)) return undefined;
  const { given_name, family_name, birthdate, nationalities } = v.claims;
  if (!isPersonName(given_name) || !isPersonName(family_name) || !isPastDate(birthdate)) return undefined;
  const place = optional(v.claims, 'place_of_birth', placeOfBirth);
  if (!place || !isList(nationalities, 5) || !everyItem(nationalities, (n) => matches(COUNTRY, n)))
    return undefined;
  return {
    verification: { trust_framework, time, evidence: documents as DocumentEvidence[] },
    claims: {
      given_name,
      family_name,
      birthdate,
      ...('value' in place ? { place_of_birth: place.value } : {}),
      nationalities: [...(nationalities as string[])],
    },
  };
}

/** An evidence message's claims (IspEvidenceClaims) as the schema returns them; undefined to leave them to it. */
export function wellFormedIspEvidence(claims: Claims): IspEvidenceClaims | undefined {
  const { refId, evidence } = claims;
  if (!isRefId(refId) || !isNonArrayObject(evidence)) return undefined;
  const { method, loa, jurisdictions, mobile, vetter, identified_at } = evidence;
  if (!matches(METHOD_NAME, method) || (loa !== 3 && loa !== 4)) return undefined;
  if (
    !isList(jurisdictions, JURISDICTIONS_MAX) ||
    !everyItem(jurisdictions, (j) => isOneOf(JURISDICTIONS, j))
  )
    return undefined;
  if (!namesEachOnce(jurisdictions)) return undefined;
  if (!matches(E164, mobile) || !isSafeText(vetter, 200)) return undefined;
  if (!isPartnerPastDateTime(identified_at)) return undefined;
  const verified = verifiedClaims(evidence.verified_claims);
  if (!verified || !isBornBy(verified.claims.birthdate, identified_at)) return undefined;
  if (!isVerifiedByIdentification(verified.verification.time, identified_at)) return undefined;
  return {
    refId,
    evidence: {
      method,
      loa,
      jurisdictions: [...(jurisdictions as IspEvidenceClaims['evidence']['jurisdictions'])],
      mobile,
      vetter,
      identified_at,
      verified_claims: verified,
    },
  };
}

export function toLifecycleEvent(c: IspEventClaims): LifecycleEvent {
  if (c.event === 'cancelled')
    return { type: 'cancelled', source: 'isp', kind: c.kind ?? 'isp', reason: c.reason ?? null };
  return { type: c.event, source: 'isp', reason: c.reason ?? null };
}

/** Whether the evidence is evidence of this order. Each mismatch is named (the ISP may see it). */
export function checkEvidenceAgainstOrder(e: IspEvidenceClaims['evidence'], order: OpenedOrder): string[] {
  const problems: string[] = [];
  if (e.mobile !== order.person.mobile) problems.push('mobile does not match the order');
  if (e.method !== order.method) problems.push('method does not match the order');
  if (e.loa < order.loa) problems.push(`loa ${e.loa} is below the order's ${order.loa}`);
  const missing = order.jurisdictions.filter((j) => !e.jurisdictions.includes(j));
  if (missing.length) problems.push(`jurisdictions lack ${missing.join(',')}`);
  // The partner identifies the person for this order, so not before the order was made (its
  // clock allowance aside): an identification from before is not this order's.
  if (Date.parse(e.identified_at) < Date.parse(order.createdAt) - IAT_WINDOW_SECONDS * 1000)
    problems.push('identified_at lies before the order was made');
  const expiries = e.verified_claims.verification.evidence.map((d) => d.document_details.date_of_expiry);
  if (expiries.every((d) => d < e.identified_at.slice(0, 10)))
    problems.push('the identity document had expired');
  return problems;
}
