/**
 * The verify call's request read without zod (core/parse.ts TwoStepRule, docs/decisions/0020): the
 * call every signature of every SP makes, so its function should not build the request's schema at
 * each cold start for a body that is well-formed on nearly every call. The schema, which refuses
 * anything else with its field errors and produces the OpenAPI document: verify-schemas.ts.
 */
import { type DnAttributes, parseDnOrUndefined } from './dn.js';
import { CLAIMED_IDENTITY_ID, MSISDN, matchesSafeText } from './domain.js';
import type { VerifyRequest } from './verify-schemas.js';

export type { VerifyRequest };

/**
 * The body when it is certainly what VerifyRequest accepts — exactly its four fields: an msisdn and
 * a claimed identity by their patterns, the assurance level 3 or 4 as a number, a distinguished name
 * of safe text that parseDn reads (it refuses an empty one and one over MAX_DN_LENGTH UTF-16 units;
 * the schema's max length counts code points, but its isParsableDn refine refuses the same DNs, so a
 * DN of astral characters between the two counts is refused either way) — as the schema returns it
 * (unchanged);
 * undefined for anything else, which the schema then judges.
 */
export function wellFormedVerifyRequest(body: Readonly<Record<string, unknown>>): VerifyRequest | undefined {
  const { msisdn, claimedIdentity, assuranceLevel, distinguishedName } = body;
  // The four fields are present (none is undefined), so four keys are exactly these: no rest object
  // is copied per call to find the others.
  if (Object.keys(body).length !== 4) return undefined;
  if (typeof msisdn !== 'string' || !MSISDN.test(msisdn)) return undefined;
  if (typeof claimedIdentity !== 'string' || !CLAIMED_IDENTITY_ID.test(claimedIdentity)) return undefined;
  if (assuranceLevel !== 3 && assuranceLevel !== 4) return undefined;
  if (typeof distinguishedName !== 'string' || !matchesSafeText(distinguishedName)) return undefined;
  const attributes = parseDnOrUndefined(distinguishedName);
  if (!attributes) return undefined;
  const request: VerifyRequest = { msisdn, claimedIdentity, assuranceLevel, distinguishedName };
  lastRequest = request;
  lastName = attributes;
  return request;
}

/**
 * What the reader's `parseDn` made of the last request it returned, so that the decision reads the
 * name once, not twice per call. One slot, compared by identity: the handler asks right after its
 * reader, and a WeakMap entry per call cost as much as parsing the name; a request the slot no
 * longer holds (another was read since) has its name parsed again, never another request's.
 */
let lastRequest: VerifyRequest | undefined;
let lastName: DnAttributes | undefined;

/** The name as `parseDn` read it when the reader returned this request last; else the name as sent (decideVerify parses it). */
export function distinguishedNameOf(request: VerifyRequest): DnAttributes | string {
  return request === lastRequest && lastName ? lastName : request.distinguishedName;
}
