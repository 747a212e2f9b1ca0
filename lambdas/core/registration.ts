/**
 * A person's registration: what makes the verify call positive ("identify once, sign many times").
 * One item per mobile number.
 */
import { type DnAttributes, type DnMatch, matchDn, parseDn } from './dn.js';
import type { Jurisdiction, Loa } from './domain.js';
import type { VerifiedClaims } from './evidence.js';

export interface Registration {
  /** Digits only, no +: the paper's `msisdn`. */
  msisdn: string;
  /** Stable per person, not reversible to the mobile number (keyed hash). */
  serialNumber: string;
  evidenceId: string;
  loa: Loa;
  jurisdictions: Jurisdiction[];
  givenName: string;
  familyName: string;
  nationalities: string[];
  /** The acceptance record: when, which version, in which language, through which order (`refId`). */
  termsAcceptedAt: string;
  termsVersion?: string;
  termsLanguage?: string;
  validUntil: string;
  refId: string;
  issuer: string;
  /** Chosen by the person on the terms page: signatures may show it instead of the names. */
  pseudonym?: string;
}

export interface VerifyQuestion {
  assuranceLevel: Loa;
  /** The name as sent, or as `parseDn` read it (the request's reader has: verify-request.ts). */
  distinguishedName: string | DnAttributes;
  /** Jurisdictions the claimed identity signs under; undefined for an unknown claimed identity. */
  jurisdictions: Jurisdiction[] | undefined;
}

export type VerifyDecision = { ok: true; registration: Registration } | { ok: false; reason: string };

/** Mobile numbers compare as digits: `+41 79…` and `4179…` are the same registration. */
export function normaliseMsisdn(input: string): string {
  // Digits after an optional + (as the verify call takes it) need no replace.
  if (PLUS_AND_DIGITS.test(input)) return input.charCodeAt(0) === 0x2b ? input.slice(1) : input;
  return input.replace(/[^\d]/g, '');
}

const PLUS_AND_DIGITS = /^\+?\d*$/;

/**
 * Whether this registration lets the person sign as asked. The reason never leaves the service.
 * `now`: the time as `Date#toISOString` writes it (UTC, milliseconds, `Z`), the form `validUntil`
 * is stored in, so that the two compare as strings; the verify handler formats its one clock
 * reading once, for this and for the month it counts the call in.
 */
export function decideVerify(reg: Registration | undefined, q: VerifyQuestion, now: string): VerifyDecision {
  if (!q.jurisdictions) return { ok: false, reason: 'unknown-claimed-identity' };
  if (!reg) return { ok: false, reason: 'not-registered' };
  if (reg.validUntil <= now) return { ok: false, reason: 'expired' };
  // A LoA 4 identification satisfies a LoA 3 request, never the reverse.
  if (reg.loa < q.assuranceLevel) return { ok: false, reason: 'loa' };
  if (q.jurisdictions.length === 0) return { ok: false, reason: 'no-jurisdiction' };
  if (!q.jurisdictions.every((j) => reg.jurisdictions.includes(j)))
    return { ok: false, reason: 'jurisdiction' };
  let match: DnMatch;
  try {
    const attributes =
      typeof q.distinguishedName === 'string' ? parseDn(q.distinguishedName) : q.distinguishedName;
    match = matchDn(attributes, {
      givenName: reg.givenName,
      familyName: reg.familyName,
      nationalities: reg.nationalities,
      serialNumber: reg.serialNumber,
      pseudonym: reg.pseudonym,
    });
  } catch {
    return { ok: false, reason: 'dn-syntax' };
  }
  return match.ok ? { ok: true, registration: reg } : { ok: false, reason: `dn:${match.reason}` };
}

/**
 * The earliest expiry among the documents shown. Here beside its one use and not in evidence.ts,
 * whose schemas the registration task would otherwise build at every cold start.
 */
export function documentExpiry(vc: VerifiedClaims): string | null {
  const dates = vc.verification.evidence.map((d) => d.document_details.date_of_expiry).sort();
  return dates[0] ?? null;
}

/** Valid until the ID document expires or the maximum validity passes, whichever comes first. */
export function registrationValidUntil(
  documentExpiry: string | null,
  acceptedAt: Date,
  maxYears = 5,
): string {
  const max = new Date(acceptedAt);
  max.setUTCFullYear(max.getUTCFullYear() + maxYears);
  if (!documentExpiry) return max.toISOString();
  const doc = new Date(`${documentExpiry}T23:59:59.999Z`);
  return (doc < max ? doc : max).toISOString();
}
