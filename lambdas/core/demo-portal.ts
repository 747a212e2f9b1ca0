/**
 * The demo signing portal's decisions, pure. The portal stands in for a Service Provider (test
 * stages and the local stack only): it knows what an SP knows — the person's name and mobile
 * number, the signature the document needs — and asks the service only through its public API.
 */
import type { Journey, Signer } from './demo-portal-forms.js';
import type { Jurisdiction, LANGUAGES, Loa } from './domain.js';
import { isPersonName } from './field-guards.js';
import { isNonArrayObject } from './guards.js';
import type { Status } from './order.js';
import { E164 } from './person-patterns.js';
import { isRefId } from './ref-id-format.js';

export type { Journey, Signer } from './demo-portal-forms.js';

/** The signature the sample document needs: a level and the law it is signed under. */
export const SIGNATURE_NEEDS = {
  'qes-zertes': { loa: 4, jurisdiction: 'ZERTES', label: 'Qualified signature under Swiss law (ZertES)' },
  'qes-eidas': { loa: 4, jurisdiction: 'EIDAS', label: 'Qualified signature under EU law (eIDAS)' },
  'aes-zertes': { loa: 3, jurisdiction: 'ZERTES', label: 'Advanced signature under Swiss law (ZertES)' },
  'aes-eidas': { loa: 3, jurisdiction: 'EIDAS', label: 'Advanced signature under EU law (eIDAS)' },
} as const satisfies Record<string, { loa: Loa; jurisdiction: Jurisdiction; label: string }>;
export type SignatureNeed = keyof typeof SIGNATURE_NEEDS;
export const SIGNATURE_NEED_KEYS = Object.keys(SIGNATURE_NEEDS) as SignatureNeed[];

/**
 * The portal signs under one claimed identity per legal area (its setup in config/local.json):
 * the verify call asks whether the person may sign under that one.
 */
export const PORTAL_CLAIMED_IDENTITIES: Record<Jurisdiction, string> = {
  ZERTES: 'demo-portal-ch',
  EIDAS: 'demo-portal-eu',
};

export const JURISDICTION_LABELS: Record<Jurisdiction, string> = {
  ZERTES: 'Swiss law (ZertES)',
  EIDAS: 'EU law (eIDAS)',
};
export const QUALITY_LABELS: Record<Loa, string> = {
  4: 'Qualified electronic signature (LoA 4)',
  3: 'Advanced electronic signature (LoA 3)',
};
export const LANGUAGE_LABELS: Record<(typeof LANGUAGES)[number], string> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  it: 'Italiano',
};

/**
 * The journey cookie as the portal wrote it, read without zod (the first step of a two-step rule,
 * core/parse.ts TwoStepRule, docs/decisions/0020): a cookie the `Journey` schema
 * (demo-portal-forms.ts) would return unchanged — the signer's names already trimmed and within the
 * name rule, the number already in E.164, a known signature need, the order's refId if any, no
 * other field — is that journey; for anything else `undefined`, and the schema decides.
 */
export function wellFormedJourney(value: unknown): Journey | undefined {
  if (!isNonArrayObject(value)) return undefined;
  const { signer, refId, ...otherFields } = value;
  if (Object.keys(otherFields).length || !isNonArrayObject(signer)) return undefined;
  if (refId !== undefined && !isRefId(refId)) return undefined;
  const { firstName, lastName, mobile, need, ...otherSignerFields } = signer;
  if (Object.keys(otherSignerFields).length) return undefined;
  if (!isPersonName(firstName) || !isPersonName(lastName)) return undefined;
  if (typeof mobile !== 'string' || !E164.test(mobile)) return undefined;
  if (typeof need !== 'string' || !Object.hasOwn(SIGNATURE_NEEDS, need)) return undefined;
  const journeySigner = { firstName, lastName, mobile, need: need as SignatureNeed };
  return refId === undefined ? { signer: journeySigner } : { signer: journeySigner, refId };
}

/** The DN the portal would put in the certificate: RFC 4514 escaping of each value. */
export function distinguishedName(signer: Pick<Signer, 'firstName' | 'lastName'>): string {
  const escapeValue = (v: string) =>
    v
      .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
      .replace(/^[ #]/, (c) => `\\${c}`)
      .replace(/ $/, '\\ ');
  const { firstName, lastName } = signer;
  return `gn=${escapeValue(firstName)}, sn=${escapeValue(lastName)}, cn=${escapeValue(`${firstName} ${lastName}`)}`;
}

/** The verify call's body for this signer and document. */
export function verifyRequestFor(signer: Signer) {
  const need = SIGNATURE_NEEDS[signer.need];
  return {
    msisdn: signer.mobile.slice(1),
    claimedIdentity: PORTAL_CLAIMED_IDENTITIES[need.jurisdiction],
    assuranceLevel: need.loa,
    distinguishedName: distinguishedName(signer),
  };
}

/** A catalogue entry as the public API answers it (the fields the portal reads). */
export interface CatalogueEntry {
  loa: number;
  issuer: string;
  jurisdiction: string;
  realtimeMethods: string[];
  offlineMethods?: string[];
  webflow: boolean;
}

export interface MethodOption {
  /** The form value: `issuer|method`. */
  value: string;
  issuer: string;
  method: string;
  offline: boolean;
}

export interface MethodGroup {
  loa: Loa;
  /** The legal areas every method of the group is valid in. */
  jurisdictions: Jurisdiction[];
  title: string;
  methods: MethodOption[];
}

const isJurisdiction = (j: string): j is Jurisdiction => j === 'ZERTES' || j === 'EIDAS';

/**
 * The catalogue entries the portal may offer, grouped by quality (qualified first) and then by the
 * legal areas they cover, as the white paper's portal shows them.
 */
export function groupMethods(entries: readonly CatalogueEntry[]): MethodGroup[] {
  const groups = new Map<string, MethodGroup>();
  for (const entry of entries) {
    const loa = entry.loa === 4 ? 4 : 3;
    const jurisdictions = entry.jurisdiction.split(',').filter(isJurisdiction);
    if (jurisdictions.length === 0) continue;
    const key = `${loa}|${jurisdictions.join(',')}`;
    let group = groups.get(key);
    if (!group) {
      const areas = jurisdictions.map((j) => JURISDICTION_LABELS[j]).join(' and ');
      group = { loa, jurisdictions, title: `${QUALITY_LABELS[loa]} — ${areas}`, methods: [] };
      groups.set(key, group);
    }
    const add = (method: string, offline: boolean) =>
      group.methods.push({ value: `${entry.issuer}|${method}`, issuer: entry.issuer, method, offline });
    for (const m of entry.realtimeMethods) add(m, false);
    for (const m of entry.offlineMethods ?? []) add(m, true);
  }
  return [...groups.values()]
    .filter((g) => g.methods.length > 0)
    .sort((a, b) => b.loa - a.loa || b.jurisdictions.length - a.jurisdictions.length);
}

/** The identification's statuses in the words of the white paper's status table. */
export const STATUS_LABELS: Record<Status, string> = {
  created: 'Order created',
  initialized: 'Sent to the identification partner',
  'waiting-for-doc': 'Waiting for documents',
  done: 'Identification done',
  'data-ready': 'Data ready: evidence received, an SMS with the terms of use is on its way',
  'terms-accepted': 'Terms of use accepted',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

export const CANCEL_KIND_LABELS: Record<string, string> = {
  user: 'cancelled by you',
  isp: 'cancelled by the identification partner',
  unsuccessful: 'identification unsuccessful (documents insufficient or not valid)',
  expired: 'the time to finish ran out',
};

/** Where the journey stands, from the last status and the verify answer. */
export type JourneyStage =
  | 'at-partner'
  | 'waiting-for-terms'
  | 'registered-not-confirmed'
  | 'ready-to-sign'
  | 'cancelled'
  | 'failed';

export function journeyStage(lastStatus: string, verifyPositive: boolean): JourneyStage {
  if (verifyPositive) return 'ready-to-sign';
  switch (lastStatus) {
    case 'data-ready':
      return 'waiting-for-terms';
    // The registration is written before terms-accepted is recorded (usecases/registration.ts):
    // a negative verify now is final — the person the partner identified is not the signer the
    // portal asked about (most often a name written differently), and waiting changes nothing.
    case 'terms-accepted':
      return 'registered-not-confirmed';
    case 'cancelled':
      return 'cancelled';
    case 'failed':
      return 'failed';
    default:
      return 'at-partner';
  }
}

/** Stages after which the status cannot change any more: the page stops polling. */
export const SETTLED_STAGES: readonly JourneyStage[] = [
  'ready-to-sign',
  'registered-not-confirmed',
  'cancelled',
  'failed',
];

/** How the portal names the catalogue's method codes for a person. */
const METHOD_LABELS: Record<string, string> = {
  video: 'Video identification with an operator',
  bank: 'Bank identification (online banking login)',
  eid: 'German eID card (NFC)',
  auto: 'Automatic identification (no operator)',
  test: 'Test method (simulated partner)',
  courier: 'Courier at your door',
  pos: 'At a point of sale',
};
export const methodLabel = (method: string): string => METHOD_LABELS[method] ?? method;
